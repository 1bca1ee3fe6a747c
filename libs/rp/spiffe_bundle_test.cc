#include "libs/rp/spiffe_bundle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/rp/rp_test_fixture.h"

namespace twi::rp {
namespace {

using ::twi::testing::HasReason;

class SpiffeBundleTest : public testing::TrustDomainTest {
 protected:
  Json Published() const { return published_.ToSpiffeJwks(); }
};

TEST_F(SpiffeBundleTest, ReadsAuthoritiesSequenceAndHint) {
  ASSERT_EQ(bundle_.x509_authorities.size(), 1u);
  EXPECT_EQ(bundle_.x509_authorities[0].ToDer(), pki_->root.certificate.ToDer());
  ASSERT_EQ(bundle_.wit_keys.keys().size(), 1u);
  EXPECT_EQ(bundle_.wit_keys.keys()[0].kid(), kid_);
  EXPECT_EQ(bundle_.sequence, 7);
  EXPECT_EQ(bundle_.refresh_hint, absl::Minutes(5));
}

TEST_F(SpiffeBundleTest, IgnoresEntriesWithUnknownOrNoUse) {
  Json jwks = Published();
  Json extra = jwks["keys"][1];
  extra["use"] = "jwt-svid-from-the-future";
  jwks["keys"].push_back(extra);
  extra.erase("use");
  jwks["keys"].push_back(extra);
  ASSERT_OK_AND_ASSIGN(SpiffeBundle bundle, ParseSpiffeBundle(jwks.dump()));
  EXPECT_EQ(bundle.wit_keys.keys().size(), 1u);
  EXPECT_EQ(bundle.x509_authorities.size(), 1u);
}

TEST_F(SpiffeBundleTest, RefusesX509EntryWithKidOrWithoutSingleCertificate) {
  Json with_kid = Published();
  with_kid["keys"][0]["kid"] = "nope";
  EXPECT_THAT(ParseSpiffeBundle(with_kid.dump()), HasReason(Reason::kJoseMalformed));
  Json two = Published();
  two["keys"][0]["x5c"].push_back(two["keys"][0]["x5c"][0]);
  EXPECT_THAT(ParseSpiffeBundle(two.dump()), HasReason(Reason::kJoseMalformed));
}

TEST_F(SpiffeBundleTest, RefusesCertificateThatIsNotTheEntryKey) {
  Json jwks = Published();
  jwks["keys"][0]["x5c"][0] = Base64Encode(pki_->intermediate.certificate.ToDer());
  EXPECT_THAT(ParseSpiffeBundle(jwks.dump()), HasReason(Reason::kCertificateInvalid));
}

TEST_F(SpiffeBundleTest, RefusesWitEntryWithoutUniqueKid) {
  Json no_kid = Published();
  no_kid["keys"][1].erase("kid");
  EXPECT_THAT(ParseSpiffeBundle(no_kid.dump()), HasReason(Reason::kJoseMalformed));
  Json twice = Published();
  twice["keys"].push_back(twice["keys"][1]);
  EXPECT_THAT(ParseSpiffeBundle(twice.dump()), HasReason(Reason::kJoseMalformed));
}

TEST_F(SpiffeBundleTest, RefusesBadSequenceAndHint) {
  Json seq = Published();
  seq["spiffe_sequence"] = "7";
  EXPECT_THAT(ParseSpiffeBundle(seq.dump()), HasReason(Reason::kJoseMalformed));
  Json hint = Published();
  hint["spiffe_refresh_hint"] = 0;
  EXPECT_THAT(ParseSpiffeBundle(hint.dump()), HasReason(Reason::kJoseMalformed));
}

}  // namespace
}  // namespace twi::rp
