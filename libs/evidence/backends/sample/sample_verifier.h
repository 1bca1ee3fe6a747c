// Verifier backend for the insecure `sample` TEE (see sample_report.h). insecure() is true, so
// EvidenceRegistry only accepts it when the deployment sets allow_insecure_sample_tee.
#pragma once

#include <memory>
#include <vector>

#include "libs/crypto/keys.h"
#include "libs/evidence/evidence.h"

namespace twi::evidence::sample {

class SampleVerifier final : public EvidenceVerifier {
 public:
  // `platform_keys`: the trusted sample-platform public keys (P-256). kKeyInvalid otherwise.
  static absl::StatusOr<std::unique_ptr<SampleVerifier>> Create(
      std::vector<crypto::PublicKey> platform_keys);

  std::string_view tee() const override;
  std::string_view media_type() const override;
  bool insecure() const override { return true; }
  // Reasons: kEvidenceMalformed (parse), kEvidenceSignatureInvalid (unknown platform or bad
  // signature).
  absl::StatusOr<Claims> Verify(ByteView evidence, absl::Time now) const override;

 private:
  struct TrustedPlatform {
    Bytes id;
    crypto::PublicKey key;
  };
  explicit SampleVerifier(std::vector<TrustedPlatform> platforms)
      : platforms_(std::move(platforms)) {}
  std::vector<TrustedPlatform> platforms_;
};

// platform_id of a key: SHA-256 of its SubjectPublicKeyInfo DER.
Bytes PlatformId(const crypto::PublicKey& key);

}  // namespace twi::evidence::sample
