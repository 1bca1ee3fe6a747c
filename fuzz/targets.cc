#include "fuzz/targets.h"

#include "libs/core/json.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/ear/ear.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/evidence/backends/sample/sample_verifier.h"
#include "libs/issuer/bundle.h"
#include "libs/issuer/credential_api.h"
#include "libs/jose/jwk.h"
#include "libs/jose/jwt.h"
#include "libs/policy/test_policies.h"
#include "libs/policy/workload_policy.h"
#include "libs/rp/spiffe_bundle.h"
#include "libs/verifier/attestation_api.h"
#include "libs/x509/certificate.h"
#include "libs/x509/csr.h"
#include "libs/x509/issue.h"

namespace twi::fuzz {
namespace {

// One key for the whole process, so that signatures in the seeds verify in the targets.
const crypto::Signer& ProcessSigner() {
  static const crypto::Signer* signer = [] {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
    return crypto::NewSoftwareSigner(*key, crypto::SignatureAlgorithm::kEcdsaP256Sha256)->release();
  }();
  return *signer;
}

const jose::Jwks& Keys() {
  static const jose::Jwks* keys = [] {
    auto* jwks = new jose::Jwks();
    jose::Jwk jwk = jose::Jwk::FromPublicKey(ProcessSigner().public_key());
    jwk.set_kid("k1").set_alg(jose::Algorithm::kES256);
    jwks->Add(jwk);
    return jwks;
  }();
  return *keys;
}

std::vector<Bytes> One(std::string_view text) { return {ToBytes(text)}; }

x509::Certificate SelfSigned() {
  auto tmpl = x509::SpiffeCaTemplate("example.org", ProcessSigner().public_key(), "fuzz",
                                     absl::FromUnixSeconds(1700000000),
                                     absl::FromUnixSeconds(1900000000), 0);
  return *x509::IssueCertificate(*tmpl, nullptr, ProcessSigner());
}

// --- Targets ------------------------------------------------------------------------------------

bool Csr(ByteView data) {
  auto csr = x509::CertificateRequest::FromDer(data);
  return csr.ok() && csr->VerifyProofOfPossession().ok();
}
std::vector<Bytes> CsrSeeds() { return {x509::CreateCsr(ProcessSigner(), "web")->ToDer()}; }

bool Certificate(ByteView data) { return x509::Certificate::FromDer(data).ok(); }
std::vector<Bytes> CertificateSeeds() { return {SelfSigned().ToDer()}; }

bool Jwt(ByteView data) {
  jose::JwtValidation validation;
  validation.allowed_algorithms = {jose::Algorithm::kES256};
  validation.typ = "wit+jwt";
  return jose::VerifyJwt(AsString(data), Keys(), validation, absl::FromUnixSeconds(1800000000))
      .ok();
}
std::vector<Bytes> JwtSeeds() {
  Json claims = {{"sub", "spiffe://example.org/w"}, {"exp", 1800000600}, {"jti", "x"}};
  return One(*jose::SignJwt({{"typ", "wit+jwt"}, {"kid", "k1"}}, claims, ProcessSigner()));
}

bool Jwks(ByteView data) { return jose::Jwks::Parse(AsString(data)).ok(); }
std::vector<Bytes> JwksSeeds() { return One(Keys().ToJson().dump()); }

bool SpiffeBundle(ByteView data) { return rp::ParseSpiffeBundle(AsString(data)).ok(); }
std::vector<Bytes> SpiffeBundleSeeds() {
  issuer::TrustBundle bundle;
  bundle.x509_authorities = {SelfSigned()};
  bundle.wit_authorities = {Keys().keys()[0]};
  return One(bundle.ToSpiffeJwks().dump());
}

bool SampleEvidence(ByteView data) {
  static const auto* verifier =
      evidence::sample::SampleVerifier::Create({ProcessSigner().public_key()})->release();
  return verifier->Verify(data, absl::FromUnixSeconds(1800000000)).ok();
}
std::vector<Bytes> SampleEvidenceSeeds() {
  // The attester signs with the process key, which the target's verifier trusts.
  class Forward final : public crypto::Signer {
   public:
    absl::StatusOr<Bytes> Sign(ByteView d) const override { return ProcessSigner().Sign(d); }
    crypto::SignatureAlgorithm algorithm() const override { return ProcessSigner().algorithm(); }
    const crypto::PublicKey& public_key() const override { return ProcessSigner().public_key(); }
  };
  auto attester = evidence::sample::SampleAttester::Create(std::make_unique<Forward>(),
                                                           {Bytes(32, 1), Bytes(32, 2), 3, false});
  return {*(*attester)->Attest(Bytes(64, 7))};
}

bool AttestationRequest(ByteView data) {
  auto json = ParseJsonObject(AsString(data));
  return json.ok() && verifier::AttestationRequestFromJson(*json).ok();
}
std::vector<Bytes> AttestationRequestSeeds() {
  verifier::AttestationRequest request;
  request.nonce = Bytes(32, 9);
  request.evidence.push_back(
      {"sample", "application/vnd.twi.sample-report", SampleEvidenceSeeds()[0]});
  request.key = Keys().keys()[0].ToJson();
  request.csr_pem = x509::CreateCsr(ProcessSigner())->ToPem();
  return One(verifier::ToJson(request).dump());
}

bool CredentialRequest(ByteView data) {
  auto json = ParseJsonObject(AsString(data));
  return json.ok() && issuer::CredentialRequestFromJson(*json).ok();
}
std::vector<Bytes> CredentialRequestSeeds() {
  issuer::CredentialRequest request{
      "a.b.c", x509::CreateCsr(ProcessSigner())->ToPem(), {"wit"}, "B"};
  return One(issuer::ToJson(request).dump());
}

bool EarClaims(ByteView data) {
  auto json = ParseJsonObject(AsString(data));
  return json.ok() && ear::FromJson(*json).ok();
}
std::vector<Bytes> EarClaimsSeeds() {
  ear::Ear result;
  result.issued_at = absl::FromUnixSeconds(1800000000);
  result.expires_at = result.issued_at + absl::Minutes(5);
  result.verifier_id = {"twi", "fuzz"};
  result.status = policy::Tier::kAffirming;
  ear::Appraisal appraisal;
  appraisal.status = policy::Tier::kAffirming;
  result.submods["sample"] = appraisal;
  return One(ear::ToJson(result).dump());
}

bool WorkloadPolicy(ByteView data) { return policy::ParseWorkloadPolicy(AsString(data)).ok(); }
std::vector<Bytes> WorkloadPolicySeeds() { return One(policy::testing::PayrollYaml()); }

}  // namespace

const std::vector<Target>& Targets() {
  static const std::vector<Target>* targets = new std::vector<Target>{
      {"csr", Csr, CsrSeeds},
      {"certificate", Certificate, CertificateSeeds},
      {"jwt", Jwt, JwtSeeds},
      {"jwks", Jwks, JwksSeeds},
      {"spiffe_bundle", SpiffeBundle, SpiffeBundleSeeds},
      {"sample_evidence", SampleEvidence, SampleEvidenceSeeds},
      {"attestation_request", AttestationRequest, AttestationRequestSeeds},
      {"credential_request", CredentialRequest, CredentialRequestSeeds},
      {"ear_claims", EarClaims, EarClaimsSeeds},
      {"workload_policy", WorkloadPolicy, WorkloadPolicySeeds},
  };
  return *targets;
}

}  // namespace twi::fuzz
