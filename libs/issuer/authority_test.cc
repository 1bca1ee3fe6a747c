#include "libs/issuer/authority.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/ear/ear.h"
#include "libs/issuer/testing/issuer_fixture.h"
#include "libs/issuer/wit.h"
#include "libs/jose/jwt.h"
#include "libs/policy/test_policies.h"
#include "libs/provenance/dsse.h"
#include "libs/rp/provenance_check.h"
#include "libs/tlog/proof_bundle.h"
#include "libs/tlog/sequencer/transparency_log.h"
#include "libs/x509/certificate.h"
#include "libs/x509/csr.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"

namespace twi::issuer {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::twi::issuer::testing::AuthorityHarness;
using ::twi::issuer::testing::AuthorityOptions;
using ::twi::issuer::testing::CsrPem;
using ::twi::issuer::testing::kPayrollId;
using ::twi::issuer::testing::NewWorkloadKey;
using ::twi::issuer::testing::WorkloadKey;
using ::twi::testing::HasReason;

// An AR4SI vector whose worst claim is affirming (2) or, with `configuration` = 32, warning.
policy::TrustVector Vector(int configuration = 2) {
  policy::TrustVector v;
  v.hardware = 2;
  v.executables = 2;
  v.configuration = configuration;
  v.runtime_opaque = 2;
  return v;
}

// Makes the one submod (and the overall status) `tier`, with a vector consistent with it.
void SetTier(ear::Ear& ear, policy::Tier tier) {
  ear::Appraisal& submod = ear.submods.at("sample");
  submod.status = tier;
  ear.status = tier;
  switch (tier) {
    case policy::Tier::kAffirming:
      submod.vector = Vector();
      break;
    case policy::Tier::kWarning:
      submod.vector = Vector(/*configuration=*/32);
      break;
    case policy::Tier::kContraindicated:
      submod.vector = Vector(/*configuration=*/96);
      break;
    case policy::Tier::kNone:
      submod.vector = policy::TrustVector{};
      break;
  }
}

std::string WithMinimumStatus(std::string_view tier) {
  return policy::testing::Replace(policy::testing::IssuanceYaml(), "minimum_status: affirming",
                                  "minimum_status: " + std::string(tier));
}

class AuthorityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(verifier_signer_, x509::testing::NewSigner());
    ASSERT_OK_AND_ASSIGN(harness_, NewHarness());
    ASSERT_OK_AND_ASSIGN(key_, NewWorkloadKey());
    ASSERT_OK_AND_ASSIGN(csr_, CsrPem(*key_));
  }

  absl::StatusOr<std::unique_ptr<AuthorityHarness>> NewHarness(AuthorityOptions options = {}) {
    return AuthorityHarness::Create(verifier_signer_->public_key(), &clock_, std::move(options));
  }

  // What the Verifier would say about payroll bound to key_: affirming, fresh, 5 minutes.
  ear::Ear GoodEar() const {
    const absl::Time now = clock_.Now();
    ear::Ear ear;
    ear.issued_at = now;
    ear.expires_at = now + absl::Minutes(5);
    ear.jti = "ear-1";
    ear.verifier_id = {"twi", "twi-verifier"};
    ear::Appraisal appraisal;
    appraisal.status = policy::Tier::kAffirming;
    appraisal.vector = Vector();
    appraisal.policy_ids = {"sha256:aa", "sha256:bb"};
    ear.submods["sample"] = appraisal;
    ear.status = policy::Tier::kAffirming;
    ear::WorkloadResult w;
    w.identifier = kPayrollId;
    w.workload = "payroll";
    w.release = "2026.11.0";
    w.claims = {{"location", "DE"}, {"tier", 3}};
    w.formats = {"x509-svid", "wit"};
    w.x509_svid_ttl = absl::Hours(1);
    w.wit_ttl = absl::Minutes(30);
    w.bound_key = key_->jwk;
    w.bound_key_thumbprint = key_->thumbprint;
    w.binding_purpose = "credential-key";
    ear.workload = w;
    return ear;
  }

  // The EAR as a token signed by `signer` (default: the trusted verifier key) with `kid`
  // (default: the signer's thumbprint, as the Verifier does).
  std::string Sign(const ear::Ear& ear, const crypto::Signer* signer = nullptr,
                   std::optional<std::string> kid = std::nullopt) const {
    if (signer == nullptr) signer = verifier_signer_.get();
    if (!kid.has_value()) kid = jose::Jwk::FromPublicKey(signer->public_key()).Thumbprint();
    absl::StatusOr<std::string> token = ear::Sign(ear, *signer, *kid);
    EXPECT_OK(token);
    return token.ok() ? *token : std::string();
  }

  CredentialRequest Request(std::string ear) const {
    return CredentialRequest{
        .ear = std::move(ear), .csr_pem = csr_, .formats = {}, .mechanism = ""};
  }
  CredentialRequest GoodRequest() const { return Request(Sign(GoodEar())); }

  // Issue must fail with `reason` and leave the ledger as it was.
  void ExpectNothingIssued(const CredentialRequest& request, Reason reason,
                           AuthorityHarness* harness = nullptr) {
    if (harness == nullptr) harness = harness_.get();
    const int64_t before = harness->LedgerCount();
    ASSERT_GE(before, 0);
    EXPECT_THAT(harness->authority().Issue(request), HasReason(reason));
    EXPECT_EQ(harness->LedgerCount(), before) << "a refused request must leave no ledger entry";
  }

  ::twi::testing::FakeClock clock_;
  std::unique_ptr<crypto::Signer> verifier_signer_;
  std::unique_ptr<AuthorityHarness> harness_;
  std::optional<WorkloadKey> key_;
  std::string csr_;
};

// --- Issuance -----------------------------------------------------------------------------------

TEST_F(AuthorityTest, IssuesX509SvidAndWitForTheBoundKey) {
  const absl::Time now = clock_.Now();
  const CredentialRequest request = GoodRequest();
  ASSERT_OK_AND_ASSIGN(IssuedCredentials credentials, harness_->authority().Issue(request));
  ASSERT_FALSE(credentials.x509_svid_pem.empty());
  ASSERT_FALSE(credentials.wit.empty());
  harness_->ExpectValidCredentials(credentials, kPayrollId, *key_, now);
  EXPECT_EQ(credentials.ear_digest, crypto::Sha256Id(AsBytes(request.ear)));

  // Stable business claims ride in the WIT.
  jose::JwtValidation validation;
  validation.allowed_algorithms = {jose::Algorithm::kES256};
  validation.typ = std::string(kWitType);
  ASSERT_OK_AND_ASSIGN(
      jose::Jwt wit,
      jose::VerifyJwt(credentials.wit, harness_->authority().bundle().WitKeys(), validation, now));
  EXPECT_EQ(wit.claims["twi_claims"], (Json{{"location", "DE"}, {"tier", 3}}));
}

TEST_F(AuthorityTest, LedgerHoldsOneRecordPerCredential) {
  const absl::Time now = clock_.Now();
  CredentialRequest request = GoodRequest();
  request.mechanism = "A";
  ASSERT_OK_AND_ASSIGN(IssuedCredentials credentials, harness_->authority().Issue(request));
  EXPECT_EQ(harness_->LedgerCount(), 2);
  const std::string ear_digest = crypto::Sha256Id(AsBytes(request.ear));

  ASSERT_OK_AND_ASSIGN(std::optional<storage::IssuanceRecord> x509,
                       harness_->ledger().Find("x509:" + credentials.x509_serial));
  ASSERT_TRUE(x509.has_value());
  ASSERT_OK_AND_ASSIGN(std::vector<x509::Certificate> chain,
                       x509::Certificate::ChainFromPem(credentials.x509_svid_pem));
  EXPECT_EQ(x509->format, "x509-svid");
  EXPECT_EQ(x509->subject, kPayrollId);
  EXPECT_EQ(x509->workload, "payroll");
  EXPECT_EQ(x509->key_thumbprint, key_->thumbprint);
  EXPECT_EQ(x509->mechanism, "A");
  EXPECT_EQ(x509->ear_digest, ear_digest);
  EXPECT_EQ(x509->credential_digest, crypto::Sha256Id(chain[0].ToDer()));
  EXPECT_EQ(x509->issued_at, now);
  EXPECT_EQ(x509->not_before, chain[0].not_before());
  EXPECT_EQ(x509->not_after, chain[0].not_after());

  ASSERT_OK_AND_ASSIGN(std::optional<storage::IssuanceRecord> wit,
                       harness_->ledger().Find("wit:" + credentials.wit_jti));
  ASSERT_TRUE(wit.has_value());
  EXPECT_EQ(wit->format, "wit");
  EXPECT_EQ(wit->subject, kPayrollId);
  EXPECT_EQ(wit->key_thumbprint, key_->thumbprint);
  EXPECT_EQ(wit->ear_digest, ear_digest);
  EXPECT_EQ(wit->credential_digest, crypto::Sha256Id(AsBytes(credentials.wit)));
  EXPECT_EQ(wit->not_before, now);
  EXPECT_EQ(wit->not_after, credentials.wit_expires_at);
}

TEST_F(AuthorityTest, MechanismDefaultsToBInTheLedger) {
  ASSERT_OK_AND_ASSIGN(IssuedCredentials credentials, harness_->authority().Issue(GoodRequest()));
  ASSERT_OK_AND_ASSIGN(auto record, harness_->ledger().Find("wit:" + credentials.wit_jti));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->mechanism, "B");
}

TEST_F(AuthorityTest, EachIssuanceGetsFreshSerialAndJti) {
  ASSERT_OK_AND_ASSIGN(IssuedCredentials first, harness_->authority().Issue(GoodRequest()));
  ASSERT_OK_AND_ASSIGN(IssuedCredentials second, harness_->authority().Issue(GoodRequest()));
  EXPECT_NE(first.x509_serial, second.x509_serial);
  EXPECT_NE(first.wit_jti, second.wit_jti);
  EXPECT_EQ(harness_->LedgerCount(), 4);
  // The bundle is encoded once per authority and shared, not copied per issuance.
  EXPECT_EQ(first.bundle, second.bundle);
}

TEST_F(AuthorityTest, TtlIsCappedByPolicyMaxTtlAndNotBeforeIsBackdated) {
  const absl::Time now = clock_.Now();
  ear::Ear ear = GoodEar();
  ear.workload->x509_svid_ttl = absl::Hours(2);  // policy max_ttl 1h
  ear.workload->wit_ttl = absl::Hours(2);        // policy max_ttl 30m
  ASSERT_OK_AND_ASSIGN(IssuedCredentials credentials,
                       harness_->authority().Issue(Request(Sign(ear))));
  ASSERT_OK_AND_ASSIGN(std::vector<x509::Certificate> chain,
                       x509::Certificate::ChainFromPem(credentials.x509_svid_pem));
  EXPECT_EQ(chain[0].not_after(), now + absl::Hours(1));
  EXPECT_EQ(credentials.x509_not_after, now + absl::Hours(1));
  EXPECT_EQ(chain[0].not_before(), now - absl::Seconds(10)) << "AuthorityConfig::backdate";
  EXPECT_EQ(credentials.wit_expires_at, now + absl::Minutes(30));
}

TEST_F(AuthorityTest, TtlIsTheWorkloadTtlWhenShorterThanPolicy) {
  const absl::Time now = clock_.Now();
  ear::Ear ear = GoodEar();
  ear.workload->x509_svid_ttl = absl::Minutes(20);
  ear.workload->wit_ttl = absl::Minutes(10);
  ASSERT_OK_AND_ASSIGN(IssuedCredentials credentials,
                       harness_->authority().Issue(Request(Sign(ear))));
  EXPECT_EQ(credentials.x509_not_after, now + absl::Minutes(20));
  EXPECT_EQ(credentials.wit_expires_at, now + absl::Minutes(10));
  harness_->ExpectValidCredentials(credentials, kPayrollId, *key_, now);
}

TEST_F(AuthorityTest, IssuesOnlyTheRequestedFormat) {
  CredentialRequest wit_only = GoodRequest();
  wit_only.formats = {"wit"};
  ASSERT_OK_AND_ASSIGN(IssuedCredentials wit, harness_->authority().Issue(wit_only));
  EXPECT_TRUE(wit.x509_svid_pem.empty());
  EXPECT_FALSE(wit.wit.empty());
  EXPECT_EQ(harness_->LedgerCount(), 1);

  CredentialRequest x509_only = GoodRequest();
  x509_only.formats = {"x509-svid"};
  ASSERT_OK_AND_ASSIGN(IssuedCredentials x509, harness_->authority().Issue(x509_only));
  EXPECT_FALSE(x509.x509_svid_pem.empty());
  EXPECT_TRUE(x509.wit.empty());
  EXPECT_EQ(harness_->LedgerCount(), 2);
}

TEST_F(AuthorityTest, EarAtMaxAgeIsStillAccepted) {
  ear::Ear ear = GoodEar();
  ear.issued_at = clock_.Now() - absl::Minutes(5);  // max_ear_age 5m
  EXPECT_OK(harness_->authority().Issue(Request(Sign(ear))));
}

TEST_F(AuthorityTest, WarningEarIsAcceptedWhenPolicyAllowsWarning) {
  ASSERT_OK_AND_ASSIGN(auto lenient, NewHarness({.issuance_yaml = WithMinimumStatus("warning")}));
  ear::Ear ear = GoodEar();
  SetTier(ear, policy::Tier::kWarning);
  EXPECT_OK(lenient->authority().Issue(Request(Sign(ear))));
  EXPECT_EQ(lenient->LedgerCount(), 2);
}

TEST_F(AuthorityTest, ConcurrentIssuanceIsSafe) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 3;
  const CredentialRequest request = GoodRequest();
  std::vector<std::vector<std::string>> serials(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<IssuedCredentials> c = harness_->authority().Issue(request);
        if (c.ok()) serials[t].push_back(c->x509_serial);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> unique;
  for (const auto& s : serials) unique.insert(s.begin(), s.end());
  EXPECT_THAT(unique, SizeIs(kThreads * kPerThread));
  EXPECT_EQ(harness_->LedgerCount(), 2 * kThreads * kPerThread);
}

// --- The EAR ------------------------------------------------------------------------------------

TEST_F(AuthorityTest, EarFromUntrustedKeyIsRefused) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<crypto::Signer> stranger, x509::testing::NewSigner());
  ExpectNothingIssued(Request(Sign(GoodEar(), stranger.get())), Reason::kEarUntrustedKey);
}

TEST_F(AuthorityTest, EarFromUntrustedKeyClaimingTrustedKidIsRefused) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<crypto::Signer> stranger, x509::testing::NewSigner());
  const std::string trusted_kid = harness_->verifier_jwk().Thumbprint();
  ExpectNothingIssued(Request(Sign(GoodEar(), stranger.get(), trusted_kid)),
                      Reason::kEarUntrustedKey);
}

TEST_F(AuthorityTest, ExpiredEarIsRefused) {
  ear::Ear ear = GoodEar();
  ear.issued_at = clock_.Now() - absl::Minutes(3);
  ear.expires_at = clock_.Now() - absl::Minutes(1);  // past the 30 s leeway
  ExpectNothingIssued(Request(Sign(ear)), Reason::kEarExpired);
}

TEST_F(AuthorityTest, EarOlderThanMaxEarAgeIsRefused) {
  ear::Ear ear = GoodEar();
  ear.issued_at = clock_.Now() - absl::Minutes(6);  // max_ear_age 5m (+30 s leeway)
  ear.expires_at = clock_.Now() + absl::Hours(1);
  ExpectNothingIssued(Request(Sign(ear)), Reason::kEarTooOld);
}

TEST_F(AuthorityTest, EarIsAcceptedWhileFreshAndRefusedOnceExpired) {
  const CredentialRequest request = GoodRequest();
  clock_.Advance(absl::Minutes(4));
  EXPECT_OK(harness_->authority().Issue(request));
  clock_.Advance(absl::Minutes(2));  // now past exp (5 min) as well: expiry is checked first
  ExpectNothingIssued(request, Reason::kEarExpired);
}

TEST_F(AuthorityTest, GarbageEarIsInvalid) {
  ExpectNothingIssued(Request("not-a-jwt"), Reason::kEarInvalid);
  ExpectNothingIssued(Request(""), Reason::kEarInvalid);
}

TEST_F(AuthorityTest, EarWithoutWorkloadResultIsInvalid) {
  ear::Ear ear = GoodEar();
  ear.workload.reset();
  ExpectNothingIssued(Request(Sign(ear)), Reason::kEarInvalid);
}

TEST_F(AuthorityTest, EarWithUnknownProfileIsInvalid) {
  Json claims = ear::ToJson(GoodEar());
  claims["eat_profile"] = "tag:example.com,2020:not-ear";
  ASSERT_OK_AND_ASSIGN(
      std::string token,
      jose::SignJwt({{"typ", "JWT"}, {"kid", harness_->verifier_jwk().Thumbprint()}}, claims,
                    *verifier_signer_));
  ExpectNothingIssued(Request(token), Reason::kEarInvalid);
}

TEST_F(AuthorityTest, EarClaimingBetterStatusThanItsSubmodIsInvalid) {
  ear::Ear ear = GoodEar();
  SetTier(ear, policy::Tier::kWarning);
  ear.status = policy::Tier::kAffirming;
  ExpectNothingIssued(Request(Sign(ear)), Reason::kEarInvalid);
}

TEST_F(AuthorityTest, WarningEarIsRefusedWhenPolicyNeedsAffirming) {
  ear::Ear ear = GoodEar();
  SetTier(ear, policy::Tier::kWarning);
  ExpectNothingIssued(Request(Sign(ear)), Reason::kTierInsufficient);
}

TEST_F(AuthorityTest, ContraindicatedOrNoneIsNeverEnough) {
  ASSERT_OK_AND_ASSIGN(auto lenient, NewHarness({.issuance_yaml = WithMinimumStatus("warning")}));
  ear::Ear contraindicated = GoodEar();
  SetTier(contraindicated, policy::Tier::kContraindicated);
  ExpectNothingIssued(Request(Sign(contraindicated)), Reason::kTierInsufficient, lenient.get());

  ear::Ear none = GoodEar();
  SetTier(none, policy::Tier::kNone);
  ExpectNothingIssued(Request(Sign(none)), Reason::kTierInsufficient, lenient.get());
}

TEST_F(AuthorityTest, EarBindingAnEncryptionKeyIsRefused) {
  ear::Ear ear = GoodEar();
  ear.workload->binding_purpose = "encryption-key";
  ExpectNothingIssued(Request(Sign(ear)), Reason::kKeyMismatch);
}

// --- Proof of possession ------------------------------------------------------------------------

TEST_F(AuthorityTest, CsrWithBrokenSignatureIsRefused) {
  ASSERT_OK_AND_ASSIGN(x509::CertificateRequest csr, x509::CertificateRequest::FromPem(csr_));
  Bytes der = csr.ToDer();
  der.back() ^= 0x01;  // last byte of the signature's s value
  ASSERT_OK_AND_ASSIGN(x509::CertificateRequest broken, x509::CertificateRequest::FromDer(der));
  CredentialRequest request = GoodRequest();
  request.csr_pem = broken.ToPem();
  ExpectNothingIssued(request, Reason::kCsrSignatureInvalid);
}

TEST_F(AuthorityTest, UnparsableCsrIsRefused) {
  CredentialRequest request = GoodRequest();
  request.csr_pem =
      "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
  ExpectNothingIssued(request, Reason::kCsrInvalid);
  request.csr_pem = policy::testing::Replace(csr_, "CERTIFICATE REQUEST", "CERTIFICATE");
  ExpectNothingIssued(request, Reason::kCsrInvalid);
  request.csr_pem = "";
  ExpectNothingIssued(request, Reason::kCsrInvalid);
}

TEST_F(AuthorityTest, CsrForAnotherKeyIsRefused) {
  ASSERT_OK_AND_ASSIGN(WorkloadKey other, NewWorkloadKey());
  CredentialRequest request = GoodRequest();
  ASSERT_OK_AND_ASSIGN(request.csr_pem, CsrPem(other));
  ExpectNothingIssued(request, Reason::kKeyMismatch);
}

TEST_F(AuthorityTest, EarBoundToAnotherKeyIsRefused) {
  ASSERT_OK_AND_ASSIGN(WorkloadKey other, NewWorkloadKey());
  ear::Ear ear = GoodEar();
  ear.workload->bound_key = other.jwk;
  ear.workload->bound_key_thumbprint = other.thumbprint;
  ExpectNothingIssued(Request(Sign(ear)), Reason::kKeyMismatch);
}

// --- Identity and entitlement -------------------------------------------------------------------

TEST_F(AuthorityTest, IdentityOutsideTrustDomainIsRefused) {
  ear::Ear ear = GoodEar();
  ear.workload->identifier = "spiffe://other.org/workload/payroll";
  ExpectNothingIssued(Request(Sign(ear)), Reason::kIdentityNotAllowed);
}

TEST_F(AuthorityTest, TrustDomainIdIsNotAWorkloadIdentity) {
  ear::Ear ear = GoodEar();
  ear.workload->identifier = "spiffe://example.org";
  ExpectNothingIssued(Request(Sign(ear)), Reason::kIdentityNotAllowed);
}

TEST_F(AuthorityTest, IdentifierThatIsNotASpiffeIdIsRefused) {
  ear::Ear ear = GoodEar();
  ear.workload->identifier = "https://example.org/workload/payroll";
  ExpectNothingIssued(Request(Sign(ear)), Reason::kIdentityNotAllowed);
}

TEST_F(AuthorityTest, FormatNotEntitledIsRefused) {
  ear::Ear ear = GoodEar();
  ear.workload->formats = {"wit"};
  CredentialRequest request = Request(Sign(ear));
  request.formats = {"x509-svid"};
  ExpectNothingIssued(request, Reason::kFormatNotAllowed);
}

TEST_F(AuthorityTest, UnknownFormatIsRefused) {
  CredentialRequest request = GoodRequest();
  request.formats = {"wit", "jwt-svid"};
  ExpectNothingIssued(request, Reason::kFormatNotAllowed);
}

TEST_F(AuthorityTest, WorkloadWithoutFormatsGetsNothing) {
  ear::Ear ear = GoodEar();
  ear.workload->formats = {};
  ExpectNothingIssued(Request(Sign(ear)), Reason::kFormatNotAllowed);
}

TEST_F(AuthorityTest, FormatTheIssuancePolicyDoesNotAllowIsRefused) {
  ASSERT_OK_AND_ASSIGN(
      auto x509_only,
      NewHarness({.issuance_yaml = policy::testing::Replace(policy::testing::IssuanceYaml(),
                                                            "  wit: {max_ttl: 30m}\n", "")}));
  // The workload is entitled to both; asking for everything includes the refused WIT.
  ExpectNothingIssued(GoodRequest(), Reason::kFormatNotAllowed, x509_only.get());
  CredentialRequest request = GoodRequest();
  request.formats = {"x509-svid"};
  EXPECT_OK(x509_only->authority().Issue(request));
}

// --- The ledger ---------------------------------------------------------------------------------

TEST_F(AuthorityTest, LedgerFailureIssuesNothing) {
  harness_->ledger().set_fail_appends(true);
  ExpectNothingIssued(GoodRequest(), Reason::kStorageError);
  EXPECT_EQ(harness_->ledger().append_calls(), 1);
  // Retryable: once the ledger is back, the same request succeeds.
  harness_->ledger().set_fail_appends(false);
  EXPECT_OK(harness_->authority().Issue(GoodRequest()));
  EXPECT_EQ(harness_->LedgerCount(), 2);
}

TEST_F(AuthorityTest, RefusedRequestsNeverReachTheLedger) {
  ear::Ear ear = GoodEar();
  ear.workload->identifier = "spiffe://other.org/x";
  EXPECT_FALSE(harness_->authority().Issue(Request(Sign(ear))).ok());
  EXPECT_EQ(harness_->ledger().append_calls(), 0);
}

// --- Configuration ------------------------------------------------------------------------------

TEST_F(AuthorityTest, CreateAcceptsTheHarnessConfiguration) {
  ASSERT_OK_AND_ASSIGN(AuthorityConfig config, harness_->NewConfig());
  EXPECT_OK(CredentialAuthority::Create(std::move(config), &harness_->ledger(), &clock_));
}

TEST_F(AuthorityTest, CreateRefusesMissingIssuingChain) {
  ASSERT_OK_AND_ASSIGN(AuthorityConfig config, harness_->NewConfig());
  config.issuing_chain.clear();
  EXPECT_THAT(CredentialAuthority::Create(std::move(config), &harness_->ledger(), &clock_),
              HasReason(Reason::kConfigInvalid));
}

TEST_F(AuthorityTest, CreateRefusesMissingSigners) {
  ASSERT_OK_AND_ASSIGN(AuthorityConfig no_x509, harness_->NewConfig());
  no_x509.x509_signer.reset();
  EXPECT_THAT(CredentialAuthority::Create(std::move(no_x509), &harness_->ledger(), &clock_),
              HasReason(Reason::kConfigInvalid));
  ASSERT_OK_AND_ASSIGN(AuthorityConfig no_wit, harness_->NewConfig());
  no_wit.wit_signer.reset();
  EXPECT_THAT(CredentialAuthority::Create(std::move(no_wit), &harness_->ledger(), &clock_),
              HasReason(Reason::kConfigInvalid));
}

TEST_F(AuthorityTest, CreateRefusesSignerNotMatchingIssuingCertificate) {
  ASSERT_OK_AND_ASSIGN(AuthorityConfig config, harness_->NewConfig());
  ASSERT_OK_AND_ASSIGN(config.x509_signer, x509::testing::NewSigner());
  EXPECT_THAT(CredentialAuthority::Create(std::move(config), &harness_->ledger(), &clock_),
              HasReason(Reason::kConfigInvalid));
}

TEST_F(AuthorityTest, CreateRefusesWhenNoConfiguredKeyIsTrustedByPolicy) {
  ASSERT_OK_AND_ASSIGN(AuthorityConfig config, harness_->NewConfig());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<crypto::Signer> stranger, x509::testing::NewSigner());
  config.verifier_keys = jose::Jwks();
  config.verifier_keys.Add(jose::Jwk::FromPublicKey(stranger->public_key()));
  EXPECT_THAT(CredentialAuthority::Create(std::move(config), &harness_->ledger(), &clock_),
              HasReason(Reason::kConfigInvalid));
}

TEST_F(AuthorityTest, CreateRefusesInvalidTrustDomain) {
  ASSERT_OK_AND_ASSIGN(AuthorityConfig config, harness_->NewConfig());
  config.trust_domain = "Example.ORG";
  EXPECT_THAT(CredentialAuthority::Create(std::move(config), &harness_->ledger(), &clock_),
              HasReason(Reason::kConfigInvalid));
}

TEST_F(AuthorityTest, OnlyPolicyListedKeysAreTrusted) {
  // The key file may hold more keys than the policy names; the others sign nothing acceptable.
  ASSERT_OK_AND_ASSIGN(AuthorityConfig config, harness_->NewConfig());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<crypto::Signer> extra, x509::testing::NewSigner());
  config.verifier_keys.Add(jose::Jwk::FromPublicKey(extra->public_key()));
  ASSERT_OK_AND_ASSIGN(
      auto authority, CredentialAuthority::Create(std::move(config), &harness_->ledger(), &clock_));
  EXPECT_THAT(authority->Issue(Request(Sign(GoodEar(), extra.get()))),
              HasReason(Reason::kEarUntrustedKey));
  EXPECT_OK(authority->Issue(GoodRequest()));
}

TEST_F(AuthorityTest, ExposesBundleAndPolicyId) {
  EXPECT_THAT(harness_->authority().bundle().x509_authorities, SizeIs(1));
  EXPECT_THAT(harness_->authority().bundle().wit_authorities, SizeIs(1));
  EXPECT_THAT(harness_->authority().policy_id(), ::testing::StartsWith("sha256:"));
  EXPECT_THAT(harness_->authority().bundle().WitKeys().keys(), ::testing::Not(IsEmpty()));
}

// --- Credential Provenance
// ------------------------------------------------------------------------

// The CA with provenance on: a real transparency log and provenance store over SQLite, the
// record signer and the log key in memory.
class ProvenanceIssuanceTest : public AuthorityTest {
 protected:
  void SetUp() override {
    AuthorityTest::SetUp();
    ASSERT_OK_AND_ASSIGN(record_signer_, x509::testing::NewSigner());
    ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey log_key,
                         crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
    ASSERT_OK_AND_ASSIGN(auto log_signer,
                         crypto::NewSoftwareSigner(log_key, crypto::SignatureAlgorithm::kEd25519));
    storage::SqliteOptions quick;
    quick.busy_timeout = absl::Milliseconds(50);
    ASSERT_OK_AND_ASSIGN(log_db_, storage::SqliteDatabase::Open(dir_.File("log.db"), quick));
    provenance_store_ = storage::NewSqliteProvenanceStore(log_db_);
    tlog::LogOptions options;
    options.origin = "example.org/twi/log";
    ASSERT_OK_AND_ASSIGN(log_, tlog::TransparencyLog::Open(storage::NewSqliteLogStore(log_db_),
                                                           std::move(log_signer), options));
    recorder_ = std::make_unique<ProvenanceRecorder>(record_signer_.get(), log_.get(),
                                                     provenance_store_.get(), &clock_);
    ASSERT_OK_AND_ASSIGN(AuthorityConfig config, harness_->NewConfig());
    config.provenance = recorder_.get();
    ASSERT_OK_AND_ASSIGN(
        authority_, CredentialAuthority::Create(std::move(config), &harness_->ledger(), &clock_));
  }

  // The stored envelope of `credential_id` and an offline proof of it.
  std::pair<std::string, std::string> EnvelopeAndProof(const std::string& credential_id) {
    absl::StatusOr<std::optional<storage::CredentialProvenanceRecord>> stored =
        provenance_store_->FindRecordByCredential(credential_id);
    EXPECT_TRUE(stored.ok() && stored->has_value()) << credential_id;
    if (!stored.ok() || !stored->has_value()) return {};
    EXPECT_OK(log_->WaitForCheckpoint((*stored)->log_index + 1, absl::Seconds(30)));
    absl::StatusOr<tlog::ProofBundle> bundle = log_->ProveEntry((*stored)->log_index);
    EXPECT_OK(bundle);
    if (!bundle.ok()) return {};
    return {ToString((*stored)->content), tlog::EncodeProofBundle(*bundle)};
  }

  ::twi::testing::TempDir dir_;
  std::unique_ptr<crypto::Signer> record_signer_;
  std::shared_ptr<storage::SqliteDatabase> log_db_;
  std::unique_ptr<storage::ProvenanceStore> provenance_store_;
  std::unique_ptr<tlog::TransparencyLog> log_;
  std::unique_ptr<ProvenanceRecorder> recorder_;
  std::unique_ptr<CredentialAuthority> authority_;
};

TEST_F(ProvenanceIssuanceTest, EachCredentialHasARecordBoundBothWaysAndLogged) {
  const ear::Ear ear = GoodEar();
  const std::string token = Sign(ear);
  ASSERT_OK_AND_ASSIGN(const IssuedCredentials issued, authority_->Issue(Request(token)));
  harness_->ExpectValidCredentials(issued, kPayrollId, *key_, clock_.Now());

  ASSERT_OK_AND_ASSIGN(const std::vector<x509::Certificate> chain,
                       x509::Certificate::ChainFromPem(issued.x509_svid_pem));
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts x509_facts,
                       rp::X509CredentialFacts(chain[0].ToDer()));
  ASSERT_TRUE(x509_facts.pointer.has_value()) << "the SVID carries no provenance pointer";
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts wit_facts, rp::WitCredentialFacts(issued.wit));
  ASSERT_TRUE(wit_facts.pointer.has_value()) << "the WIT carries no twi_prov claim";
  EXPECT_NE(x509_facts.pointer->log_index, wit_facts.pointer->log_index);

  for (const rp::CredentialFacts* facts : {&x509_facts, &wit_facts}) {
    const auto [envelope, proof] = EnvelopeAndProof(facts->credential_id);
    ASSERT_OK_AND_ASSIGN(const rp::VerifiedProvenance verified,
                         rp::VerifyProvenance(*facts, envelope, record_signer_->public_key(), proof,
                                              log_->verifier()));
    const provenance::CredentialRecord& record = verified.record;
    EXPECT_EQ(record.issuer, "spiffe://example.org");
    EXPECT_EQ(record.issuance_policy, authority_->policy_id());
    EXPECT_EQ(record.mechanism, "B");
    EXPECT_EQ(record.subject_id, kPayrollId);
    EXPECT_EQ(record.workload, "payroll");
    EXPECT_EQ(record.release, "2026.11.0");
    ASSERT_EQ(record.appraisals.size(), 1u);
    EXPECT_EQ(record.appraisals[0].tee, "sample");
    EXPECT_EQ(record.appraisals[0].status, "affirming");
    EXPECT_EQ(record.appraisals[0].result_digest, crypto::Sha256Id(AsBytes(token)));
    EXPECT_EQ(record.appraisals[0].policy_ids, ear.submods.at("sample").policy_ids);
    EXPECT_EQ(record.appraisals[0].verifier_key,
              jose::Jwk::FromPublicKey(verifier_signer_->public_key()).Thumbprint());
    EXPECT_EQ(verified.checkpoint.origin, "example.org/twi/log");
  }
}

TEST_F(ProvenanceIssuanceTest, TheSameIdentityTwiceGetsTwoRecords) {
  ASSERT_OK_AND_ASSIGN(const IssuedCredentials first, authority_->Issue(GoodRequest()));
  ASSERT_OK_AND_ASSIGN(const IssuedCredentials second, authority_->Issue(GoodRequest()));
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts a, rp::WitCredentialFacts(first.wit));
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts b, rp::WitCredentialFacts(second.wit));
  EXPECT_NE(a.pointer->record_digest, b.pointer->record_digest);
  EXPECT_NE(a.pointer->log_index, b.pointer->log_index);
}

TEST_F(ProvenanceIssuanceTest, ForeignTamperedOrMisplacedRecordsAreRefused) {
  ASSERT_OK_AND_ASSIGN(const IssuedCredentials issued, authority_->Issue(GoodRequest()));
  ASSERT_OK_AND_ASSIGN(const std::vector<x509::Certificate> chain,
                       x509::Certificate::ChainFromPem(issued.x509_svid_pem));
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts facts, rp::X509CredentialFacts(chain[0].ToDer()));
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts wit, rp::WitCredentialFacts(issued.wit));
  const auto [envelope, proof] = EnvelopeAndProof(facts.credential_id);
  const auto [wit_envelope, wit_proof] = EnvelopeAndProof(wit.credential_id);
  const crypto::PublicKey& signer = record_signer_->public_key();

  // Another key signed it.
  ASSERT_OK_AND_ASSIGN(auto other, x509::testing::NewSigner());
  EXPECT_THAT(rp::VerifyProvenance(facts, envelope, other->public_key(), proof, log_->verifier()),
              HasReason(Reason::kDsseSignatureInvalid));
  // One byte of the payload changed (the envelope re-encoded around it).
  ASSERT_OK_AND_ASSIGN(provenance::DsseEnvelope tampered, provenance::ParseDsse(envelope));
  tampered.payload[tampered.payload.size() / 2] ^= 1;
  EXPECT_THAT(rp::VerifyProvenance(facts, provenance::EncodeDsse(tampered), signer, proof,
                                   log_->verifier()),
              HasReason(Reason::kDsseSignatureInvalid));
  // The WIT's record presented for the certificate.
  EXPECT_THAT(rp::VerifyProvenance(facts, wit_envelope, signer, wit_proof, log_->verifier()),
              HasReason(Reason::kProvenanceRecordMismatch));
  // The right record with the WIT's proof: another index than the certificate names.
  EXPECT_THAT(rp::VerifyProvenance(facts, envelope, signer, wit_proof, log_->verifier()),
              HasReason(Reason::kProvenanceRecordMismatch));
  // A log key the checkpoint was not signed with.
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey stranger,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
  ASSERT_OK_AND_ASSIGN(
      const tlog::NoteVerifier stranger_log,
      tlog::NoteVerifier::FromPublicKey("example.org/twi/log", stranger.public_key()));
  EXPECT_THAT(rp::VerifyProvenance(facts, envelope, signer, proof, stranger_log),
              HasReason(Reason::kNoteUntrusted));
  // A proof whose path was changed.
  ASSERT_OK_AND_ASSIGN(tlog::ProofBundle bent, tlog::ParseProofBundle(proof));
  if (!bent.path.empty()) {
    bent.path[0][0] ^= 1;
    EXPECT_THAT(rp::VerifyProvenance(facts, envelope, signer, tlog::EncodeProofBundle(bent),
                                     log_->verifier()),
                HasReason(Reason::kInclusionProofInvalid));
  }
  // A certificate from a CA without provenance has no pointer, and its own digest.
  ASSERT_OK_AND_ASSIGN(const IssuedCredentials plain, harness_->authority().Issue(GoodRequest()));
  ASSERT_OK_AND_ASSIGN(const std::vector<x509::Certificate> plain_chain,
                       x509::Certificate::ChainFromPem(plain.x509_svid_pem));
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts plain_facts,
                       rp::X509CredentialFacts(plain_chain[0].ToDer()));
  EXPECT_FALSE(plain_facts.pointer.has_value());
  EXPECT_THAT(rp::VerifyProvenance(plain_facts, envelope, signer, proof, log_->verifier()),
              HasReason(Reason::kProvenanceRecordMismatch));
}

TEST_F(ProvenanceIssuanceTest, NoLogNoCredential) {
  const int64_t ledger_before = harness_->LedgerCount();
  ASSERT_OK_AND_ASSIGN(auto locker, storage::SqliteDatabase::Open(dir_.File("log.db")));
  // Another writer holds the log database: the append cannot be made durable in time.
  ASSERT_OK(locker->RunInTransaction([&](storage::SqliteConnection&) -> absl::Status {
    EXPECT_THAT(authority_->Issue(GoodRequest()), HasReason(Reason::kLogUnavailable));
    return absl::OkStatus();
  }));
  EXPECT_EQ(harness_->LedgerCount(), ledger_before);
  // Once the log is writable again, issuance resumes with the next index.
  ASSERT_OK_AND_ASSIGN(const IssuedCredentials issued, authority_->Issue(GoodRequest()));
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts facts, rp::WitCredentialFacts(issued.wit));
  EXPECT_EQ(facts.pointer->log_index, 1u);  // 0 is the certificate of this issuance
  EXPECT_EQ(harness_->LedgerCount(), ledger_before + 2);
}

}  // namespace
}  // namespace twi::issuer
