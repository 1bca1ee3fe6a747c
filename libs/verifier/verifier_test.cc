#include "libs/verifier/verifier.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/random.h"
#include "libs/ear/ear.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/evidence/backends/sample/sample_report.h"
#include "libs/evidence/backends/sample/sample_verifier.h"
#include "libs/evidence/binding.h"
#include "libs/issuer/testing/issuer_fixture.h"
#include "libs/jose/jwt.h"
#include "libs/policy/appraisal_policy.h"
#include "libs/policy/policy_set.h"
#include "libs/policy/test_policies.h"
#include "libs/policy/workload_policy.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"
#include "libs/x509/csr.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::verifier {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::twi::issuer::testing::AuthorityHarness;
using ::twi::issuer::testing::CsrPem;
using ::twi::issuer::testing::ForwardingSigner;
using ::twi::issuer::testing::kPayrollId;
using ::twi::issuer::testing::NewWorkloadKey;
using ::twi::issuer::testing::WorkloadKey;
using ::twi::policy::testing::Sha256Raw;
using ::twi::testing::HasReason;

namespace sample = ::twi::evidence::sample;

// The RFC 9266 tls-exporter of "the" connection the tests attest over, and of another one.
const Bytes kExporter(32, 0xE1);
const Bytes kOtherExporter(32, 0xE2);

// Release 2026.11.0 of payroll: image v1, agent A, svn >= 3, no debug.
sample::SampleMeasurements GoodMeasurements() {
  return {.image_digest = Sha256Raw(policy::testing::kImageV1),
          .agent_digest = Sha256Raw(policy::testing::kAgentA),
          .svn = 3,
          .debug = false};
}

absl::StatusOr<policy::PolicySet> MakePolicies(const std::string& appraisal_yaml) {
  TWI_ASSIGN_OR_RETURN(policy::WorkloadPolicy payroll,
                       policy::ParseWorkloadPolicy(policy::testing::PayrollYaml()));
  TWI_ASSIGN_OR_RETURN(policy::AppraisalPolicy appraisal,
                       policy::ParseAppraisalPolicy(appraisal_yaml));
  std::vector<policy::WorkloadPolicy> workloads;
  workloads.push_back(std::move(payroll));
  return policy::PolicySet::Create(std::move(workloads), std::move(appraisal), std::nullopt);
}

issuer::IssuedCredentials Recorded() {
  issuer::IssuedCredentials credentials;
  credentials.spiffe_id = kPayrollId;
  credentials.wit = "recorded.wit.token";
  credentials.wit_jti = "jti-1";
  return credentials;
}

// A CredentialIssuer that records what it was asked and answers with `result`.
class RecordingIssuer final : public issuer::CredentialIssuer {
 public:
  absl::StatusOr<issuer::IssuedCredentials> Issue(
      const issuer::CredentialRequest& request) override {
    requests.push_back(request);
    return result;
  }

  std::vector<issuer::CredentialRequest> requests;
  absl::StatusOr<issuer::IssuedCredentials> result = Recorded();
};

// How to build one attestation request; every field defaults to the honest value.
struct RequestSpec {
  sample::SampleMeasurements measurements = GoodMeasurements();
  std::optional<Bytes> bound_nonce;        // default: the request's nonce
  const WorkloadKey* bound_key = nullptr;  // default: the request's key
  Bytes bound_exporter = kExporter;
  const crypto::Signer* platform = nullptr;  // default: the trusted platform key
  bool with_csr = false;
  const WorkloadKey* csr_key = nullptr;  // default: the request's key
  std::vector<std::string> formats;
  // The purpose the evidence binds, and the one the request claims (default: both the first).
  evidence::BindingPurpose bound_purpose = evidence::BindingPurpose::kCredentialKey;
  std::optional<evidence::BindingPurpose> request_purpose;
};

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_, storage::SqliteDatabase::Open(dir_.File("verifier.db")));
    nonces_ = storage::NewSqliteNonceStore(db_);
    ASSERT_OK_AND_ASSIGN(platform_, x509::testing::NewSigner());
    ASSERT_OK_AND_ASSIGN(auto backend, sample::SampleVerifier::Create({platform_->public_key()}));
    ASSERT_OK(registry_.Register(std::move(backend)));
    ASSERT_OK_AND_ASSIGN(policies_, MakePolicies(policy::testing::AppraisalYaml()));
    ASSERT_OK_AND_ASSIGN(ear_signer_, x509::testing::NewSigner());
    ASSERT_OK_AND_ASSIGN(ca_, AuthorityHarness::Create(ear_signer_->public_key(), &clock_));
    ASSERT_OK_AND_ASSIGN(key_, NewWorkloadKey());
    verifier_ = MakeVerifier(&ca_->authority());
  }

  std::unique_ptr<Verifier> MakeVerifier(issuer::CredentialIssuer* issuer,
                                         const evidence::EvidenceRegistry* registry = nullptr,
                                         const policy::PolicySet* policies = nullptr,
                                         VerifierConfig config = {}) {
    holders_.push_back(
        std::make_unique<policy::PolicyHolder>(policies != nullptr ? *policies : *policies_));
    return std::make_unique<Verifier>(std::move(config), *ChallengeCodec::Create(challenge_key_),
                                      nonces_.get(), registry != nullptr ? registry : &registry_,
                                      holders_.back().get(), ear_signer_.get(), issuer, &clock_);
  }

  // The request a workload holding key_ would send for `nonce`, altered as `spec` says.
  absl::StatusOr<AttestationRequest> BuildRequest(const Bytes& nonce,
                                                  const RequestSpec& spec = {}) {
    const crypto::Signer* platform = spec.platform != nullptr ? spec.platform : platform_.get();
    TWI_ASSIGN_OR_RETURN(std::unique_ptr<sample::SampleAttester> attester,
                         sample::SampleAttester::Create(
                             std::make_unique<ForwardingSigner>(platform), spec.measurements));
    const WorkloadKey& bound_key = spec.bound_key != nullptr ? *spec.bound_key : *key_;
    const Bytes& bound_nonce = spec.bound_nonce.has_value() ? *spec.bound_nonce : nonce;
    const Bytes binding = evidence::ComputeBinding(
        {spec.bound_purpose, bound_nonce, bound_key.thumbprint, spec.bound_exporter});
    TWI_ASSIGN_OR_RETURN(Bytes report, attester->Attest(evidence::ReportDataFor(
                                           binding, attester->report_data_size())));
    AttestationRequest request;
    request.nonce = nonce;
    request.evidence.push_back(
        {std::string(sample::kTee), std::string(sample::kMediaType), std::move(report)});
    request.key = key_->jwk.ToJson();
    request.formats = spec.formats;
    request.purpose = spec.request_purpose.value_or(spec.bound_purpose);
    if (spec.with_csr) {
      TWI_ASSIGN_OR_RETURN(request.csr_pem,
                           CsrPem(spec.csr_key != nullptr ? *spec.csr_key : *key_));
    }
    return request;
  }

  // Challenge, then attest over the kExporter connection.
  absl::StatusOr<AttestationResponse> ChallengeAndAttest(const RequestSpec& spec = {},
                                                         Verifier* verifier = nullptr) {
    if (verifier == nullptr) verifier = verifier_.get();
    TWI_ASSIGN_OR_RETURN(Challenge challenge, verifier->NewChallenge());
    TWI_ASSIGN_OR_RETURN(AttestationRequest request, BuildRequest(challenge.nonce, spec));
    return verifier->Attest(request, kExporter);
  }

  ::twi::testing::FakeClock clock_;
  ::twi::testing::TempDir dir_;
  std::shared_ptr<storage::SqliteDatabase> db_;
  std::unique_ptr<storage::NonceStore> nonces_;
  const SecretBytes challenge_key_{crypto::RandomBytes(32)};
  std::unique_ptr<crypto::Signer> platform_;
  evidence::EvidenceRegistry registry_{/*allow_insecure=*/true};
  std::optional<policy::PolicySet> policies_;
  std::vector<std::unique_ptr<policy::PolicyHolder>> holders_;  // one per verifier made
  std::unique_ptr<crypto::Signer> ear_signer_;
  std::unique_ptr<AuthorityHarness> ca_;
  std::optional<WorkloadKey> key_;
  std::unique_ptr<Verifier> verifier_;
};

// --- Keys and challenges ------------------------------------------------------------------------

TEST_F(VerifierTest, PublishesTheEarSigningKeyWithThumbprintKid) {
  ASSERT_THAT(verifier_->keys().keys(), SizeIs(1));
  const jose::Jwk& jwk = verifier_->keys().keys()[0];
  EXPECT_TRUE(jwk.key().Equals(ear_signer_->public_key()));
  EXPECT_EQ(jwk.kid(), jose::Jwk::FromPublicKey(ear_signer_->public_key()).Thumbprint());
  EXPECT_EQ(jwk.alg(), jose::Algorithm::kES256);
}

TEST_F(VerifierTest, ChallengeIsFreshAndExpiresAfterNonceTtl) {
  const absl::Time now = clock_.Now();
  ASSERT_OK_AND_ASSIGN(Challenge first, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(Challenge second, verifier_->NewChallenge());
  EXPECT_THAT(first.nonce, SizeIs(kChallengeNonceSize));
  EXPECT_EQ(first.expires_at, now + absl::Minutes(2));
  EXPECT_NE(first.nonce, second.nonce);
}

TEST_F(VerifierTest, IssuingChallengesStoresNothing) {
  for (int i = 0; i < 10; ++i) ASSERT_OK(verifier_->NewChallenge().status());
  ASSERT_OK_AND_ASSIGN(const int64_t records, nonces_->PurgeExpired(absl::InfiniteFuture()));
  EXPECT_EQ(records, 0);
}

TEST_F(VerifierTest, ChallengeHonoursConfiguredTtl) {
  VerifierConfig config;
  config.nonce_ttl = absl::Seconds(30);
  std::unique_ptr<Verifier> verifier = MakeVerifier(nullptr, nullptr, nullptr, config);
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier->NewChallenge());
  EXPECT_EQ(challenge.expires_at, clock_.Now() + absl::Seconds(30));
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  clock_.Advance(absl::Seconds(30));
  EXPECT_THAT(verifier->Attest(request, kExporter), HasReason(Reason::kNonceExpired));
}

TEST_F(VerifierTest, SpentNoncesArePurgedEveryNAnswersAfterTheGracePeriod) {
  VerifierConfig config;
  config.purge_every = 3;
  config.purge_after = absl::Minutes(10);
  std::unique_ptr<Verifier> verifier = MakeVerifier(nullptr, nullptr, nullptr, config);
  auto answer = [&]() -> absl::StatusOr<Challenge> {
    TWI_ASSIGN_OR_RETURN(Challenge challenge, verifier->NewChallenge());
    TWI_ASSIGN_OR_RETURN(AttestationRequest request, BuildRequest(challenge.nonce));
    TWI_RETURN_IF_ERROR(verifier->Attest(request, kExporter).status());
    return challenge;
  };
  ASSERT_OK_AND_ASSIGN(const Challenge first, answer());  // spend 1, expires at T0 + 2m
  clock_.Advance(absl::Minutes(5));
  ASSERT_OK_AND_ASSIGN(const Challenge second, answer());
  ASSERT_OK(answer().status());  // spend 3: cutoff T0 - 5m, nothing is old enough
  clock_.Advance(absl::Minutes(10));
  ASSERT_OK(answer().status());
  ASSERT_OK(answer().status());
  ASSERT_OK(answer().status());  // spend 6: cutoff T0 + 5m, only the first record goes

  // The store forgot the first nonce but still holds the second (expired at T0 + 7m).
  EXPECT_OK(nonces_->Spend(first.nonce, first.expires_at));
  EXPECT_THAT(nonces_->Spend(second.nonce, second.expires_at), HasReason(Reason::kNonceReused));
  // Forgotten or not, an expired nonce is refused: its expiry is in the nonce.
  ASSERT_OK_AND_ASSIGN(AttestationRequest late, BuildRequest(first.nonce));
  EXPECT_THAT(verifier->Attest(late, kExporter), HasReason(Reason::kNonceExpired));
}

// --- Happy path ---------------------------------------------------------------------------------

TEST_F(VerifierTest, IssuesSignedEarForAttestedWorkload) {
  const absl::Time now = clock_.Now();
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, verifier_->Attest(request, kExporter));
  EXPECT_FALSE(response.credentials.has_value()) << "no CSR: mechanism B, no credentials";

  ASSERT_OK_AND_ASSIGN(ear::Ear ear, ear::Verify(response.ear, verifier_->keys(), now));
  EXPECT_EQ(ear.status, policy::Tier::kAffirming);
  EXPECT_EQ(ear.issued_at, now);
  EXPECT_EQ(ear.expires_at, now + absl::Minutes(5)) << "appraisal policy ear_ttl";
  EXPECT_FALSE(ear.jti.empty());
  EXPECT_EQ(ear.verifier_id.developer, "twi");
  EXPECT_EQ(ear.verifier_id.build, "twi-verifier");

  ASSERT_THAT(ear.submods, SizeIs(1));
  ASSERT_EQ(ear.submods.count("sample"), 1u);
  const ear::Appraisal& submod = ear.submods.at("sample");
  EXPECT_EQ(submod.status, policy::Tier::kAffirming);
  EXPECT_EQ(submod.vector.hardware, 2);
  EXPECT_EQ(submod.vector.executables, 2);
  EXPECT_EQ(submod.vector.configuration, 2);
  EXPECT_EQ(submod.vector.runtime_opaque, 2);
  EXPECT_EQ(submod.vector.instance_identity, 0);
  ASSERT_OK_AND_ASSIGN(const policy::AppraisalPolicy* appraisal, policies_->appraisal());
  EXPECT_THAT(submod.policy_ids,
              ElementsAre(appraisal->id, policies_->FindWorkload("payroll")->id));
  EXPECT_EQ(submod.nonce, Base64UrlEncode(challenge.nonce));
  EXPECT_EQ(submod.attester_claims.value("svn", -1), 3);
  EXPECT_EQ(submod.attester_claims.value("insecure", false), true);
  EXPECT_EQ(submod.verifier_claims.value("matched_rule", ""), "workload=payroll release=2026.11.0");
  EXPECT_EQ(submod.verifier_claims.at("warnings"), Json::array());

  ASSERT_TRUE(ear.workload.has_value());
  const ear::WorkloadResult& workload = *ear.workload;
  EXPECT_EQ(workload.identifier, kPayrollId);
  EXPECT_EQ(workload.workload, "payroll");
  EXPECT_EQ(workload.release, "2026.11.0");
  EXPECT_EQ(workload.claims.value("application", ""), "Payroll Application");
  EXPECT_EQ(workload.claims.value("location", ""), "DE");
  EXPECT_EQ(workload.claims.value("cleared_for_pii", false), true);
  EXPECT_EQ(workload.claims.value("tier", 0), 3);
  EXPECT_THAT(workload.formats, ElementsAre("x509-svid", "wit"));
  EXPECT_EQ(workload.x509_svid_ttl, absl::Hours(1));
  EXPECT_EQ(workload.wit_ttl, absl::Minutes(30));
  EXPECT_EQ(workload.bound_key_thumbprint, key_->thumbprint);
  ASSERT_TRUE(workload.bound_key.has_value());
  EXPECT_EQ(workload.bound_key->Thumbprint(), key_->thumbprint);
  EXPECT_EQ(workload.binding_purpose, "credential-key");
}

// Mechanism D: the evidence binds an encryption key, and the EAR says so, so that neither kind
// of EAR can stand in for the other (the CA wants a credential key, the Key Store the other).
TEST_F(VerifierTest, EncryptionKeyPurposeIsBoundAndStated) {
  RequestSpec spec;
  spec.bound_purpose = evidence::BindingPurpose::kEncryptionKey;
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, ChallengeAndAttest(spec));
  ASSERT_OK_AND_ASSIGN(ear::Ear ear, ear::Verify(response.ear, verifier_->keys(), clock_.Now()));
  EXPECT_EQ(ear.workload->binding_purpose, "encryption-key");

  // Evidence bound for one purpose and presented as the other.
  spec.request_purpose = evidence::BindingPurpose::kCredentialKey;
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kBindingMismatch));
  RequestSpec credential;
  credential.request_purpose = evidence::BindingPurpose::kEncryptionKey;
  EXPECT_THAT(ChallengeAndAttest(credential), HasReason(Reason::kBindingMismatch));
}

TEST_F(VerifierTest, EarIsSignedWithThePublishedKidAndNoOtherKey) {
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, ChallengeAndAttest());
  jose::JwtValidation validation;
  validation.allowed_algorithms = {jose::Algorithm::kES256};
  validation.require_exp = true;
  ASSERT_OK_AND_ASSIGN(jose::Jwt jwt,
                       jose::VerifyJwt(response.ear, verifier_->keys(), validation, clock_.Now()));
  EXPECT_EQ(jwt.kid, verifier_->keys().keys()[0].kid());

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<crypto::Signer> stranger, x509::testing::NewSigner());
  jose::Jwks other;
  other.Add(jose::Jwk::FromPublicKey(stranger->public_key()));
  EXPECT_THAT(ear::Verify(response.ear, other, clock_.Now()), HasReason(Reason::kEarUntrustedKey));
}

TEST_F(VerifierTest, OtherReleaseOfTheSameWorkloadKeepsTheIdentity) {
  RequestSpec spec;
  spec.measurements = {.image_digest = Sha256Raw(policy::testing::kImageV2),
                       .agent_digest = Sha256Raw(policy::testing::kAgentB),
                       .svn = 0,
                       .debug = true};  // 2026.12.0 allows debug
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, ChallengeAndAttest(spec));
  ASSERT_OK_AND_ASSIGN(ear::Ear ear, ear::Verify(response.ear, verifier_->keys(), clock_.Now()));
  EXPECT_EQ(ear.status, policy::Tier::kAffirming);
  ASSERT_TRUE(ear.workload.has_value());
  EXPECT_EQ(ear.workload->identifier, kPayrollId);
  EXPECT_EQ(ear.workload->release, "2026.12.0");
}

// --- Mechanism A --------------------------------------------------------------------------------

TEST_F(VerifierTest, MechanismAReturnsCredentialsFromTheAuthority) {
  const absl::Time now = clock_.Now();
  RequestSpec spec;
  spec.with_csr = true;
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, ChallengeAndAttest(spec));
  ASSERT_TRUE(response.credentials.has_value());
  const issuer::IssuedCredentials& credentials = *response.credentials;
  EXPECT_FALSE(credentials.x509_svid_pem.empty());
  EXPECT_FALSE(credentials.wit.empty());
  ca_->ExpectValidCredentials(credentials, kPayrollId, *key_, now);
  EXPECT_EQ(credentials.ear_digest, crypto::Sha256Id(AsBytes(response.ear)));

  EXPECT_EQ(ca_->LedgerCount(), 2);
  ASSERT_OK_AND_ASSIGN(auto records, ca_->ledger().List({}));
  for (const auto& record : records) {
    EXPECT_EQ(record.mechanism, "A");
    EXPECT_EQ(record.ear_digest, credentials.ear_digest);
    EXPECT_EQ(record.key_thumbprint, key_->thumbprint);
  }
}

TEST_F(VerifierTest, MechanismAForwardsEarCsrAndFormatsToTheIssuer) {
  RecordingIssuer issuer;
  std::unique_ptr<Verifier> verifier = MakeVerifier(&issuer);
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier->NewChallenge());
  RequestSpec spec;
  spec.with_csr = true;
  spec.formats = {"wit"};
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce, spec));
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, verifier->Attest(request, kExporter));

  ASSERT_THAT(issuer.requests, SizeIs(1));
  const issuer::CredentialRequest& forwarded = issuer.requests[0];
  EXPECT_EQ(forwarded.ear, response.ear);
  EXPECT_EQ(forwarded.csr_pem, request.csr_pem);
  EXPECT_THAT(forwarded.formats, ElementsAre("wit"));
  EXPECT_EQ(forwarded.mechanism, "A");
  ASSERT_TRUE(response.credentials.has_value());
  EXPECT_EQ(response.credentials->wit, "recorded.wit.token");
}

TEST_F(VerifierTest, WithoutCsrTheIssuerIsNotAsked) {
  RecordingIssuer issuer;
  std::unique_ptr<Verifier> verifier = MakeVerifier(&issuer);
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, ChallengeAndAttest({}, verifier.get()));
  EXPECT_THAT(issuer.requests, IsEmpty());
  EXPECT_FALSE(response.credentials.has_value());
  EXPECT_EQ(ca_->LedgerCount(), 0);
}

TEST_F(VerifierTest, MechanismARestrictedToRequestedFormat) {
  RequestSpec spec;
  spec.with_csr = true;
  spec.formats = {"wit"};
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, ChallengeAndAttest(spec));
  ASSERT_TRUE(response.credentials.has_value());
  EXPECT_TRUE(response.credentials->x509_svid_pem.empty());
  EXPECT_FALSE(response.credentials->wit.empty());
  ca_->ExpectValidCredentials(*response.credentials, kPayrollId, *key_, clock_.Now());
  EXPECT_EQ(ca_->LedgerCount(), 1);
}

TEST_F(VerifierTest, MechanismAIssuerErrorPropagates) {
  RecordingIssuer issuer;
  issuer.result = Error(Reason::kStorageError, "ledger down");
  std::unique_ptr<Verifier> verifier = MakeVerifier(&issuer);
  RequestSpec spec;
  spec.with_csr = true;
  EXPECT_THAT(ChallengeAndAttest(spec, verifier.get()), HasReason(Reason::kStorageError));
  EXPECT_THAT(issuer.requests, SizeIs(1));
}

TEST_F(VerifierTest, MechanismALedgerFailureIssuesNothing) {
  ca_->ledger().set_fail_appends(true);
  RequestSpec spec;
  spec.with_csr = true;
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kStorageError));
  EXPECT_EQ(ca_->ledger().append_calls(), 1);
  EXPECT_EQ(ca_->LedgerCount(), 0);
}

TEST_F(VerifierTest, MechanismACsrForAnotherKeyIsRefusedByTheAuthority) {
  ASSERT_OK_AND_ASSIGN(WorkloadKey other, NewWorkloadKey());
  RequestSpec spec;
  spec.with_csr = true;
  spec.csr_key = &other;  // evidence binds key_, the CSR proves possession of `other`
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kKeyMismatch));
  EXPECT_EQ(ca_->LedgerCount(), 0);
}

TEST_F(VerifierTest, MechanismAFormatNotEntitledIsRefusedByTheAuthority) {
  RequestSpec spec;
  spec.with_csr = true;
  spec.formats = {"jwt-svid"};
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kFormatNotAllowed));
  EXPECT_EQ(ca_->LedgerCount(), 0);
}

TEST_F(VerifierTest, MechanismAWithoutIssuerIsRefused) {
  std::unique_ptr<Verifier> verifier = MakeVerifier(nullptr);
  RequestSpec spec;
  spec.with_csr = true;
  EXPECT_THAT(ChallengeAndAttest(spec, verifier.get()), HasReason(Reason::kFormatNotAllowed));
}

// --- Freshness ----------------------------------------------------------------------------------

TEST_F(VerifierTest, ReusedNonceIsRefused) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  ASSERT_OK(verifier_->Attest(request, kExporter));
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kNonceReused));
}

TEST_F(VerifierTest, UnknownNonceIsRefused) {
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(crypto::RandomBytes(32)));
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kNonceUnknown));
}

TEST_F(VerifierTest, NonceOfAnotherChallengeKeyIsUnknown) {
  ASSERT_OK_AND_ASSIGN(ChallengeCodec other,
                       ChallengeCodec::Create(SecretBytes(crypto::RandomBytes(32))));
  const Bytes nonce = other.Mint(clock_.Now() + absl::Minutes(1));
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(nonce));
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kNonceUnknown));
}

TEST_F(VerifierTest, NonceWithAlteredExpiryIsUnknown) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  Bytes nonce = challenge.nonce;
  nonce[8] ^= 0x01;  // the least significant byte of the expiry
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(nonce));
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kNonceUnknown));
  // Nothing was recorded for the altered nonce: the genuine one is still good.
  ASSERT_OK_AND_ASSIGN(AttestationRequest genuine, BuildRequest(challenge.nonce));
  EXPECT_OK(verifier_->Attest(genuine, kExporter));
}

TEST_F(VerifierTest, ReplicasSharingKeyAndStoreAcceptANonceOnce) {
  std::unique_ptr<Verifier> replica = MakeVerifier(&ca_->authority());
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  ASSERT_OK(replica->Attest(request, kExporter));
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kNonceReused));
}

TEST_F(VerifierTest, NonceIsValidUntilJustBeforeItsExpiry) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  clock_.Advance(absl::Minutes(2) - absl::Seconds(1));
  EXPECT_OK(verifier_->Attest(request, kExporter));
}

TEST_F(VerifierTest, ExpiredNonceIsRefusedAndStaysSpent) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  clock_.Advance(absl::Minutes(2));  // nonce_ttl; expiry is exclusive
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kNonceExpired));
  clock_.Set(challenge.expires_at - absl::Minutes(1));
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kNonceReused));
}

TEST_F(VerifierTest, NonceIsSpentEvenWhenEvidenceFails) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<crypto::Signer> rogue, x509::testing::NewSigner());
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  RequestSpec spec;
  spec.platform = rogue.get();
  ASSERT_OK_AND_ASSIGN(AttestationRequest bad, BuildRequest(challenge.nonce, spec));
  EXPECT_THAT(verifier_->Attest(bad, kExporter), HasReason(Reason::kEvidenceSignatureInvalid));
  ASSERT_OK_AND_ASSIGN(AttestationRequest good, BuildRequest(challenge.nonce));
  EXPECT_THAT(verifier_->Attest(good, kExporter), HasReason(Reason::kNonceReused));
}

TEST_F(VerifierTest, NonceIsSpentEvenWhenAppraisalFails) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  RequestSpec spec;
  spec.measurements.svn = 1;
  ASSERT_OK_AND_ASSIGN(AttestationRequest bad, BuildRequest(challenge.nonce, spec));
  EXPECT_THAT(verifier_->Attest(bad, kExporter), HasReason(Reason::kSvnTooLow));
  ASSERT_OK_AND_ASSIGN(AttestationRequest good, BuildRequest(challenge.nonce));
  EXPECT_THAT(verifier_->Attest(good, kExporter), HasReason(Reason::kNonceReused));
}

// --- Binding (architecture §3) ------------------------------------------------------------------

TEST_F(VerifierTest, EvidenceBoundToAnotherConnectionIsRefused) {
  RequestSpec spec;
  spec.bound_exporter = kOtherExporter;
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kBindingMismatch));
}

TEST_F(VerifierTest, EvidenceReplayedOnAnotherConnectionIsRefused) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  EXPECT_THAT(verifier_->Attest(request, kOtherExporter), HasReason(Reason::kBindingMismatch));
}

TEST_F(VerifierTest, EvidenceBoundToAnotherKeyIsRefused) {
  ASSERT_OK_AND_ASSIGN(WorkloadKey other, NewWorkloadKey());
  RequestSpec spec;
  spec.bound_key = &other;
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kBindingMismatch));
}

TEST_F(VerifierTest, EvidenceBoundToAnotherNonceIsRefused) {
  ASSERT_OK_AND_ASSIGN(Challenge earlier, verifier_->NewChallenge());
  RequestSpec spec;
  spec.bound_nonce = earlier.nonce;
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kBindingMismatch));
}

// --- Appraisal ----------------------------------------------------------------------------------

TEST_F(VerifierTest, UnknownImageMeasurementIsRefused) {
  RequestSpec spec;
  spec.measurements.image_digest = Sha256Raw('9');
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kUnknownMeasurement));
}

TEST_F(VerifierTest, UnknownAgentIsRefused) {
  RequestSpec spec;
  spec.measurements.agent_digest = Sha256Raw(policy::testing::kAgentB);  // not in 2026.11.0
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kUnknownAgent));
}

TEST_F(VerifierTest, DebugWherePolicyForbidsItIsRefused) {
  RequestSpec spec;
  spec.measurements.debug = true;
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kDebugForbidden));
}

TEST_F(VerifierTest, SvnBelowMinimumIsRefused) {
  RequestSpec spec;
  spec.measurements.svn = 2;
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kSvnTooLow));
}

TEST_F(VerifierTest, WarnActionYieldsWarningEarThatTheAuthorityRefuses) {
  ASSERT_OK_AND_ASSIGN(
      policy::PolicySet warn_policies,
      MakePolicies(policy::testing::Replace(policy::testing::AppraisalYaml(),
                                            "debug_enabled: reject", "debug_enabled: warn")));
  std::unique_ptr<Verifier> verifier = MakeVerifier(&ca_->authority(), nullptr, &warn_policies);
  RequestSpec spec;
  spec.measurements.debug = true;
  ASSERT_OK_AND_ASSIGN(AttestationResponse response, ChallengeAndAttest(spec, verifier.get()));
  ASSERT_OK_AND_ASSIGN(ear::Ear ear, ear::Verify(response.ear, verifier->keys(), clock_.Now()));
  EXPECT_EQ(ear.status, policy::Tier::kWarning);
  const ear::Appraisal& submod = ear.submods.at("sample");
  EXPECT_EQ(submod.vector.configuration, 32);
  EXPECT_EQ(submod.verifier_claims.at("warnings"), Json::array({"debug_enabled"}));

  spec.with_csr = true;  // the example issuance policy needs affirming
  EXPECT_THAT(ChallengeAndAttest(spec, verifier.get()), HasReason(Reason::kTierInsufficient));
  EXPECT_EQ(ca_->LedgerCount(), 0);
}

// --- Evidence -----------------------------------------------------------------------------------

TEST_F(VerifierTest, InsecureBackendIsRefusedUnlessAllowed) {
  evidence::EvidenceRegistry strict(/*allow_insecure=*/false);
  ASSERT_OK_AND_ASSIGN(auto backend, sample::SampleVerifier::Create({platform_->public_key()}));
  EXPECT_THAT(strict.Register(std::move(backend)), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(strict.tees(), IsEmpty());
  std::unique_ptr<Verifier> verifier = MakeVerifier(&ca_->authority(), &strict);
  EXPECT_THAT(ChallengeAndAttest({}, verifier.get()), HasReason(Reason::kTeeNotAllowed));
}

TEST_F(VerifierTest, UnconfiguredTeeIsRefused) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  request.evidence[0].tee = "tdx";
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kTeeNotAllowed));
}

TEST_F(VerifierTest, WrongMediaTypeIsMalformed) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  request.evidence[0].media_type = "application/octet-stream";
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kEvidenceMalformed));
}

TEST_F(VerifierTest, EvidenceFromUntrustedPlatformIsRefused) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<crypto::Signer> rogue, x509::testing::NewSigner());
  RequestSpec spec;
  spec.platform = rogue.get();
  EXPECT_THAT(ChallengeAndAttest(spec), HasReason(Reason::kEvidenceSignatureInvalid));
}

TEST_F(VerifierTest, TamperedEvidenceIsRefused) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  request.evidence[0].data[sample::kOffsetSvn] ^= 0x08;  // svn 3 -> 11
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kEvidenceSignatureInvalid));
}

TEST_F(VerifierTest, TruncatedEvidenceIsMalformed) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  request.evidence[0].data.pop_back();
  EXPECT_THAT(verifier_->Attest(request, kExporter), HasReason(Reason::kEvidenceMalformed));
}

// --- Request shape ------------------------------------------------------------------------------

TEST_F(VerifierTest, ExactlyOneEvidenceItemIsAccepted) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  AttestationRequest none = request;
  none.evidence.clear();
  EXPECT_THAT(verifier_->Attest(none, kExporter), HasReason(Reason::kRequestInvalid));
  AttestationRequest two = request;
  two.evidence.push_back(request.evidence[0]);
  EXPECT_THAT(verifier_->Attest(two, kExporter), HasReason(Reason::kRequestInvalid));
}

TEST_F(VerifierTest, InvalidKeyIsRefused) {
  ASSERT_OK_AND_ASSIGN(Challenge challenge, verifier_->NewChallenge());
  ASSERT_OK_AND_ASSIGN(AttestationRequest request, BuildRequest(challenge.nonce));
  AttestationRequest truncated = request;
  truncated.key.erase("y");
  EXPECT_THAT(verifier_->Attest(truncated, kExporter), HasReason(Reason::kKeyInvalid));
  AttestationRequest with_private = request;
  with_private.key["d"] = Base64UrlEncode(Bytes(32, 1));
  EXPECT_THAT(verifier_->Attest(with_private, kExporter), HasReason(Reason::kKeyInvalid));
}

}  // namespace
}  // namespace twi::verifier
