// AK enrollment (issue 5 item 2): the Verifier establishes a TPM's Attestation Key through its
// Endorsement Key, the way Keylime and cloud attestation services do, then caches the result as
// an AK certificate issued by the deployment (libs/evidence/backends/tpm/ak_certificate.h), so
// every later attestation costs one chain check and one quote verification.
//
//  1. Challenge: the agent sends its AK's TPMT_PUBLIC and its EK certificate (with any
//     intermediates). The EK certificate must chain to a configured manufacturer root and the
//     AK must be a restricted signing key. The Verifier makes a credential (TPM2_MakeCredential,
//     in software) for the EK and the AK's Name, holding a secret.
//  2. Activate: only the TPM with that EK, holding an AK of that Name, recovers the secret
//     (TPM2_ActivateCredential). The agent returns it; the Verifier issues the AK certificate.
//
// Stateless: the secret is a MAC, under a Verifier key, of the AK Name, the EK certificate's
// digest and the challenge's expiry, so activation needs no stored state and a challenge cannot
// be used past its expiry or for another AK or EK. Thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/core/clock.h"
#include "libs/core/json.h"
#include "libs/core/secret.h"
#include "libs/crypto/mac.h"
#include "libs/crypto/signature.h"
#include "libs/x509/certificate.h"

namespace twi::verifier {

struct TpmEnrollmentConfig {
  std::vector<x509::Certificate> ek_roots = {};
  // Manufacturer intermediates the Verifier knows, beside those the agent sends.
  std::vector<x509::Certificate> ek_intermediates = {};
  absl::Duration challenge_ttl = absl::Minutes(2);
  absl::Duration ak_certificate_ttl = absl::Hours(24 * 30);
};

struct TpmEnrollmentRequest {
  Bytes ak_public;                     // TPMT_PUBLIC
  std::vector<Bytes> ek_certificates;  // DER, EK certificate first
};

struct TpmEnrollmentChallenge {
  Bytes credential_blob;
  Bytes encrypted_secret;
  absl::Time expires_at;
};

struct TpmActivation {
  TpmEnrollmentRequest request;
  absl::Time expires_at;
  Bytes secret;
};

class TpmEnrollment {
 public:
  // `ak_ca` and `ak_ca_signer` (not owned) issue AK certificates; `key` (>= 32 bytes) MACs the
  // challenges. kConfigInvalid without EK roots.
  static absl::StatusOr<std::unique_ptr<TpmEnrollment>> Create(TpmEnrollmentConfig config,
                                                               x509::Certificate ak_ca,
                                                               const crypto::Signer* ak_ca_signer,
                                                               const SecretBytes& key,
                                                               const Clock* clock);

  // Reasons: kEvidenceMalformed (AK or certificates do not parse), kTpmAkInvalid (not a
  // restricted signing key), kTpmEkUntrusted (no chain to an EK root, or not an RSA-2048 EK).
  absl::StatusOr<TpmEnrollmentChallenge> Challenge(const TpmEnrollmentRequest& request) const;
  // The AK certificate, then the AK CA's. Reasons: those of Challenge, kNonceExpired past the
  // challenge's expiry, kTpmEkUntrusted for a secret that is not the challenge's.
  absl::StatusOr<std::vector<Bytes>> Activate(const TpmActivation& activation) const;

  const x509::Certificate& ak_ca() const { return ak_ca_; }

 private:
  TpmEnrollment(TpmEnrollmentConfig config, x509::Certificate ak_ca,
                const crypto::Signer* ak_ca_signer, crypto::HmacSha256 mac, const Clock* clock)
      : config_(std::move(config)),
        ak_ca_(std::move(ak_ca)),
        ak_ca_signer_(ak_ca_signer),
        mac_(std::move(mac)),
        clock_(clock) {}
  struct Checked;
  absl::StatusOr<Checked> Check(const TpmEnrollmentRequest& request) const;
  Bytes Secret(const Checked& checked, absl::Time expires_at) const;

  TpmEnrollmentConfig config_;
  x509::Certificate ak_ca_;
  const crypto::Signer* ak_ca_signer_;
  crypto::HmacSha256 mac_;
  const Clock* clock_;
};

// JSON forms for the HTTP API (docs/tpm.md): base64url bytes, times in seconds since the epoch.
Json ToJson(const TpmEnrollmentRequest& request);
absl::StatusOr<TpmEnrollmentRequest> TpmEnrollmentRequestFromJson(const Json& json);
Json ToJson(const TpmEnrollmentChallenge& challenge);
absl::StatusOr<TpmEnrollmentChallenge> TpmEnrollmentChallengeFromJson(const Json& json);
Json ToJson(const TpmActivation& activation);
absl::StatusOr<TpmActivation> TpmActivationFromJson(const Json& json);
// The activation's answer: {"ak_certificates": [b64url(DER), ...]}, AK certificate first.
Json AkCertificatesToJson(const std::vector<Bytes>& chain);
absl::StatusOr<std::vector<Bytes>> AkCertificatesFromJson(const Json& json);

}  // namespace twi::verifier
