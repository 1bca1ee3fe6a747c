// HMAC-SHA-256 with a key set up once (RFC 2104). For twi's own self-authenticating tokens
// (the Verifier's challenges); JOSE's HMAC algorithms stay refused (libs/jose/algorithm.h).
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/secret.h"

namespace twi::crypto {

inline constexpr size_t kHmacSha256Size = 32;
inline constexpr size_t kMinHmacKeySize = 32;  // the hash size: shorter keys weaken the MAC

class HmacSha256 {
 public:
  // kInvalidArgument for a key shorter than kMinHmacKeySize. The key is held only inside
  // OpenSSL's MAC context, which wipes it when freed.
  static absl::StatusOr<HmacSha256> Create(const SecretBytes& key);
  ~HmacSha256();
  HmacSha256(HmacSha256&&) noexcept;
  HmacSha256& operator=(HmacSha256&&) noexcept;

  // Thread-safe: each call works on its own copy of the keyed context.
  Bytes Compute(ByteView data) const;
  // Constant-time comparison of `tag` with the MAC of `data`; false for a tag of another size.
  bool Verify(ByteView data, ByteView tag) const;

 private:
  struct State;
  explicit HmacSha256(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace twi::crypto
