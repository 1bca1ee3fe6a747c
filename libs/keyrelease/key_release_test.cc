// KeyReleaseService over a real SoftHSM2 token: what an EAR must show before the token makes a
// wrap, and the strict parsing of key-release policies.
#include "libs/keyrelease/key_release.h"

#include <optional>

#include "gtest/gtest.h"
#include "libs/crypto/random.h"
#include "libs/ear/ear.h"
#include "libs/keystore/testing/softhsm_token.h"
#include "libs/policy/workload_render.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::keyrelease {
namespace {

using ::twi::testing::HasReason;

constexpr char kIdentifier[] = "spiffe://kr.twi.test/workload/payroll";

class KeyReleaseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(token_, keystore::testing::SoftHsmToken::Create());
    ASSERT_OK_AND_ASSIGN(store_, keystore::Pkcs11KeyStore::Open(token_->Options()));
    ASSERT_OK_AND_ASSIGN(
        policy::WorkloadPolicy workload,
        policy::SimpleWorkload("payroll", kIdentifier, "sample", {{"1.0", crypto::RandomBytes(32)}},
                               crypto::RandomBytes(32)));
    workload.claims = {{"location", "DE"}};
    ASSERT_OK_AND_ASSIGN(policy::PolicySet set,
                         policy::PolicySet::Create({workload}, std::nullopt, std::nullopt));
    policies_ = std::make_unique<policy::PolicyHolder>(std::move(set));
    files_ = std::make_unique<KeyReleaseFiles>(dir_.File("key-release"), dir_.File("provisioned"));
    ASSERT_OK_AND_ASSIGN(key_uri_,
                         store_->GenerateCredentialKey("credential", crypto::KeyType::kEcP256));
    ProvisionedKey provisioned;
    provisioned.workload = "payroll";
    provisioned.identifier = kIdentifier;
    provisioned.key_uri = key_uri_;
    provisioned.provisioned_at = clock_.Now();
    // Only stored and served here, never checked: any credential will do.
    provisioned.credentials.spiffe_id = kIdentifier;
    provisioned.credentials.wit = "e30.e30.c2ln";
    provisioned.credentials.wit_jti = "jti";
    provisioned.credentials.wit_expires_at = clock_.Now() + absl::Hours(1);
    ASSERT_OK(files_->PutProvisioned(provisioned));
    ASSERT_OK(files_->PutPolicy("payroll", {}));

    ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey ear_key,
                         crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
    ASSERT_OK_AND_ASSIGN(ear_signer_, crypto::NewSoftwareSigner(
                                          ear_key, crypto::SignatureAlgorithm::kEcdsaP256Sha256));
    jose::Jwk jwk = jose::Jwk::FromPublicKey(ear_signer_->public_key());
    kid_ = jwk.Thumbprint();
    jwk.set_kid(kid_);
    jose::Jwks trusted;
    trusted.Add(jwk);
    service_ = std::make_unique<KeyReleaseService>(store_.get(), files_.get(), policies_.get(),
                                                   std::move(trusted), &clock_);
    ASSERT_OK_AND_ASSIGN(encryption_, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  }

  // An EAR for `key` as the Verifier would sign it, changed by `edit`.
  std::string Ear(const crypto::PrivateKey& key,
                  const std::function<void(ear::Ear&)>& edit = nullptr) {
    ear::Ear result;
    result.issued_at = clock_.Now();
    result.expires_at = clock_.Now() + absl::Minutes(5);
    result.jti = "jti";
    result.verifier_id = {"twi", "test"};
    ear::Appraisal submod;
    submod.status = policy::Tier::kAffirming;
    result.submods["sample"] = submod;
    result.status = policy::Tier::kAffirming;
    ear::WorkloadResult w;
    w.identifier = kIdentifier;
    w.workload = "payroll";
    w.release = "1.0";
    w.claims = {{"location", "DE"}};
    w.formats = {"x509-svid"};
    w.bound_key = jose::Jwk::FromPublicKey(key.public_key());
    w.bound_key_thumbprint = w.bound_key->Thumbprint();
    w.binding_purpose = "encryption-key";
    result.workload = w;
    if (edit) edit(result);
    auto token = ear::Sign(result, *ear_signer_, kid_);
    EXPECT_OK(token);
    return token.ok() ? *token : "";
  }

  absl::StatusOr<ReleaseResponse> Release(const std::string& ear) {
    return service_->Release(
        {.ear = ear, .key = jose::Jwk::FromPublicKey(encryption_->public_key()).ToJson()});
  }

  twi::testing::TempDir dir_;
  twi::testing::FakeClock clock_;
  std::unique_ptr<keystore::testing::SoftHsmToken> token_;
  std::unique_ptr<keystore::Pkcs11KeyStore> store_;
  std::unique_ptr<policy::PolicyHolder> policies_;
  std::unique_ptr<KeyReleaseFiles> files_;
  std::string key_uri_;
  std::unique_ptr<crypto::Signer> ear_signer_;
  std::string kid_;
  std::unique_ptr<KeyReleaseService> service_;
  std::optional<crypto::PrivateKey> encryption_;
};

TEST_F(KeyReleaseServiceTest, ReleasesTheCredentialKeyToTheAttestedKeyOnly) {
  ASSERT_OK_AND_ASSIGN(const ReleaseResponse response, Release(Ear(*encryption_)));
  EXPECT_EQ(response.identifier, kIdentifier);
  EXPECT_EQ(response.workload, "payroll");
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey released,
                       OpenReleasedKey(response.jwe, *encryption_));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(key_uri_));
  EXPECT_TRUE(released.public_key().Equals(signer->public_key()));
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey other,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  EXPECT_THAT(OpenReleasedKey(response.jwe, other), HasReason(Reason::kDecryptionFailed));
}

TEST_F(KeyReleaseServiceTest, TheTierMustMeetThePolicy) {
  auto warning = [](ear::Ear& e) {
    e.status = policy::Tier::kWarning;
    e.submods["sample"].status = policy::Tier::kWarning;
  };
  EXPECT_THAT(Release(Ear(*encryption_, warning)), HasReason(Reason::kKeyReleaseDenied));
  KeyReleasePolicy lenient;
  lenient.minimum_status = policy::Tier::kWarning;
  ASSERT_OK(files_->PutPolicy("payroll", lenient));
  EXPECT_OK(Release(Ear(*encryption_, warning)).status());
  auto contraindicated = [](ear::Ear& e) {
    e.status = policy::Tier::kContraindicated;
    e.submods["sample"].status = policy::Tier::kContraindicated;
  };
  EXPECT_THAT(Release(Ear(*encryption_, contraindicated)), HasReason(Reason::kKeyReleaseDenied));
}

TEST_F(KeyReleaseServiceTest, RequiredClaimsMustHoldExactly) {
  KeyReleasePolicy policy;
  policy.claims = {{"location", "DE"}};
  ASSERT_OK(files_->PutPolicy("payroll", policy));
  EXPECT_OK(Release(Ear(*encryption_)).status());
  policy.claims = {{"location", "US"}};
  ASSERT_OK(files_->PutPolicy("payroll", policy));
  EXPECT_THAT(Release(Ear(*encryption_)), HasReason(Reason::kKeyReleaseDenied));
  policy.claims = {{"cleared_for_pii", true}};
  ASSERT_OK(files_->PutPolicy("payroll", policy));
  EXPECT_THAT(Release(Ear(*encryption_)), HasReason(Reason::kKeyReleaseDenied));
}

TEST_F(KeyReleaseServiceTest, RefusesEarsThatAreNotForThisKeyWorkloadOrTime) {
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey other,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  EXPECT_THAT(Release(Ear(other)), HasReason(Reason::kKeyMismatch));
  EXPECT_THAT(Release(Ear(*encryption_,
                          [](ear::Ear& e) { e.workload->binding_purpose = "credential-key"; })),
              HasReason(Reason::kKeyMismatch));
  EXPECT_THAT(Release(Ear(*encryption_, [](ear::Ear& e) { e.workload->workload = "billing"; })),
              HasReason(Reason::kWorkloadUnknown));
  EXPECT_THAT(Release(Ear(*encryption_,
                          [](ear::Ear& e) {
                            e.workload->identifier = "spiffe://kr.twi.test/workload/other";
                          })),
              HasReason(Reason::kWorkloadUnknown));
  EXPECT_THAT(Release(Ear(*encryption_, [](ear::Ear& e) { e.workload->release = "0.9"; })),
              HasReason(Reason::kReleaseRevoked));
  // Older than the policy's two minutes, though not expired.
  const std::string ear = Ear(*encryption_);
  clock_.Advance(absl::Minutes(3));
  EXPECT_THAT(Release(ear), HasReason(Reason::kEarTooOld));
  clock_.Advance(absl::Minutes(3));
  EXPECT_THAT(Release(ear), HasReason(Reason::kEarExpired));
  // Signed by a key the deployment does not trust.
  ASSERT_OK_AND_ASSIGN(
      ear_signer_, crypto::NewSoftwareSigner(other, crypto::SignatureAlgorithm::kEcdsaP256Sha256));
  EXPECT_THAT(Release(Ear(*encryption_)), HasReason(Reason::kEarUntrustedKey));
}

TEST_F(KeyReleaseServiceTest, OnlyEncryptionKeyTypesAndProvisionedWorkloads) {
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey ed25519,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
  EXPECT_THAT(service_->Release({.ear = Ear(ed25519),
                                 .key = jose::Jwk::FromPublicKey(ed25519.public_key()).ToJson()}),
              HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(service_->Release({.ear = Ear(*encryption_), .key = Json::object()}),
              HasReason(Reason::kKeyInvalid));
  const KeyReleaseFiles empty(dir_.File("none"), dir_.File("none"));
  EXPECT_THAT(empty.GetProvisioned("payroll"), HasReason(Reason::kKeyNotProvisioned));
  EXPECT_THAT(empty.GetPolicy("payroll"), HasReason(Reason::kKeyReleaseDenied));
  EXPECT_THAT(empty.GetPolicy("../payroll"), HasReason(Reason::kRequestInvalid));
}

TEST(KeyReleasePolicyTest, ParsingIsStrict) {
  ASSERT_OK_AND_ASSIGN(const KeyReleasePolicy policy,
                       KeyReleasePolicyFromJson({{"minimum_status", "warning"},
                                                 {"max_ear_age_seconds", 30},
                                                 {"claims", {{"tier", 2}, {"pii", true}}}}));
  EXPECT_EQ(policy.minimum_status, policy::Tier::kWarning);
  EXPECT_EQ(policy.max_ear_age, absl::Seconds(30));
  ASSERT_OK_AND_ASSIGN(const KeyReleasePolicy again, KeyReleasePolicyFromJson(ToJson(policy)));
  EXPECT_EQ(ToJson(again), ToJson(policy));
  for (const Json& bad :
       {Json{{"minimum_status", "none"}}, Json{{"minimum_status", "contraindicated"}},
        Json{{"max_ear_age_seconds", 0}}, Json{{"max_ear_age_seconds", 7200}},
        Json{{"claims", {{"x", Json::array()}}}}, Json{{"other", 1}}, Json::array()}) {
    EXPECT_THAT(KeyReleasePolicyFromJson(bad), HasReason(Reason::kRequestInvalid)) << bad;
  }
}

}  // namespace
}  // namespace twi::keyrelease
