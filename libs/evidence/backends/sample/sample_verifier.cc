#include "libs/evidence/backends/sample/sample_verifier.h"

#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/signature.h"
#include "libs/evidence/backends/sample/sample_report.h"

namespace twi::evidence::sample {

Bytes PlatformId(const crypto::PublicKey& key) { return crypto::Sha256(key.ToSpkiDer()); }

absl::StatusOr<std::unique_ptr<SampleVerifier>> SampleVerifier::Create(
    std::vector<crypto::PublicKey> platform_keys) {
  std::vector<TrustedPlatform> platforms;
  for (auto& key : platform_keys) {
    if (key.type() != crypto::KeyType::kEcP256) {
      return Error(Reason::kKeyInvalid, "sample platform keys must be EC P-256");
    }
    platforms.push_back({PlatformId(key), std::move(key)});
  }
  return std::unique_ptr<SampleVerifier>(new SampleVerifier(std::move(platforms)));
}

std::string_view SampleVerifier::tee() const { return kTee; }
std::string_view SampleVerifier::media_type() const { return kMediaType; }

absl::StatusOr<Claims> SampleVerifier::Verify(ByteView evidence, absl::Time /*now*/) const {
  // Stage 1: parse.
  TWI_ASSIGN_OR_RETURN(SampleReport report, ParseSampleReport(evidence));
  // Stage 2: verify. The platform must be one we trust, and it must have signed every byte
  // before the signature field.
  const TrustedPlatform* platform = nullptr;
  for (const auto& p : platforms_) {
    if (ConstantTimeEquals(p.id, report.platform_id)) platform = &p;
  }
  if (platform == nullptr) {
    return Error(Reason::kEvidenceSignatureInvalid, "sample report from an untrusted platform");
  }
  const ByteView signed_part = evidence.subspan(0, kSignedSize);
  if (!crypto::VerifySignature(platform->key, crypto::SignatureAlgorithm::kEcdsaP256Sha256,
                               signed_part, report.signature)
           .ok()) {
    return Error(Reason::kEvidenceSignatureInvalid, "sample report signature does not verify");
  }
  // Normalized claims for appraisal.
  Claims claims;
  claims.tee = std::string(kTee);
  claims.report_data = report.report_data;
  claims.measurements["image"] = report.image_digest;
  claims.measurements["agent"] = report.agent_digest;
  claims.svn = report.svn;
  claims.debug = report.debug;
  claims.attester_claims = {
      {"tee", kTee},
      {"insecure", true},
      {"version", report.version},
      {"debug", report.debug},
      {"svn", report.svn},
      {"platform_id", HexEncode(report.platform_id)},
      {"report_data", HexEncode(report.report_data)},
      {"image_digest", "sha256:" + HexEncode(report.image_digest)},
      {"agent_digest", "sha256:" + HexEncode(report.agent_digest)},
  };
  return claims;
}

}  // namespace twi::evidence::sample
