#include "libs/policy/appraisal_policy.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/digest.h"
#include "libs/policy/policy_matchers.h"
#include "libs/policy/test_policies.h"
#include "testing/status_matchers.h"

namespace twi::policy {
namespace {

using ::twi::policy::testing::AppraisalYaml;
using ::twi::policy::testing::ConfigErrorAt;
using ::twi::policy::testing::Replace;

TEST(AppraisalPolicyTest, ParsesTheExample) {
  ASSERT_OK_AND_ASSIGN(AppraisalPolicy policy, ParseAppraisalPolicy(AppraisalYaml()));
  EXPECT_EQ(policy.id, crypto::Sha256Id(AsBytes(AppraisalYaml())));
  EXPECT_EQ(policy.ear_ttl, absl::Minutes(5));
  EXPECT_EQ(policy.debug_enabled, Action::kReject);
  EXPECT_EQ(policy.svn_below_minimum, Action::kReject);
}

TEST(AppraisalPolicyTest, DefaultsAreStrict) {
  ASSERT_OK_AND_ASSIGN(AppraisalPolicy policy,
                       ParseAppraisalPolicy("version: 1\nkind: appraisal\n"));
  EXPECT_EQ(policy.ear_ttl, absl::Minutes(5));
  EXPECT_EQ(policy.debug_enabled, Action::kReject);
  EXPECT_EQ(policy.svn_below_minimum, Action::kReject);
}

TEST(AppraisalPolicyTest, WarnActions) {
  ASSERT_OK_AND_ASSIGN(AppraisalPolicy policy,
                       ParseAppraisalPolicy(Replace(
                           Replace(AppraisalYaml(), "debug_enabled: reject", "debug_enabled: warn"),
                           "svn_below_minimum: reject", "svn_below_minimum: warn")));
  EXPECT_EQ(policy.debug_enabled, Action::kWarn);
  EXPECT_EQ(policy.svn_below_minimum, Action::kWarn);
  EXPECT_EQ(ActionName(Action::kWarn), "warn");
}

TEST(AppraisalPolicyTest, EarTtlBounds) {
  ASSERT_OK_AND_ASSIGN(AppraisalPolicy day, ParseAppraisalPolicy(Replace(
                                                AppraisalYaml(), "ear_ttl: 5m", "ear_ttl: 24h")));
  EXPECT_EQ(day.ear_ttl, absl::Hours(24));
  EXPECT_THAT(ParseAppraisalPolicy(Replace(AppraisalYaml(), "ear_ttl: 5m", "ear_ttl: 25h")),
              ConfigErrorAt("ear_ttl"));
  EXPECT_THAT(ParseAppraisalPolicy(Replace(AppraisalYaml(), "ear_ttl: 5m", "ear_ttl: 0s")),
              ConfigErrorAt("ear_ttl"));
  EXPECT_THAT(ParseAppraisalPolicy(Replace(AppraisalYaml(), "ear_ttl: 5m", "ear_ttl: soon")),
              ConfigErrorAt("ear_ttl"));
}

TEST(AppraisalPolicyTest, ErrorsNameThePath) {
  const std::string yaml = AppraisalYaml();
  EXPECT_THAT(ParseAppraisalPolicy(Replace(yaml, "debug_enabled: reject", "debug_enabled: allow")),
              ConfigErrorAt("actions.debug_enabled"));
  EXPECT_THAT(
      ParseAppraisalPolicy(Replace(yaml, "svn_below_minimum: reject", "svn_below_minimum: true")),
      ConfigErrorAt("actions.svn_below_minimum"));
  EXPECT_THAT(ParseAppraisalPolicy(Replace(yaml, "debug_enabled:", "debug:")),
              ConfigErrorAt("actions.debug"));
  EXPECT_THAT(ParseAppraisalPolicy(Replace(yaml, "ear_ttl:", "ttl:")), ConfigErrorAt("ttl"));
  EXPECT_THAT(ParseAppraisalPolicy(Replace(yaml, "kind: appraisal", "kind: issuance")),
              ConfigErrorAt("kind"));
  EXPECT_THAT(ParseAppraisalPolicy("version: 1\nkind: appraisal\nactions: [reject]\n"),
              ConfigErrorAt("actions"));
}

}  // namespace
}  // namespace twi::policy
