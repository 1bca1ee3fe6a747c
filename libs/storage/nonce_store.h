// NonceStore: the Verifier's single-use freshness nonces.
//
// This is the whole storage contract of the Verifier's challenge/response freshness: record a
// nonce, consume it at most once, purge old ones. It is not a cache, and it does not create
// nonces (libs/crypto/random.h does). Every backend (SQLite now, PostgreSQL later) implements it
// natively and must pass libs/storage/testing/nonce_store_conformance.h.
//
// Confidentiality: backends store only SHA-256(nonce) (NonceKey below), never the nonce. A leaked
// database or backup then does not reveal live nonces that an attacker could answer a challenge
// with; the digest is still enough to look a presented nonce up.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"

namespace twi::storage {

inline constexpr size_t kMinNonceSize = 8;
inline constexpr size_t kMaxNonceSize = 64;

// Thread-safety: every implementation is safe to call from any number of threads at once, and
// the single-use guarantee of Consume also holds between processes sharing one database.
// Durability: a call that returned OK has been committed (see the backend's options for what
// survives a power loss).
class NonceStore {
 public:
  virtual ~NonceStore() = default;

  // Records a fresh nonce (kMinNonceSize..kMaxNonceSize bytes) valid until `expires_at`
  // (exclusive). Durable on return.
  // kInvalidArgument for a bad length, or if the nonce already exists (an existing record is
  // never reset or extended); kStorageError on backend failure.
  virtual absl::Status Put(ByteView nonce, absl::Time expires_at) = 0;

  // Atomically consumes the nonce: of any number of concurrent callers (threads or processes
  // sharing the database) exactly one gets OK. Otherwise:
  //   kNonceUnknown  never issued (including any nonce of invalid length), or already purged;
  //   kNonceReused   consumed before (also after an earlier kNonceExpired answer);
  //   kNonceExpired  now >= expires_at; the nonce is then marked consumed as well, so it can
  //                  never succeed later, whatever `now` a later caller passes;
  //   kStorageError  backend failure.
  virtual absl::Status Consume(ByteView nonce, absl::Time now) = 0;

  // Deletes nonces whose expiry is strictly before `cutoff`, consumed or not; returns how many
  // were deleted. A purged nonce then reads as kNonceUnknown. kStorageError on failure.
  virtual absl::StatusOr<int64_t> PurgeExpired(absl::Time cutoff) = 0;
};

// --- For backends -------------------------------------------------------------------------------

// OK if `nonce` has a valid length, else kInvalidArgument.
absl::Status ValidateNonce(ByteView nonce);

// The 32-byte key under which every backend stores a nonce: SHA-256(nonce).
Bytes NonceKey(ByteView nonce);

}  // namespace twi::storage
