// ChallengeCodec: the Verifier's nonces, which it recognises without having stored them.
//
// A nonce carries its own expiry and a MAC under the Verifier's challenge key:
//
//   version (1 byte, 0x01) || expires_at (8 bytes, big-endian Unix microseconds)
//     || random (16 bytes) || HMAC-SHA-256(key, label || the 25 bytes before)  -> 57 bytes
//
// Issuing a challenge therefore writes nothing: an unauthenticated client asking for nonces
// costs the Verifier no storage. What must be stored is that a nonce has been answered, until
// it expires (storage::NonceStore), which is what makes it single-use. Verifier replicas that
// share a nonce store share the key.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/core/secret.h"
#include "libs/crypto/mac.h"

namespace twi::verifier {

inline constexpr size_t kChallengeNonceSize = 57;

class ChallengeCodec {
 public:
  // `key`: at least crypto::kMinHmacKeySize bytes (kInvalidArgument otherwise).
  static absl::StatusOr<ChallengeCodec> Create(const SecretBytes& key);

  // A fresh nonce valid until `expires_at` (exclusive). Thread-safe.
  Bytes Mint(absl::Time expires_at) const;

  // The expiry a nonce of this key carries; nullopt for anything this key did not mint
  // (another size or version, another key, any altered byte). Thread-safe.
  std::optional<absl::Time> Open(ByteView nonce) const;

 private:
  explicit ChallengeCodec(crypto::HmacSha256 mac) : mac_(std::move(mac)) {}
  crypto::HmacSha256 mac_;
};

}  // namespace twi::verifier
