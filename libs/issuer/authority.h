// The Credential Authority role: issues X509-SVIDs and WITs, and only from an EAR its own
// issuance policy accepts (trusted verifier key, fresh, good enough tier), for the very key the
// evidence bound (CSR proof of possession + thumbprint match). Every issuance is appended to
// the ledger before anything is returned: no ledger entry, no credential.
//
// Not here: HTTP (services/ca_service), key custody (Signers come from outside).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "libs/core/clock.h"
#include "libs/crypto/signature.h"
#include "libs/ear/ear.h"
#include "libs/issuer/bundle.h"
#include "libs/issuer/credential_api.h"
#include "libs/issuer/encoded_bundle.h"
#include "libs/issuer/provenance_recorder.h"
#include "libs/jose/jwk.h"
#include "libs/policy/issuance_policy.h"
#include "libs/policy/workload_policy.h"
#include "libs/storage/issuance_ledger.h"
#include "libs/x509/certificate.h"

namespace twi::issuer {

struct AuthorityConfig {
  std::string trust_domain;
  // The issuing CA certificate and the intermediates above it (not the root); SVID chains are
  // leaf + these.
  std::vector<x509::Certificate> issuing_chain;
  std::unique_ptr<crypto::Signer> x509_signer;  // key of issuing_chain[0]
  std::unique_ptr<crypto::Signer> wit_signer;
  TrustBundle bundle;  // roots + WIT keys, published as-is
  policy::IssuancePolicy policy;
  // Keys whose RFC 7638 thumbprints the issuance policy lists; others are ignored.
  jose::Jwks verifier_keys;
  absl::Duration backdate = absl::Seconds(10);
  // Credential Provenance for every credential (not owned). Null: none, and credentials carry
  // no provenance pointer (for tests and the benchmark's baseline).
  ProvenanceRecorder* provenance = nullptr;
};

class CredentialAuthority final : public CredentialIssuer {
 public:
  // kConfigInvalid if the configuration is inconsistent (no issuing chain, signer not matching
  // the issuing certificate, no trusted verifier key found for the policy's thumbprints).
  static absl::StatusOr<std::unique_ptr<CredentialAuthority>> Create(
      AuthorityConfig config, storage::IssuanceLedger* ledger, const Clock* clock);

  // Thread-safe. Reasons: kCsrInvalid, kCsrSignatureInvalid, kEarUntrustedKey, kEarExpired,
  // kEarTooOld, kEarInvalid, kTierInsufficient, kKeyMismatch, kIdentityNotAllowed,
  // kFormatNotAllowed, kStorageError (retryable; nothing was issued).
  absl::StatusOr<IssuedCredentials> Issue(const CredentialRequest& request) override;

  // Mechanism D provisioning: credentials for the registered `workload`, for the key of
  // `csr_pem` (a Key Store credential key that leaves the store only after attestation), on
  // the authority of Workload Owner `owner` (recorded in the ledger instead of an EAR digest).
  // Reasons: kCsrInvalid, kCsrSignatureInvalid, kIdentityNotAllowed, kFormatNotAllowed,
  // kStorageError.
  absl::StatusOr<IssuedCredentials> IssueProvisioned(std::string_view csr_pem,
                                                     const policy::WorkloadPolicy& workload,
                                                     std::string_view owner);

  const TrustBundle& bundle() const { return config_.bundle; }
  // The Verifier keys the issuance policy trusts (what key release trusts too).
  const jose::Jwks& trusted_verifiers() const { return trusted_; }
  const std::string& policy_id() const { return config_.policy.id; }

 private:
  CredentialAuthority(AuthorityConfig config, jose::Jwks trusted, storage::IssuanceLedger* ledger,
                      const Clock* clock, std::string wit_kid)
      : config_(std::move(config)),
        trusted_(std::move(trusted)),
        ledger_(ledger),
        clock_(clock),
        wit_kid_(std::move(wit_kid)),
        issuing_chain_pem_(x509::ChainToPem(config_.issuing_chain)),
        bundle_(EncodedBundle::Create(config_.bundle.ToPem(), config_.bundle.ToSpiffeJwks())) {}

  // What an issuance rests on: an EAR (its digest, claims and signing key), or the owner who
  // provisioned (mechanism D).
  struct Basis {
    std::string ledger_entry;  // the EAR digest, or "owner:<name>"
    const ear::Ear* ear = nullptr;
    std::string verifier_key;  // thumbprint of the key that signed the EAR
    std::string provisioned_by;
  };

  // Steps after authorisation: identity, entitlement, provenance, signing, the ledger.
  absl::StatusOr<IssuedCredentials> Mint(const ear::WorkloadResult& workload,
                                         const crypto::PublicKey& key,
                                         const std::vector<std::string>& requested_formats,
                                         std::string mechanism, const Basis& basis);
  // The record of one credential, with what every record of this issuance shares filled in.
  provenance::CredentialRecord RecordTemplate(const ear::WorkloadResult& workload,
                                              const std::string& mechanism, const Basis& basis,
                                              absl::Time now,
                                              std::vector<provenance::DocumentReference> documents);

  AuthorityConfig config_;
  jose::Jwks trusted_;
  storage::IssuanceLedger* ledger_;
  const Clock* clock_;
  std::string wit_kid_;
  // Encoded once for all issuances: the chain follows every leaf, the bundle goes with every
  // credential.
  const std::string issuing_chain_pem_;
  const std::shared_ptr<const EncodedBundle> bundle_;
};

}  // namespace twi::issuer
