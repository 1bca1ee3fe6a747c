// The insecure `sample` TEE report: a fixed binary layout modelled on hardware reports
// (SEV-SNP / TDX style: little-endian integers, a 64-byte report-data field, signature over
// every preceding byte) so the evidence pipeline is exercised exactly as for real TEEs.
//
// INSECURE: the "platform" key is an ordinary file-held key per deployment. Anyone who can read
// it can forge reports. For development and CI only; production configurations refuse it.
//
// Layout v1 (240 bytes):
//   off  size  field
//     0     8  magic "TWISMPL\0"
//     8     2  version (1)
//    10     2  flags: bit 0 = debug enabled; other bits must be zero
//    12     4  svn
//    16    32  platform_id = SHA-256(SubjectPublicKeyInfo DER of the platform key)
//    48    64  report_data
//   112    32  image_digest (SHA-256 of the workload image)
//   144    32  agent_digest (SHA-256 of the measured agent binary)
//   176    64  signature: ECDSA P-256 / SHA-256, r||s, over bytes [0, 176)
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

namespace twi::evidence::sample {

inline constexpr std::string_view kTee = "sample";
inline constexpr std::string_view kMediaType = "application/vnd.twi.sample-report";
inline constexpr std::array<uint8_t, 8> kMagic = {'T', 'W', 'I', 'S', 'M', 'P', 'L', 0};
inline constexpr uint16_t kVersion = 1;
inline constexpr uint16_t kFlagDebug = 0x0001;

inline constexpr size_t kOffsetMagic = 0;
inline constexpr size_t kOffsetVersion = 8;
inline constexpr size_t kOffsetFlags = 10;
inline constexpr size_t kOffsetSvn = 12;
inline constexpr size_t kOffsetPlatformId = 16;
inline constexpr size_t kOffsetReportData = 48;
inline constexpr size_t kOffsetImageDigest = 112;
inline constexpr size_t kOffsetAgentDigest = 144;
inline constexpr size_t kOffsetSignature = 176;
inline constexpr size_t kReportDataSize = 64;
inline constexpr size_t kDigestSize = 32;
inline constexpr size_t kSignatureSize = 64;
inline constexpr size_t kSignedSize = kOffsetSignature;
inline constexpr size_t kReportSize = kOffsetSignature + kSignatureSize;

static_assert(kOffsetPlatformId + kDigestSize == kOffsetReportData);
static_assert(kOffsetReportData + kReportDataSize == kOffsetImageDigest);
static_assert(kOffsetImageDigest + kDigestSize == kOffsetAgentDigest);
static_assert(kOffsetAgentDigest + kDigestSize == kOffsetSignature);
static_assert(kReportSize == 240);

struct SampleReport {
  uint16_t version = kVersion;
  bool debug = false;
  uint32_t svn = 0;
  Bytes platform_id;   // 32
  Bytes report_data;   // 64
  Bytes image_digest;  // 32
  Bytes agent_digest;  // 32
  Bytes signature;     // 64 (empty before signing)
};

// Stage 1 (parse): exact size, magic, version, reserved flag bits. No cryptography.
// Reason kEvidenceMalformed.
absl::StatusOr<SampleReport> ParseSampleReport(ByteView bytes);

// The bytes the signature covers ([0, 176)). Field sizes must be exact (kInvalidArgument).
absl::StatusOr<Bytes> EncodeSignedPart(const SampleReport& report);

}  // namespace twi::evidence::sample
