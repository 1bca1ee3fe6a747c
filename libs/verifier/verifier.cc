#include "libs/verifier/verifier.h"

#include "absl/strings/str_format.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/random.h"
#include "libs/evidence/binding.h"
#include "libs/jose/jwk.h"

namespace twi::verifier {
namespace {

constexpr std::string_view kComponent = "verifier";

ear::WorkloadResult WorkloadResultFrom(const policy::AppraisalResult& appraisal,
                                       const jose::Jwk& key, std::string thumbprint,
                                       evidence::BindingPurpose purpose) {
  ear::WorkloadResult w;
  w.identifier = appraisal.workload->identifier.ToString();
  w.workload = appraisal.workload->name;
  w.release = appraisal.release->name;
  w.claims = appraisal.workload->claims;
  w.formats = appraisal.workload->formats;
  w.x509_svid_ttl = appraisal.workload->x509_svid_ttl;
  w.wit_ttl = appraisal.workload->wit_ttl;
  w.bound_key = key;
  w.bound_key_thumbprint = std::move(thumbprint);
  w.binding_purpose = std::string(BindingPurposeName(purpose));
  return w;
}

}  // namespace

Verifier::Verifier(VerifierConfig config, ChallengeCodec challenges, storage::NonceStore* nonces,
                   const evidence::EvidenceRegistry* registry, const policy::PolicyHolder* policies,
                   const crypto::Signer* ear_signer, issuer::CredentialIssuer* issuer,
                   const Clock* clock)
    : config_(std::move(config)),
      challenges_(std::move(challenges)),
      nonces_(nonces),
      registry_(registry),
      policies_(policies),
      ear_signer_(ear_signer),
      issuer_(issuer),
      clock_(clock) {
  jose::Jwk jwk = jose::Jwk::FromPublicKey(ear_signer_->public_key());
  kid_ = jwk.Thumbprint();
  jwk.set_kid(kid_);
  if (auto alg = jose::FromSignatureAlgorithm(ear_signer_->algorithm()); alg.ok())
    jwk.set_alg(*alg);
  keys_.Add(std::move(jwk));
}

absl::StatusOr<Challenge> Verifier::NewChallenge() {
  Challenge challenge;
  // The expiry travels inside the nonce, to the microsecond; the response states the same one.
  challenge.expires_at =
      absl::FromUnixMicros(absl::ToUnixMicros(clock_->Now() + config_.nonce_ttl));
  challenge.nonce = challenges_.Mint(challenge.expires_at);
  return challenge;
}

absl::Status Verifier::SpendNonce(ByteView nonce, absl::Time now) {
  const std::optional<absl::Time> expires_at = challenges_.Open(nonce);
  if (!expires_at.has_value()) return Error(Reason::kNonceUnknown, "nonce unknown");
  // Spent before the expiry check as well, so that an expired nonce never succeeds later, even
  // if this host's clock is set back.
  const absl::Status spent = nonces_->Spend(nonce, *expires_at);
  if (config_.purge_every > 0 && ++spends_ % config_.purge_every == 0) {
    const absl::Time cutoff = now - config_.purge_after;
    if (auto purged = nonces_->PurgeExpired(cutoff); !purged.ok()) {
      LogWarning(kComponent, absl::StrFormat("nonce purge failed: %s", purged.status().message()));
    } else if (*purged > 0) {
      LogDebug(kComponent, absl::StrFormat("purged %d expired nonces", *purged));
    }
  }
  if (now >= *expires_at) return Error(Reason::kNonceExpired, "nonce expired");
  return spent;
}

absl::StatusOr<AttestationResponse> Verifier::Attest(const AttestationRequest& request,
                                                     ByteView tls_exporter) {
  const absl::Time now = clock_->Now();
  if (request.evidence.size() != 1) {
    return Error(Reason::kRequestInvalid,
                 "exactly one evidence item is accepted (composite evidence is not enabled)");
  }
  auto key = jose::Jwk::FromJson(request.key);
  if (!key.ok()) return Annotate(Error(Reason::kKeyInvalid, key.status().message()), "key");
  std::string jkt = key->Thumbprint();

  // Freshness first: the nonce is single-use whatever happens next.
  TWI_RETURN_IF_ERROR(SpendNonce(request.nonce, now));

  const evidence::EvidenceItem& item = request.evidence[0];
  TWI_ASSIGN_OR_RETURN(const evidence::EvidenceVerifier* backend,
                       registry_->Find(item.tee, item.media_type));
  TWI_ASSIGN_OR_RETURN(evidence::Claims claims, backend->Verify(item.data, now));

  // Architecture §3: report data must bind this nonce, this key and this TLS connection.
  const Bytes binding =
      evidence::ComputeBinding({request.purpose, request.nonce, jkt, tls_exporter});
  TWI_RETURN_IF_ERROR(evidence::CheckReportData(claims.report_data, binding));

  // One snapshot for the whole request: an owner's update applies to the next one.
  const std::shared_ptr<const policy::PolicySet> policies = policies_->Current();
  auto appraisal = policies->Appraise(claims);
  if (!appraisal.ok()) {
    LogInfo(kComponent,
            absl::StrFormat("appraisal refused (%s): %s", ReasonName(GetReason(appraisal.status())),
                            std::string(appraisal.status().message())));
    return appraisal.status();
  }
  TWI_ASSIGN_OR_RETURN(const policy::AppraisalPolicy* appraisal_policy, policies->appraisal());

  ear::Ear result;
  result.issued_at = now;
  result.expires_at = now + appraisal_policy->ear_ttl;
  result.jti = Base64UrlEncode(crypto::RandomBytes(16));
  result.verifier_id = config_.verifier_id;
  ear::Appraisal submod;
  submod.status = appraisal->status;
  submod.vector = appraisal->vector;
  submod.policy_ids = appraisal->policy_ids;
  submod.attester_claims = claims.attester_claims;
  submod.verifier_claims = appraisal->verifier_claims;
  submod.verifier_claims["matched_rule"] = appraisal->matched_rule;
  // Named in the Credential Provenance record, so an auditor can match the evidence kept.
  submod.verifier_claims["evidence_digest"] = crypto::Sha256Id(item.data);
  submod.nonce = Base64UrlEncode(request.nonce);
  result.submods[claims.tee] = std::move(submod);
  result.status = ear::WorstStatus(result.submods);
  result.workload = WorkloadResultFrom(*appraisal, *key, std::move(jkt), request.purpose);

  AttestationResponse response;
  TWI_ASSIGN_OR_RETURN(response.ear, ear::Sign(result, *ear_signer_, kid_));
  if (LogEnabled(LogLevel::kInfo)) {
    LogInfo(kComponent, absl::StrFormat("appraised %s evidence: %s -> %s (%s)", claims.tee,
                                        appraisal->matched_rule, result.workload->identifier,
                                        policy::TierName(result.status)));
  }

  if (request.wants_credentials()) {
    // Mechanism A: credential request rode with the evidence; the CA issues on our EAR.
    if (issuer_ == nullptr) {
      return Error(Reason::kFormatNotAllowed, "this verifier does not issue credentials");
    }
    issuer::CredentialRequest credential_request;
    credential_request.ear = response.ear;
    credential_request.csr_pem = request.csr_pem;
    credential_request.formats = request.formats;
    credential_request.mechanism = "A";
    TWI_ASSIGN_OR_RETURN(response.credentials, issuer_->Issue(credential_request));
  }
  return response;
}

}  // namespace twi::verifier
