// The Verifier role: one-time nonces, evidence verification through the backend registry,
// the binding check (report data = nonce + bound key + TLS exporter), appraisal against the
// owner's reference values with the stable identity mapping, and an EAR signed by the
// Verifier's key. For mechanism A it then asks the Credential Authority on the workload's
// behalf and returns the credentials inside the attestation response.
//
// Not here: HTTP (services/verifier_service) and key custody (the EAR Signer comes from outside).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/core/clock.h"
#include "libs/crypto/signature.h"
#include "libs/ear/ear.h"
#include "libs/evidence/evidence.h"
#include "libs/issuer/credential_api.h"
#include "libs/policy/policy_holder.h"
#include "libs/storage/nonce_store.h"
#include "libs/verifier/attestation_api.h"
#include "libs/verifier/challenge.h"

namespace twi::verifier {

struct VerifierConfig {
  absl::Duration nonce_ttl = absl::Minutes(2);
  // Every `purge_every` answered challenges, spent nonces that expired more than `purge_after`
  // ago are forgotten, so the store stays the size of the live window. A late answer is told
  // NONCE_EXPIRED either way; the margin covers clocks of replicas that lag behind. 0 disables
  // purging.
  int purge_every = 1024;
  absl::Duration purge_after = absl::Minutes(10);
  ear::VerifierId verifier_id = {"twi", "twi-verifier"};
};

class Verifier {
 public:
  // `challenges` mints and recognises the nonces (its key is the Verifier's challenge key).
  // Non-owning pointers must outlive the Verifier. `issuer` may be null: mechanism A is then
  // refused with kFormatNotAllowed.
  Verifier(VerifierConfig config, ChallengeCodec challenges, storage::NonceStore* nonces,
           const evidence::EvidenceRegistry* registry, const policy::PolicyHolder* policies,
           const crypto::Signer* ear_signer, issuer::CredentialIssuer* issuer, const Clock* clock);

  // A fresh single-use nonce. Nothing is stored until it is answered (challenge.h). Never fails
  // today; the Status leaves room for a Key Store that holds the challenge key.
  absl::StatusOr<Challenge> NewChallenge();

  // Appraises `request` that arrived on a TLS connection whose RFC 9266 exporter is
  // `tls_exporter`. The nonce is spent first, so it is spent even if the evidence fails.
  // Thread-safe. Reasons: kRequestInvalid, kKeyInvalid, kNonce{Unknown,Expired,Reused},
  // kStorageError,
  // kTeeNotAllowed, kEvidenceMalformed, kEvidenceSignatureInvalid, kBindingMismatch,
  // kUnknownMeasurement, kUnknownAgent, kDebugForbidden, kSvnTooLow, and for mechanism A every
  // reason of CredentialIssuer::Issue.
  absl::StatusOr<AttestationResponse> Attest(const AttestationRequest& request,
                                             ByteView tls_exporter);

  // The JWKS relying parties and the CA use to verify this Verifier's EARs.
  const jose::Jwks& keys() const { return keys_; }

 private:
  // Checks that this Verifier minted `nonce` and records it as spent (now and then purging old
  // records; a failed purge is logged, never returned).
  absl::Status SpendNonce(ByteView nonce, absl::Time now);

  VerifierConfig config_;
  ChallengeCodec challenges_;
  storage::NonceStore* nonces_;
  const evidence::EvidenceRegistry* registry_;
  const policy::PolicyHolder* policies_;
  const crypto::Signer* ear_signer_;
  issuer::CredentialIssuer* issuer_;
  const Clock* clock_;
  std::string kid_;
  jose::Jwks keys_;
  std::atomic<int64_t> spends_{0};
};

}  // namespace twi::verifier
