#include "libs/policy/tier.h"

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::policy {
namespace {

using ::twi::testing::HasReason;

TEST(TierTest, NamesRoundTrip) {
  for (Tier tier : {Tier::kNone, Tier::kAffirming, Tier::kWarning, Tier::kContraindicated}) {
    ASSERT_OK_AND_ASSIGN(Tier parsed, TierFromName(TierName(tier)));
    EXPECT_EQ(parsed, tier);
  }
  EXPECT_EQ(TierName(Tier::kContraindicated), "contraindicated");
  EXPECT_EQ(static_cast<int>(Tier::kWarning), 32);
}

TEST(TierTest, UnknownNamesAreRejected) {
  EXPECT_THAT(TierFromName("Affirming"), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(TierFromName(""), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(TierFromName("2"), HasReason(Reason::kInvalidArgument));
}

TEST(TierTest, ClaimValueBoundaries) {
  struct Case {
    int value;
    Tier tier;
  };
  for (const Case& c :
       {Case{-1, Tier::kNone}, Case{0, Tier::kNone}, Case{1, Tier::kNone},
        Case{2, Tier::kAffirming}, Case{31, Tier::kAffirming}, Case{-2, Tier::kAffirming},
        Case{-32, Tier::kAffirming}, Case{32, Tier::kWarning}, Case{95, Tier::kWarning},
        Case{-33, Tier::kWarning}, Case{-96, Tier::kWarning}, Case{96, Tier::kContraindicated},
        Case{127, Tier::kContraindicated}, Case{-97, Tier::kContraindicated},
        Case{-128, Tier::kContraindicated}, Case{128, Tier::kContraindicated},
        Case{-129, Tier::kContraindicated}, Case{1000, Tier::kContraindicated}}) {
    EXPECT_EQ(TierOfClaim(c.value), c.tier) << c.value;
  }
}

TEST(TierTest, WorseTierOrdersBySeverity) {
  EXPECT_EQ(WorseTier(Tier::kNone, Tier::kAffirming), Tier::kAffirming);
  EXPECT_EQ(WorseTier(Tier::kWarning, Tier::kAffirming), Tier::kWarning);
  EXPECT_EQ(WorseTier(Tier::kWarning, Tier::kContraindicated), Tier::kContraindicated);
}

}  // namespace
}  // namespace twi::policy
