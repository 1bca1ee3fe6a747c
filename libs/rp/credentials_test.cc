#include "libs/rp/credentials.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/jose/jwt.h"
#include "libs/rp/rp_test_fixture.h"
#include "libs/x509/issue.h"

namespace twi::rp {
namespace {

using ::twi::testing::HasReason;
using ::twi::x509::testing::kWorkloadId;
using ::twi::x509::testing::TestNow;

class CredentialsTest : public testing::TrustDomainTest {
 protected:
  std::string ChainPem() const {
    return x509::ChainToPem({pki_->leaf.certificate, pki_->intermediate.certificate});
  }
};

TEST_F(CredentialsTest, X509SvidOfTheTrustDomainVerifies) {
  ASSERT_OK_AND_ASSIGN(VerifiedX509Svid svid,
                       VerifyX509Svid(ChainPem(), "example.org", bundle_, TestNow()));
  EXPECT_EQ(svid.id.ToString(), kWorkloadId);
  EXPECT_EQ(svid.leaf.ToDer(), pki_->leaf.certificate.ToDer());
}

TEST_F(CredentialsTest, X509SvidRefusedForOtherTrustDomainOrWithoutIntermediateOrExpired) {
  EXPECT_THAT(VerifyX509Svid(ChainPem(), "other.org", bundle_, TestNow()),
              HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(VerifyX509Svid(pki_->leaf.certificate.ToPem(), "example.org", bundle_, TestNow()),
              HasReason(Reason::kChainInvalid));
  EXPECT_THAT(VerifyX509Svid(ChainPem(), "example.org", bundle_, TestNow() + absl::Hours(2)),
              HasReason(Reason::kChainInvalid));
  SpiffeBundle empty;
  EXPECT_THAT(VerifyX509Svid(ChainPem(), "example.org", empty, TestNow()),
              HasReason(Reason::kChainInvalid));
}

TEST_F(CredentialsTest, WitVerifiesAndYieldsIdentityAndConfirmationKey) {
  ASSERT_OK_AND_ASSIGN(VerifiedWit wit,
                       VerifyWit(SignedWit(Wit()), "example.org", bundle_, TestNow()));
  EXPECT_EQ(wit.id.ToString(), kWorkloadId);
  EXPECT_TRUE(wit.confirmation_key.key().Equals(workload_key_->public_key()));
  EXPECT_EQ(wit.confirmation_key.alg(), jose::Algorithm::kES256);
  EXPECT_EQ(wit.claims["jti"], "jti-1");
}

TEST_F(CredentialsTest, WitRefusedWhenExpiredOrFromAnotherKeyOrDomain) {
  const std::string token = SignedWit(Wit());
  EXPECT_THAT(VerifyWit(token, "example.org", bundle_, TestNow() + absl::Hours(1)),
              HasReason(Reason::kJwtExpired));
  EXPECT_THAT(VerifyWit(token, "other.org", bundle_, TestNow()),
              HasReason(Reason::kSpiffeIdInvalid));
  SpiffeBundle no_wit_keys = bundle_;
  no_wit_keys.wit_keys = jose::Jwks();
  EXPECT_THAT(VerifyWit(token, "example.org", no_wit_keys, TestNow()),
              HasReason(Reason::kJoseKeyNotFound));
}

TEST_F(CredentialsTest, WitWithAudienceIsRefused) {
  issuer::WitParams params = Wit();
  params.extra_claims["aud"] = "https://rp.example.org";
  EXPECT_THAT(VerifyWit(SignedWit(params), "example.org", bundle_, TestNow()),
              HasReason(Reason::kJwtClaimInvalid));
}

TEST_F(CredentialsTest, TokenOfAnotherTypeIsRefused) {
  Json header = {{"typ", "JWT"}, {"kid", kid_}};
  Json claims = {{"sub", kWorkloadId}, {"exp", absl::ToUnixSeconds(TestNow()) + 60}};
  ASSERT_OK_AND_ASSIGN(std::string jwt, jose::SignJwt(header, claims, *wit_signer_));
  EXPECT_THAT(VerifyWit(jwt, "example.org", bundle_, TestNow()),
              HasReason(Reason::kJoseTypeMismatch));
}

TEST_F(CredentialsTest, WitWithoutConfirmationKeyIsRefused) {
  Json header = {{"typ", "wit+jwt"}, {"kid", kid_}};
  Json claims = {{"sub", kWorkloadId}, {"exp", absl::ToUnixSeconds(TestNow()) + 60}};
  ASSERT_OK_AND_ASSIGN(std::string jwt, jose::SignJwt(header, claims, *wit_signer_));
  EXPECT_THAT(VerifyWit(jwt, "example.org", bundle_, TestNow()),
              HasReason(Reason::kJwtClaimMissing));
}

}  // namespace
}  // namespace twi::rp
