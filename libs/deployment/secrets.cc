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
  SecretBytes secret(kSecretSize);
  crypto::FillRandom(secret.data(), secret.size());
  // Every buffer that held the encoded secret is wiped: the encoding, and the file's text.
  std::string encoded = Base64UrlEncode(secret.view());
  SecretBytes text(encoded.size() + 1);
  std::copy(encoded.begin(), encoded.end(), text.data());
  text.data()[encoded.size()] = '\n';
  SecureWipe(encoded.data(), encoded.size());
  return WriteFileAtomic(layout.secret(name), text.as_string(), 0600);
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

}  // namespace twi::deployment
