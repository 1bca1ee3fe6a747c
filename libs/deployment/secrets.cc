#include "libs/deployment/secrets.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "libs/core/bytes.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/random.h"

namespace twi::deployment {

absl::Status NewSecret(const Layout& layout, std::string_view name) {
  return NewSecretFile(layout.secret(name));
}

absl::Status NewSecretFile(const std::string& path) {
  SecretBytes secret(kSecretSize);
  crypto::FillRandom(secret.data(), secret.size());
  // Every buffer that held the encoded secret is wiped: the encoding, and the file's text.
  std::string encoded = Base64UrlEncode(secret.view());
  SecretBytes text(encoded.size() + 1);
  std::copy(encoded.begin(), encoded.end(), text.data());
  text.data()[encoded.size()] = '\n';
  SecureWipe(encoded.data(), encoded.size());
  return WriteFileAtomic(path, text.as_string(), 0600);
}

absl::StatusOr<SecretBytes> LoadSecret(const Layout& layout, std::string_view name) {
  const std::string path = layout.secret(name);
  auto text = ReadFile(path, 1024);
  if (!text.ok()) {
    return Error(Reason::kConfigInvalid,
                 absl::StrFormat("%s: %s (deployments made before twi MAC-protected its "
                                 "challenges lack it: 32 random bytes, base64url, mode 0600)",
                                 path, text.status().message()));
  }
  SecretBytes held = SecretBytes::Adopt(ToBytes(*text));
  SecureWipe(text->data(), text->size());
  std::string_view encoded = held.as_string();
  while (!encoded.empty() && absl::ascii_isspace(static_cast<unsigned char>(encoded.back()))) {
    encoded.remove_suffix(1);
  }
  auto decoded = Base64UrlDecode(encoded);
  if (!decoded.ok() || decoded->size() < kSecretSize) {
    if (decoded.ok()) SecureWipe(decoded->data(), decoded->size());
    return Error(Reason::kConfigInvalid,
                 absl::StrFormat("%s: not %d or more base64url-encoded bytes", path, kSecretSize));
  }
  return SecretBytes::Adopt(*std::move(decoded));
}

absl::StatusOr<SecretBytes> LoadSecretLine(const std::string& path) {
  constexpr size_t kMaxLine = 255;  // the longest PIN PKCS#11 tokens commonly accept
  auto text = ReadFile(path, 1024);
  if (!text.ok()) {
    return Error(Reason::kConfigInvalid, absl::StrFormat("%s: %s", path, text.status().message()));
  }
  SecretBytes held = SecretBytes::Adopt(ToBytes(*text));
  SecureWipe(text->data(), text->size());
  std::string_view line = held.as_string();
  if (const size_t end = line.find('\n'); end != std::string_view::npos) line = line.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const bool printable = std::all_of(line.begin(), line.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  });
  if (line.empty() || line.size() > kMaxLine || !printable) {
    return Error(
        Reason::kConfigInvalid,
        absl::StrFormat("%s: must hold one line of 1 to %d printable characters", path, kMaxLine));
  }
  return SecretBytes(AsBytes(line));
}

}  // namespace twi::deployment
