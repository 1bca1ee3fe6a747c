#include "libs/issuer/bundle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"

namespace twi::issuer {
namespace {

using ::testing::SizeIs;

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(root_, x509::testing::MakeRoot(x509::testing::TestNow()));
    ASSERT_OK_AND_ASSIGN(wit_signer_, x509::testing::NewSigner());
    jose::Jwk wit = jose::Jwk::FromPublicKey(wit_signer_->public_key());
    wit.set_kid("wit-1");
    bundle_.x509_authorities = {root_->certificate};
    bundle_.wit_authorities = {wit};
    bundle_.sequence = 7;
    bundle_.refresh_hint = absl::Minutes(2);
  }

  std::optional<x509::testing::Party> root_;
  std::unique_ptr<crypto::Signer> wit_signer_;
  TrustBundle bundle_;
};

TEST_F(BundleTest, SpiffeJwksCarriesX509AndWitAuthorities) {
  const Json jwks = bundle_.ToSpiffeJwks();
  EXPECT_EQ(jwks["spiffe_sequence"], 7);
  EXPECT_EQ(jwks["spiffe_refresh_hint"], 120);
  ASSERT_THAT(jwks["keys"], SizeIs(2));
  const Json& x509 = jwks["keys"][0];
  EXPECT_EQ(x509["use"], "x509-svid");
  EXPECT_EQ(x509["x5c"], Json::array({Base64Encode(root_->certificate.ToDer())}));
  const Json& wit = jwks["keys"][1];
  EXPECT_EQ(wit["use"], "wit-svid");
  EXPECT_EQ(wit["kid"], "wit-1");

  // It parses as a JWK Set that keeps the SPIFFE members.
  ASSERT_OK_AND_ASSIGN(jose::Jwks parsed, jose::Jwks::FromJson(jwks));
  EXPECT_THAT(parsed.keys(), SizeIs(2));
  EXPECT_EQ(parsed.extra()["spiffe_sequence"], 7);
  EXPECT_TRUE(parsed.keys()[0].key().Equals(root_->certificate.public_key()));
}

TEST_F(BundleTest, WitKeysHoldOnlyWitAuthorities) {
  const jose::Jwks keys = bundle_.WitKeys();
  ASSERT_THAT(keys.keys(), SizeIs(1));
  EXPECT_EQ(keys.keys()[0].kid(), "wit-1");
  EXPECT_TRUE(keys.keys()[0].key().Equals(wit_signer_->public_key()));
}

TEST_F(BundleTest, PemHoldsTheRoots) {
  ASSERT_OK_AND_ASSIGN(std::vector<x509::Certificate> roots,
                       x509::Certificate::ChainFromPem(bundle_.ToPem()));
  ASSERT_THAT(roots, SizeIs(1));
  EXPECT_EQ(roots[0].ToDer(), root_->certificate.ToDer());
}

}  // namespace
}  // namespace twi::issuer
