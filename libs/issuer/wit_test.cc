#include "libs/issuer/wit.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/jose/jwt.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"

namespace twi::issuer {
namespace {

using ::twi::testing::HasReason;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

class WitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(signer_, x509::testing::NewSigner());
    jose::Jwk jwk = jose::Jwk::FromPublicKey(signer_->public_key());
    jwk.set_kid("wit-1");
    keys_.Add(jwk);
  }

  absl::StatusOr<WitParams> Params(crypto::KeyType type = crypto::KeyType::kEcP256) {
    TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> workload, x509::testing::NewSigner(type));
    return WitParams{.issuer = "spiffe://example.org",
                     .subject = "spiffe://example.org/workload/payroll",
                     .jti = "jti-1",
                     .issued_at = kNow,
                     .expires_at = kNow + absl::Minutes(30),
                     .confirmation_key = jose::Jwk::FromPublicKey(workload->public_key()),
                     .extra_claims = {{"twi_claims", {{"location", "DE"}}}}};
  }

  absl::StatusOr<jose::Jwt> Verify(const std::string& wit) {
    jose::JwtValidation validation;
    validation.allowed_algorithms = {jose::Algorithm::kES256};
    validation.typ = std::string(kWitType);
    validation.require_iat = true;
    validation.issuer = "spiffe://example.org";
    return jose::VerifyJwt(wit, keys_, validation, kNow);
  }

  std::unique_ptr<crypto::Signer> signer_;
  jose::Jwks keys_;
};

TEST_F(WitTest, CarriesTheProfileClaims) {
  ASSERT_OK_AND_ASSIGN(WitParams params, Params());
  ASSERT_OK_AND_ASSIGN(std::string wit, SignWit(params, *signer_, "wit-1"));
  ASSERT_OK_AND_ASSIGN(jose::Jwt jwt, Verify(wit));
  EXPECT_EQ(jwt.header["typ"], "wit+jwt");
  EXPECT_EQ(jwt.kid, "wit-1");
  EXPECT_EQ(jwt.claims["sub"], params.subject);
  EXPECT_EQ(jwt.claims["jti"], "jti-1");
  EXPECT_EQ(jwt.claims["iat"], absl::ToUnixSeconds(kNow));
  EXPECT_EQ(jwt.claims["exp"], absl::ToUnixSeconds(kNow + absl::Minutes(30)));
  EXPECT_EQ(jwt.claims["twi_claims"]["location"], "DE");
  EXPECT_EQ(jwt.claims["cnf"]["jwk"]["alg"], "ES256");
  ASSERT_OK_AND_ASSIGN(jose::Jwk cnf, jose::Jwk::FromJson(jwt.claims["cnf"]["jwk"]));
  EXPECT_EQ(cnf.Thumbprint(), params.confirmation_key.Thumbprint());
}

TEST_F(WitTest, ConfirmationAlgorithmFollowsTheKeyType) {
  for (const auto& [type, alg] : {std::pair{crypto::KeyType::kEcP384, "ES384"},
                                  std::pair{crypto::KeyType::kEd25519, "EdDSA"}}) {
    ASSERT_OK_AND_ASSIGN(WitParams params, Params(type));
    ASSERT_OK_AND_ASSIGN(std::string wit, SignWit(params, *signer_, "wit-1"));
    ASSERT_OK_AND_ASSIGN(jose::Jwt jwt, Verify(wit));
    EXPECT_EQ(jwt.claims["cnf"]["jwk"]["alg"], alg);
  }
}

TEST_F(WitTest, RsaConfirmationKeyIsUnsupported) {
  ASSERT_OK_AND_ASSIGN(WitParams params, Params());
  ASSERT_OK_AND_ASSIGN(crypto::PrivateKey rsa, crypto::PrivateKey::Generate(crypto::KeyType::kRsa));
  params.confirmation_key = jose::Jwk::FromPublicKey(rsa.public_key());
  EXPECT_THAT(SignWit(params, *signer_, "wit-1"), HasReason(Reason::kUnsupportedAlgorithm));
}

TEST_F(WitTest, ExtraClaimsCannotOverrideRegisteredClaims) {
  ASSERT_OK_AND_ASSIGN(WitParams params, Params());
  params.extra_claims["sub"] = "spiffe://example.org/workload/admin";
  params.extra_claims["cnf"] = {{"jkt", "attacker"}};
  params.extra_claims["exp"] = absl::ToUnixSeconds(kNow + absl::Hours(1000));
  ASSERT_OK_AND_ASSIGN(std::string wit, SignWit(params, *signer_, "wit-1"));
  ASSERT_OK_AND_ASSIGN(jose::Jwt jwt, Verify(wit));
  EXPECT_EQ(jwt.claims["sub"], params.subject);
  EXPECT_EQ(jwt.claims["exp"], absl::ToUnixSeconds(params.expires_at));
  EXPECT_FALSE(jwt.claims["cnf"].contains("jkt"));
}

TEST_F(WitTest, EmptyIssuerIsOmitted) {
  ASSERT_OK_AND_ASSIGN(WitParams params, Params());
  params.issuer = "";
  ASSERT_OK_AND_ASSIGN(std::string wit, SignWit(params, *signer_, "wit-1"));
  jose::JwtValidation validation;
  validation.allowed_algorithms = {jose::Algorithm::kES256};
  validation.typ = std::string(kWitType);
  ASSERT_OK_AND_ASSIGN(jose::Jwt jwt, jose::VerifyJwt(wit, keys_, validation, kNow));
  EXPECT_FALSE(jwt.claims.contains("iss"));
}

}  // namespace
}  // namespace twi::issuer
