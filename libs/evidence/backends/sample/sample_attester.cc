#include "libs/evidence/backends/sample/sample_attester.h"

#include "libs/core/status.h"
#include "libs/evidence/backends/sample/sample_report.h"
#include "libs/evidence/backends/sample/sample_verifier.h"

namespace twi::evidence::sample {

absl::StatusOr<std::unique_ptr<SampleAttester>> SampleAttester::Create(
    std::unique_ptr<crypto::Signer> platform_signer, SampleMeasurements measurements) {
  if (platform_signer->algorithm() != crypto::SignatureAlgorithm::kEcdsaP256Sha256) {
    return Error(Reason::kInvalidArgument, "sample platform key must be EC P-256 (ES256)");
  }
  if (measurements.image_digest.size() != kDigestSize ||
      measurements.agent_digest.size() != kDigestSize) {
    return Error(Reason::kInvalidArgument, "sample measurements must be SHA-256 digests");
  }
  return std::unique_ptr<SampleAttester>(
      new SampleAttester(std::move(platform_signer), std::move(measurements)));
}

std::string_view SampleAttester::tee() const { return kTee; }
std::string_view SampleAttester::media_type() const { return kMediaType; }
size_t SampleAttester::report_data_size() const { return kReportDataSize; }

absl::StatusOr<Bytes> SampleAttester::Attest(ByteView report_data) {
  if (report_data.size() != kReportDataSize) {
    return Error(Reason::kInvalidArgument, "sample report data must be 64 bytes");
  }
  SampleReport report;
  report.debug = measurements_.debug;
  report.svn = measurements_.svn;
  report.platform_id = PlatformId(signer_->public_key());
  report.report_data = Bytes(report_data.begin(), report_data.end());
  report.image_digest = measurements_.image_digest;
  report.agent_digest = measurements_.agent_digest;
  TWI_ASSIGN_OR_RETURN(Bytes out, EncodeSignedPart(report));
  TWI_ASSIGN_OR_RETURN(Bytes signature, signer_->Sign(out));
  out.insert(out.end(), signature.begin(), signature.end());
  return out;
}

}  // namespace twi::evidence::sample
