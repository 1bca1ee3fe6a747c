#include "libs/evidence/binding.h"

#include "libs/core/status.h"
#include "libs/crypto/digest.h"

namespace twi::evidence {
namespace {

constexpr std::string_view kLabel{"twi-evidence-binding\0", 21};
constexpr uint8_t kVersion = 1;

void AppendField(crypto::Hasher& hasher, ByteView field) {
  // Lengths are bounded by the callers' input limits; u16 keeps the encoding unambiguous.
  const uint8_t len[2] = {static_cast<uint8_t>(field.size() >> 8),
                          static_cast<uint8_t>(field.size() & 0xff)};
  hasher.Update(ByteView(len, 2));
  hasher.Update(field);
}

}  // namespace

Bytes ComputeBinding(const BindingInput& input) {
  crypto::Hasher hasher(crypto::DigestAlgorithm::kSha256);
  hasher.Update(kLabel);
  const uint8_t header[2] = {kVersion, static_cast<uint8_t>(input.purpose)};
  hasher.Update(ByteView(header, 2));
  AppendField(hasher, input.nonce);
  AppendField(hasher, AsBytes(input.key_thumbprint));
  AppendField(hasher, input.tls_exporter);
  return hasher.Finish();
}

Bytes ReportDataFor(ByteView binding, size_t field_size) {
  Bytes out(field_size, 0);
  std::copy(binding.begin(), binding.begin() + std::min(binding.size(), field_size), out.begin());
  return out;
}

absl::Status CheckReportData(ByteView report_data, ByteView binding) {
  if (report_data.size() < binding.size() ||
      !ConstantTimeEquals(report_data, ReportDataFor(binding, report_data.size()))) {
    return Error(Reason::kBindingMismatch,
                 "evidence report data does not bind this nonce, key and TLS connection");
  }
  return absl::OkStatus();
}

}  // namespace twi::evidence
