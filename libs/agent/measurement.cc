#include "libs/agent/measurement.h"

#include <fstream>

#include "absl/strings/match.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"

namespace twi::agent {

absl::StatusOr<Bytes> Sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Reason::kIoError, "cannot open " + path);
  crypto::Hasher hasher(crypto::DigestAlgorithm::kSha256);
  std::string buffer(1 << 16, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hasher.Update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return Error(Reason::kIoError, "cannot read " + path);
  return hasher.Finish();
}

absl::StatusOr<Bytes> MeasureSelf() { return Sha256OfFile("/proc/self/exe"); }

absl::StatusOr<Bytes> DigestFromSpec(const std::string& digest_or_path) {
  if (!absl::StartsWith(digest_or_path, "sha256:")) return Sha256OfFile(digest_or_path);
  auto raw = HexDecode(std::string_view(digest_or_path).substr(7));
  if (!raw.ok() || raw->size() != 32) {
    return Error(Reason::kInvalidArgument, "a digest must be sha256:<64 hex digits>");
  }
  return *raw;
}

}  // namespace twi::agent
