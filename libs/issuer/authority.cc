#include "libs/issuer/authority.h"

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/random.h"
#include "libs/ear/ear.h"
#include "libs/issuer/wit.h"
#include "libs/spiffe/spiffe_id.h"
#include "libs/x509/csr.h"
#include "libs/x509/provenance_pointer.h"
#include "libs/x509/svid_issue.h"

namespace twi::issuer {
namespace {

// The kid of a JWS the caller already verified: the thumbprint of the Verifier key that signed
// it (EAR keys are published with their thumbprints as kids). "" if it has none.
std::string EarKeyId(std::string_view jws) {
  const size_t dot = jws.find('.');
  absl::StatusOr<Bytes> header = Base64UrlDecode(jws.substr(0, dot));
  if (!header.ok()) return "";
  absl::StatusOr<Json> json = ParseJsonObject(AsString(*header));
  if (!json.ok()) return "";
  return json->value("kid", "");
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

absl::Status CheckEarAcceptable(const ear::Ear& result, const policy::IssuancePolicy& policy) {
  if (!result.workload.has_value() || !result.workload->bound_key.has_value()) {
    return Error(Reason::kEarInvalid, "EAR carries no twi_workload result with a bound key");
  }
  if (result.workload->binding_purpose != "credential-key") {
    return Error(Reason::kKeyMismatch, "EAR binds an encryption key, not a credential key");
  }
  if (!policy::TierMeets(result.status, policy.minimum_status)) {
    return Error(
        Reason::kTierInsufficient,
        absl::StrFormat("EAR status \"%s\" is below the required \"%s\"",
                        policy::TierName(result.status), policy::TierName(policy.minimum_status)));
  }
  for (const auto& [label, appraisal] : result.submods) {
    if (!policy::TierMeets(appraisal.status, policy.minimum_status)) {
      return Error(Reason::kTierInsufficient, absl::StrFormat("submod \"%s\" is \"%s\"", label,
                                                              policy::TierName(appraisal.status)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ResolveFormats(const std::vector<std::string>& requested,
                                                        const ear::WorkloadResult& workload,
                                                        const policy::IssuancePolicy& policy) {
  std::vector<std::string> formats = requested.empty() ? workload.formats : requested;
  if (formats.empty()) return Error(Reason::kFormatNotAllowed, "no credential format requested");
  for (const auto& f : formats) {
    if (!Contains(workload.formats, f)) {
      return Error(Reason::kFormatNotAllowed,
                   absl::StrFormat("workload is not entitled to format \"%s\"", f));
    }
    if (policy.formats.find(f) == policy.formats.end()) {
      return Error(Reason::kFormatNotAllowed,
                   absl::StrFormat("issuance policy does not allow format \"%s\"", f));
    }
  }
  return formats;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CredentialAuthority>> CredentialAuthority::Create(
    AuthorityConfig config, storage::IssuanceLedger* ledger, const Clock* clock) {
  if (config.issuing_chain.empty() || !config.x509_signer || !config.wit_signer) {
    return Error(Reason::kConfigInvalid, "CA needs an issuing certificate and signing keys");
  }
  if (!config.issuing_chain[0].public_key().Equals(config.x509_signer->public_key())) {
    return Error(Reason::kConfigInvalid, "CA signing key does not match the issuing certificate");
  }
  if (absl::Status s = spiffe::ValidateTrustDomain(config.trust_domain); !s.ok()) {
    return Annotate(Error(Reason::kConfigInvalid, s.message()), "trust_domain");
  }
  // Only keys the policy names by thumbprint are trusted, whatever else the key file holds.
  jose::Jwks trusted;
  for (const auto& jwk : config.verifier_keys.keys()) {
    const std::string jkt = jwk.Thumbprint();
    for (const auto& v : config.policy.trusted_verifiers) {
      if (v.jwk_thumbprint == jkt) {
        jose::Jwk with_kid = jwk;
        if (!with_kid.kid().has_value()) with_kid.set_kid(jkt);
        trusted.Add(with_kid);
      }
    }
  }
  if (trusted.keys().empty()) {
    return Error(Reason::kConfigInvalid, "no key of a trusted verifier is configured");
  }
  jose::Jwk wit_jwk = jose::Jwk::FromPublicKey(config.wit_signer->public_key());
  std::string wit_kid = wit_jwk.Thumbprint();
  return std::unique_ptr<CredentialAuthority>(new CredentialAuthority(
      std::move(config), std::move(trusted), ledger, clock, std::move(wit_kid)));
}

absl::StatusOr<IssuedCredentials> CredentialAuthority::Issue(const CredentialRequest& request) {
  const absl::Time now = clock_->Now();
  // 1. Proof of possession of the credential key.
  TWI_ASSIGN_OR_RETURN(x509::CertificateRequest csr,
                       x509::CertificateRequest::FromPem(request.csr_pem));
  TWI_RETURN_IF_ERROR(csr.VerifyProofOfPossession());

  // 2. The attestation result: trusted verifier, fresh, good enough, for this key.
  ear::VerifyOptions ear_options;
  ear_options.max_age = config_.policy.max_ear_age;
  TWI_ASSIGN_OR_RETURN(ear::Ear result, ear::Verify(request.ear, trusted_, now, ear_options));
  TWI_RETURN_IF_ERROR(CheckEarAcceptable(result, config_.policy));
  const ear::WorkloadResult& workload = *result.workload;
  const jose::Jwk csr_jwk = jose::Jwk::FromPublicKey(csr.public_key());
  if (csr_jwk.Thumbprint() != workload.bound_key_thumbprint) {
    return Error(Reason::kKeyMismatch, "the CSR key is not the key the attestation evidence bound");
  }

  const Basis basis{.ledger_entry = crypto::Sha256Id(AsBytes(request.ear)),
                    .ear = &result,
                    .verifier_key = EarKeyId(request.ear),
                    .provisioned_by = ""};
  return Mint(workload, csr.public_key(), request.formats,
              request.mechanism.empty() ? "B" : request.mechanism, basis);
}

absl::StatusOr<IssuedCredentials> CredentialAuthority::IssueProvisioned(
    std::string_view csr_pem, const policy::WorkloadPolicy& workload, std::string_view owner) {
  TWI_ASSIGN_OR_RETURN(x509::CertificateRequest csr, x509::CertificateRequest::FromPem(csr_pem));
  TWI_RETURN_IF_ERROR(csr.VerifyProofOfPossession());
  ear::WorkloadResult result;
  result.identifier = workload.identifier.ToString();
  result.workload = workload.name;
  result.release = "provisioned";
  result.claims = workload.claims;
  result.formats = workload.formats;
  result.x509_svid_ttl = workload.x509_svid_ttl;
  result.wit_ttl = workload.wit_ttl;
  result.bound_key = jose::Jwk::FromPublicKey(csr.public_key());
  result.bound_key_thumbprint = result.bound_key->Thumbprint();
  // No EAR: the ledger records on whose authority the credential was made instead.
  const Basis basis{.ledger_entry = "owner:" + std::string(owner),
                    .ear = nullptr,
                    .verifier_key = "",
                    .provisioned_by = std::string(owner)};
  return Mint(result, csr.public_key(), {}, "D", basis);
}

absl::StatusOr<IssuedCredentials> CredentialAuthority::Mint(
    const ear::WorkloadResult& workload, const crypto::PublicKey& key,
    const std::vector<std::string>& requested_formats, std::string mechanism, const Basis& basis) {
  const absl::Time now = clock_->Now();
  // 3. Identity and entitlement.
  absl::StatusOr<spiffe::SpiffeId> parsed = spiffe::SpiffeId::Parse(workload.identifier);
  if (!parsed.ok()) {
    return Annotate(Error(Reason::kIdentityNotAllowed, parsed.status().message()),
                    "EAR workload identifier");
  }
  const spiffe::SpiffeId& id = *parsed;
  if (id.trust_domain() != config_.trust_domain || id.is_root()) {
    return Error(Reason::kIdentityNotAllowed,
                 absl::StrFormat("identifier %s is outside trust domain %s", id.ToString(),
                                 config_.trust_domain));
  }
  TWI_ASSIGN_OR_RETURN(std::vector<std::string> formats,
                       ResolveFormats(requested_formats, workload, config_.policy));

  // 4. Issue in memory.
  IssuedCredentials out;
  out.spiffe_id = id.ToString();
  out.ear_digest = basis.ledger_entry;
  out.bundle = bundle_;
  std::vector<storage::IssuanceRecord> records;
  auto record = [&](std::string credential_id, std::string_view format, ByteView credential,
                    absl::Time not_before, absl::Time not_after) {
    storage::IssuanceRecord r;
    r.credential_id = std::move(credential_id);
    r.format = std::string(format);
    r.subject = out.spiffe_id;
    r.workload = workload.workload;
    r.key_thumbprint = workload.bound_key_thumbprint;
    r.mechanism = mechanism;
    r.ear_digest = out.ear_digest;
    r.credential_digest = crypto::Sha256Id(credential);
    r.issued_at = now;
    r.not_before = not_before;
    r.not_after = not_after;
    records.push_back(std::move(r));
  };

  // Provenance: one record per credential, logged before the credential is signed, so that the
  // credential can point at it (docs/provenance.md).
  ProvenanceRecorder* const recorder = config_.provenance;
  provenance::CredentialRecord shared;
  if (recorder != nullptr) {
    TWI_ASSIGN_OR_RETURN(std::vector<provenance::DocumentReference> documents,
                         recorder->WorkloadDocuments(workload.workload, workload.release));
    shared = RecordTemplate(workload, mechanism, basis, now, std::move(documents));
  }

  if (Contains(formats, kFormatX509Svid)) {
    const absl::Duration ttl = std::min(
        workload.x509_svid_ttl, config_.policy.formats.at(std::string(kFormatX509Svid)).max_ttl);
    x509::PrecertHook hook;
    if (recorder != nullptr) {
      hook = [&](const x509::Precertificate& pre) -> absl::StatusOr<x509::Extension> {
        provenance::CredentialRecord record = shared;
        record.format = std::string(kFormatX509Svid);
        record.credential_id = "x509:" + pre.serial_hex;
        record.serial = pre.serial_hex;
        record.x509_issuer_sha256 = pre.issuer_name_sha256;
        record.not_before = pre.not_before;
        record.not_after = pre.not_after;
        record.subject_digest = crypto::Sha256(pre.tbs);
        TWI_ASSIGN_OR_RETURN(const RecordedProvenance recorded, recorder->Record(record));
        TWI_ASSIGN_OR_RETURN(Bytes value,
                             x509::EncodeProvenancePointer({.record_digest = recorded.digest,
                                                            .log_origin = recorded.log_origin,
                                                            .log_index = recorded.log_index}));
        return x509::Extension{
            .oid = x509::kProvenancePointerOid, .critical = false, .der_value = std::move(value)};
      };
    }
    TWI_ASSIGN_OR_RETURN(
        x509::IssuedCertificate leaf,
        x509::IssueX509Svid(id, key, now, ttl, config_.backdate, config_.issuing_chain[0],
                            *config_.x509_signer, {}, hook));
    out.x509_svid_pem = x509::CertificatePem(leaf.der) + issuing_chain_pem_;
    out.x509_serial = leaf.serial_hex;
    out.x509_not_after = leaf.not_after;
    record("x509:" + out.x509_serial, kFormatX509Svid, leaf.der, leaf.not_before, leaf.not_after);
  }
  if (Contains(formats, kFormatWit)) {
    const absl::Duration ttl =
        std::min(workload.wit_ttl, config_.policy.formats.at(std::string(kFormatWit)).max_ttl);
    WitParams wit{.issuer = "spiffe://" + config_.trust_domain,
                  .subject = out.spiffe_id,
                  .jti = crypto::UuidV7(now),  // time-ordered: the ledger appends
                  .issued_at = now,
                  .expires_at = now + ttl,
                  .confirmation_key = *workload.bound_key,
                  .extra_claims = Json::object()};
    if (!workload.claims.empty()) wit.extra_claims["twi_claims"] = workload.claims;
    TWI_ASSIGN_OR_RETURN(Json claims, WitClaims(wit));
    if (recorder != nullptr) {
      provenance::CredentialRecord record = shared;
      record.format = std::string(kFormatWit);
      record.credential_id = "wit:" + wit.jti;
      record.jwt_issuer = wit.issuer;
      record.jti = wit.jti;
      record.not_before = now;
      record.not_after = wit.expires_at;
      record.subject_digest = provenance::WitPreClaimsDigest(claims);
      TWI_ASSIGN_OR_RETURN(const RecordedProvenance recorded, recorder->Record(record));
      claims[provenance::kWitProvenanceClaim] = {{"alg", "sha-256"},
                                                 {"digest", Base64UrlEncode(recorded.digest)},
                                                 {"log", recorded.log_origin},
                                                 {"index", recorded.log_index}};
    }
    TWI_ASSIGN_OR_RETURN(out.wit, SignWitClaims(std::move(claims), *config_.wit_signer, wit_kid_));
    out.wit_jti = wit.jti;
    out.wit_expires_at = wit.expires_at;
    record("wit:" + wit.jti, kFormatWit, AsBytes(out.wit), now, wit.expires_at);
  }

  // 5. Durable record first; only then does anything leave the CA.
  if (absl::Status s = ledger_->Append(records); !s.ok()) {
    LogError("ca",
             absl::StrFormat("ledger append failed, nothing issued: %s", std::string(s.message())));
    return Error(Reason::kStorageError, "issuance ledger unavailable; retry later");
  }
  if (LogEnabled(LogLevel::kInfo)) {
    LogInfo("ca", absl::StrFormat("issued %s to %s (workload %s, release %s, mechanism %s, ear %s)",
                                  absl::StrJoin(formats, ","), out.spiffe_id, workload.workload,
                                  workload.release, records.front().mechanism, out.ear_digest));
  }
  return out;
}

provenance::CredentialRecord CredentialAuthority::RecordTemplate(
    const ear::WorkloadResult& workload, const std::string& mechanism, const Basis& basis,
    absl::Time now, std::vector<provenance::DocumentReference> documents) {
  provenance::CredentialRecord record;
  record.issuer = "spiffe://" + config_.trust_domain;
  record.issuance_policy = config_.policy.id;
  record.mechanism = mechanism;
  record.provisioned_by = basis.provisioned_by;
  record.issued_at = now;
  record.subject_id = workload.identifier;
  record.key_thumbprint = workload.bound_key_thumbprint;
  record.workload = workload.workload;
  record.release = workload.release;
  record.workload_documents = std::move(documents);
  // A fresh salt per record: the same identity issued twice yields two unlinkable digests.
  record.salt = crypto::RandomBytes(32);
  if (basis.ear != nullptr) {
    const ear::Ear& ear = *basis.ear;
    for (const auto& [tee, submod] : ear.submods) {
      provenance::AppraisalRecord appraisal;
      appraisal.tee = tee;
      appraisal.verifier = ear.verifier_id.developer + "/" + ear.verifier_id.build;
      appraisal.verifier_key = basis.verifier_key;
      appraisal.policy_ids = submod.policy_ids;
      if (auto it = submod.verifier_claims.find("evidence_digest");
          it != submod.verifier_claims.end() && it->is_string()) {
        appraisal.evidence_digests.push_back(it->get<std::string>());
      }
      appraisal.result_digest = basis.ledger_entry;
      appraisal.status = std::string(policy::TierName(submod.status));
      appraisal.time_verified = ear.issued_at;
      record.appraisals.push_back(std::move(appraisal));
    }
  }
  return record;
}

}  // namespace twi::issuer
