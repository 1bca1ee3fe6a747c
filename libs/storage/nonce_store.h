// NonceStore: the Verifier's spent nonces.
//
// This is the whole storage contract of the Verifier's challenge/response freshness: record that
// a nonce has been answered, so it is never accepted twice, and forget it once it has expired.
// Issued nonces are not stored: they carry their expiry and a MAC (libs/verifier/challenge.h),
// so issuing a challenge costs no write. Every backend (SQLite now, PostgreSQL later) implements
// this natively and must pass libs/storage/testing/nonce_store_conformance.h.
//
// A nonce's expiry is part of its identity: callers pass the expiry the nonce itself carries.
// Backends may order their records by expiry (new records then land together, at one end).
//
// Confidentiality: backends store only SHA-256(nonce) (NonceKey below), never the nonce.
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
// the single-use guarantee of Spend also holds between processes sharing one database.
// Durability: a call that returned OK has been committed (see the backend's options for what
// survives a power loss).
class NonceStore {
 public:
  virtual ~NonceStore() = default;

  // Records that `nonce` (kMinNonceSize..kMaxNonceSize bytes), valid until `expires_at`, has
  // been used. Of any number of concurrent callers (threads or processes sharing the database)
  // exactly one gets OK; every other call, then or later until the record is purged, gets
  // kNonceReused. Durable on return. kInvalidArgument for a bad length; kStorageError on
  // backend failure.
  virtual absl::Status Spend(ByteView nonce, absl::Time expires_at) = 0;

  // Deletes the records whose expiry is strictly before `cutoff`; returns how many were deleted.
  // A purged nonce can be spent again, so callers purge only what they refuse as expired
  // anyway. kStorageError on failure.
  virtual absl::StatusOr<int64_t> PurgeExpired(absl::Time cutoff) = 0;
};

// --- For backends -------------------------------------------------------------------------------

// OK if `nonce` has a valid length, else kInvalidArgument.
absl::Status ValidateNonce(ByteView nonce);

// The 32-byte key under which every backend stores a nonce: SHA-256(nonce).
Bytes NonceKey(ByteView nonce);

}  // namespace twi::storage
