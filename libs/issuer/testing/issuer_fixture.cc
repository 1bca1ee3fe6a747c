#include "libs/issuer/testing/issuer_fixture.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/issuer/wit.h"
#include "libs/jose/jwt.h"
#include "libs/policy/issuance_policy.h"
#include "libs/x509/csr.h"
#include "libs/x509/svid.h"
#include "testing/status_matchers.h"

namespace twi::issuer::testing {

absl::Status FaultyLedger::Append(const std::vector<storage::IssuanceRecord>& records) {
  ++append_calls_;
  if (fail_appends_) return Error(Reason::kStorageError, "injected ledger failure");
  return base_->Append(records);
}

absl::StatusOr<WorkloadKey> NewWorkloadKey(crypto::KeyType type) {
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> signer, x509::testing::NewSigner(type));
  jose::Jwk jwk = jose::Jwk::FromPublicKey(signer->public_key());
  std::string thumbprint = jwk.Thumbprint();
  return WorkloadKey{std::move(signer), std::move(jwk), std::move(thumbprint)};
}

absl::StatusOr<std::string> CsrPem(const WorkloadKey& key) {
  TWI_ASSIGN_OR_RETURN(x509::CertificateRequest csr, x509::CreateCsr(*key.signer));
  return csr.ToPem();
}

absl::StatusOr<std::unique_ptr<AuthorityHarness>> AuthorityHarness::Create(
    const crypto::PublicKey& verifier_key, const Clock* clock, AuthorityOptions options) {
  std::unique_ptr<AuthorityHarness> h(new AuthorityHarness());
  TWI_ASSIGN_OR_RETURN(h->db_, storage::SqliteDatabase::Open(h->dir_.File("ca.db")));
  h->sqlite_ledger_ = storage::NewSqliteIssuanceLedger(h->db_);
  h->ledger_ = std::make_unique<FaultyLedger>(h->sqlite_ledger_.get());
  const absl::Time now = clock->Now();
  TWI_ASSIGN_OR_RETURN(h->root_, x509::testing::MakeRoot(now, kTrustDomain));
  TWI_ASSIGN_OR_RETURN(h->issuing_, x509::testing::MakeIntermediate(*h->root_, now, kTrustDomain));
  TWI_ASSIGN_OR_RETURN(h->wit_signer_, x509::testing::NewSigner());
  h->wit_kid_ = jose::Jwk::FromPublicKey(h->wit_signer_->public_key()).Thumbprint();
  h->verifier_jwk_ = jose::Jwk::FromPublicKey(verifier_key);
  TWI_ASSIGN_OR_RETURN(AuthorityConfig config, h->NewConfig(options));
  TWI_ASSIGN_OR_RETURN(h->authority_,
                       CredentialAuthority::Create(std::move(config), h->ledger_.get(), clock));
  return h;
}

absl::StatusOr<AuthorityConfig> AuthorityHarness::NewConfig(const AuthorityOptions& options) const {
  AuthorityConfig config;
  config.trust_domain = kTrustDomain;
  config.issuing_chain = {issuing_->certificate};
  config.x509_signer = std::make_unique<ForwardingSigner>(issuing_->signer.get());
  config.wit_signer = std::make_unique<ForwardingSigner>(wit_signer_.get());
  config.bundle.x509_authorities = {root_->certificate};
  jose::Jwk wit_jwk = jose::Jwk::FromPublicKey(wit_signer_->public_key());
  wit_jwk.set_kid(wit_kid_);
  wit_jwk.set_alg(jose::Algorithm::kES256);
  config.bundle.wit_authorities = {wit_jwk};
  TWI_ASSIGN_OR_RETURN(config.policy,
                       policy::ParseIssuancePolicy(policy::testing::Replace(
                           options.issuance_yaml, std::string(policy::testing::kThumbprint),
                           verifier_jwk_->Thumbprint())));
  config.verifier_keys.Add(*verifier_jwk_);
  return config;
}

int64_t AuthorityHarness::LedgerCount() {
  absl::StatusOr<int64_t> count = ledger_->Count();
  return count.ok() ? *count : -1;
}

void AuthorityHarness::ExpectValidCredentials(const IssuedCredentials& credentials,
                                              std::string_view spiffe_id, const WorkloadKey& key,
                                              absl::Time now) const {
  using ::testing::ElementsAre;
  EXPECT_EQ(credentials.spiffe_id, spiffe_id);
  EXPECT_EQ(credentials.bundle->pem(), authority_->bundle().ToPem());
  EXPECT_EQ(credentials.bundle->jwks(), authority_->bundle().ToSpiffeJwks());

  if (!credentials.x509_svid_pem.empty()) {
    ASSERT_OK_AND_ASSIGN(std::vector<x509::Certificate> chain,
                         x509::Certificate::ChainFromPem(credentials.x509_svid_pem));
    ASSERT_EQ(chain.size(), 2u) << "leaf + issuing CA";
    const x509::Certificate& leaf = chain[0];
    EXPECT_TRUE(leaf.public_key().Equals(key.signer->public_key()));
    EXPECT_FALSE(leaf.IsCa());
    EXPECT_THAT(leaf.UriSans(), ElementsAre(std::string(spiffe_id)));
    EXPECT_TRUE(leaf.HasServerAuth());
    EXPECT_TRUE(leaf.HasClientAuth());
    EXPECT_EQ(leaf.SerialHex(), credentials.x509_serial);
    EXPECT_EQ(leaf.not_after(), credentials.x509_not_after);
    EXPECT_EQ(chain[1].ToDer(), issuing_ca().ToDer());
    // The bundle the workload received is what a relying party validates against.
    ASSERT_OK_AND_ASSIGN(std::vector<x509::Certificate> roots,
                         x509::Certificate::ChainFromPem(credentials.bundle->pem()));
    ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId id,
                         x509::ValidateX509Svid(chain, kTrustDomain, roots, now));
    EXPECT_EQ(id.ToString(), spiffe_id);
  }

  if (!credentials.wit.empty()) {
    jose::JwtValidation validation;
    validation.allowed_algorithms = {jose::Algorithm::kES256};
    validation.typ = std::string(kWitType);
    validation.require_exp = true;
    validation.require_iat = true;
    validation.required_claims = {"sub", "jti", "cnf"};
    ASSERT_OK_AND_ASSIGN(
        jose::Jwt jwt,
        jose::VerifyJwt(credentials.wit, authority_->bundle().WitKeys(), validation, now));
    // The SPIFFE JWKS handed to the workload verifies it too.
    ASSERT_OK_AND_ASSIGN(jose::Jwks published, jose::Jwks::FromJson(credentials.bundle->jwks()));
    EXPECT_OK(jose::VerifyJwt(credentials.wit, published, validation, now));
    EXPECT_EQ(jwt.header.value("typ", ""), kWitType);
    ASSERT_TRUE(jwt.kid.has_value());
    EXPECT_EQ(*jwt.kid, wit_kid_);
    EXPECT_EQ(jwt.claims.value("sub", ""), spiffe_id);
    EXPECT_EQ(jwt.claims.value("iss", ""), std::string("spiffe://") + kTrustDomain);
    EXPECT_EQ(jwt.claims.value("jti", ""), credentials.wit_jti);
    EXPECT_FALSE(credentials.wit_jti.empty());
    EXPECT_EQ(jwt.claims.value("exp", int64_t{0}), absl::ToUnixSeconds(credentials.wit_expires_at));
    EXPECT_EQ(jwt.claims.value("iat", int64_t{0}), absl::ToUnixSeconds(now));
    ASSERT_TRUE(jwt.claims["cnf"].is_object());
    const Json& cnf_jwk = jwt.claims["cnf"]["jwk"];
    EXPECT_EQ(cnf_jwk.value("alg", ""), "ES256");
    ASSERT_OK_AND_ASSIGN(jose::Jwk confirmation, jose::Jwk::FromJson(cnf_jwk));
    EXPECT_EQ(confirmation.Thumbprint(), key.thumbprint);
  }
}

}  // namespace twi::issuer::testing
