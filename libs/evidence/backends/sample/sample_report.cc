#include "libs/evidence/backends/sample/sample_report.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::evidence::sample {
namespace {

uint16_t ReadU16(ByteView b, size_t off) { return static_cast<uint16_t>(b[off] | b[off + 1] << 8); }

uint32_t ReadU32(ByteView b, size_t off) {
  return static_cast<uint32_t>(b[off]) | static_cast<uint32_t>(b[off + 1]) << 8 |
         static_cast<uint32_t>(b[off + 2]) << 16 | static_cast<uint32_t>(b[off + 3]) << 24;
}

Bytes Slice(ByteView b, size_t off, size_t len) {
  return Bytes(b.begin() + off, b.begin() + off + len);
}

void PutU16(Bytes& out, size_t off, uint16_t v) {
  out[off] = static_cast<uint8_t>(v);
  out[off + 1] = static_cast<uint8_t>(v >> 8);
}

void PutU32(Bytes& out, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

absl::StatusOr<SampleReport> ParseSampleReport(ByteView bytes) {
  if (bytes.size() != kReportSize) {
    return Error(
        Reason::kEvidenceMalformed,
        absl::StrFormat("sample report must be %d bytes, got %d", kReportSize, bytes.size()));
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin() + kOffsetMagic)) {
    return Error(Reason::kEvidenceMalformed, "sample report magic mismatch");
  }
  SampleReport report;
  report.version = ReadU16(bytes, kOffsetVersion);
  if (report.version != kVersion) {
    return Error(Reason::kEvidenceMalformed,
                 absl::StrFormat("unsupported sample report version %d", report.version));
  }
  const uint16_t flags = ReadU16(bytes, kOffsetFlags);
  if ((flags & ~kFlagDebug) != 0) {
    return Error(Reason::kEvidenceMalformed, "reserved flag bits set in sample report");
  }
  report.debug = (flags & kFlagDebug) != 0;
  report.svn = ReadU32(bytes, kOffsetSvn);
  report.platform_id = Slice(bytes, kOffsetPlatformId, kDigestSize);
  report.report_data = Slice(bytes, kOffsetReportData, kReportDataSize);
  report.image_digest = Slice(bytes, kOffsetImageDigest, kDigestSize);
  report.agent_digest = Slice(bytes, kOffsetAgentDigest, kDigestSize);
  report.signature = Slice(bytes, kOffsetSignature, kSignatureSize);
  return report;
}

absl::StatusOr<Bytes> EncodeSignedPart(const SampleReport& report) {
  if (report.platform_id.size() != kDigestSize || report.report_data.size() != kReportDataSize ||
      report.image_digest.size() != kDigestSize || report.agent_digest.size() != kDigestSize) {
    return Error(Reason::kInvalidArgument, "sample report field has the wrong size");
  }
  Bytes out(kSignedSize, 0);
  std::copy(kMagic.begin(), kMagic.end(), out.begin() + kOffsetMagic);
  PutU16(out, kOffsetVersion, report.version);
  PutU16(out, kOffsetFlags, report.debug ? kFlagDebug : 0);
  PutU32(out, kOffsetSvn, report.svn);
  std::copy(report.platform_id.begin(), report.platform_id.end(), out.begin() + kOffsetPlatformId);
  std::copy(report.report_data.begin(), report.report_data.end(), out.begin() + kOffsetReportData);
  std::copy(report.image_digest.begin(), report.image_digest.end(),
            out.begin() + kOffsetImageDigest);
  std::copy(report.agent_digest.begin(), report.agent_digest.end(),
            out.begin() + kOffsetAgentDigest);
  return out;
}

}  // namespace twi::evidence::sample
