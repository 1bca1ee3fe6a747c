// The deployment's symmetric secrets: keys/<name>.secret (0600), 32 random bytes as one line of
// base64url: the Verifier's challenge key (libs/verifier/challenge.h), which replicas of one
// Verifier share. The Key Store's PIN files have the same form but are used as text.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/secret.h"
#include "libs/deployment/layout.h"

namespace twi::deployment {

inline constexpr size_t kSecretSize = 32;

// Creates keys/<name>.secret with fresh random bytes. kIoError.
absl::Status NewSecret(const Layout& layout, std::string_view name);
// The same at any path.
absl::Status NewSecretFile(const std::string& path);

// Reads keys/<name>.secret. kConfigInvalid (naming the file, never its contents) if it is
// missing, unreadable, not base64url or shorter than kSecretSize.
absl::StatusOr<SecretBytes> LoadSecret(const Layout& layout, std::string_view name);

// The first line of a secret text file (a PIN), without its line end. kConfigInvalid (naming
// the file, never its contents) if it is missing, empty, longer than 255 bytes or holds control
// characters.
absl::StatusOr<SecretBytes> LoadSecretLine(const std::string& path);

}  // namespace twi::deployment
