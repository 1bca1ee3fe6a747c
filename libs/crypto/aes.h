// AES key wrapping (RFC 3394, and with padding RFC 5649) and AES-256-GCM (NIST SP 800-38D), the
// symmetric half of JWE (libs/jose/jwe.h) and of unwrapping key blobs exported from a PKCS#11
// token with CKM_AES_KEY_WRAP_PAD.
//
// Not a general cipher API: no streaming, no other modes, no other GCM IV or tag sizes. Keys
// and recovered plaintexts are SecretBytes; ciphertexts are not secret. Every function is
// thread-safe (each call works on its own OpenSSL context).
//
// A failed integrity check (unwrap, GCM tag) is Reason::kDecryptionFailed with a fixed message
// and nothing from OpenSSL's error queue, so callers can pass it on without building an oracle.
#pragma once

#include <cstddef>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/secret.h"

namespace twi::crypto {

// Largest key AesKeyWrapPad wraps: ample for any symmetric or private key a token exports.
inline constexpr size_t kMaxWrappedKeySize = 64 * 1024;

// RFC 3394 §2.2.1: wraps `key` (at least 16 bytes, a multiple of 8) under `kek` (16, 24 or 32
// bytes: AES-128/192/256). Returns key.size() + 8 bytes. kInvalidArgument for other sizes;
// kCryptoFailure if OpenSSL fails.
absl::StatusOr<Bytes> AesKeyWrap(const SecretBytes& kek, const SecretBytes& key);

// RFC 3394 §2.2.2: the inverse of AesKeyWrap, checking the integrity value of §2.2.3.
// kInvalidArgument for a KEK of the wrong size; kDecryptionFailed for a `wrapped` that is not a
// multiple of 8 of at least 24 bytes or fails the check (same message for both).
absl::StatusOr<SecretBytes> AesKeyUnwrap(const SecretBytes& kek, ByteView wrapped);

// RFC 5649 §4.1: wraps `key` of 1 to kMaxWrappedKeySize bytes, padded to a multiple of 8.
// Returns 8 * ceil(key.size() / 8) + 8 bytes. Errors as AesKeyWrap.
absl::StatusOr<Bytes> AesKeyWrapPad(const SecretBytes& kek, const SecretBytes& key);

// RFC 5649 §4.2: the inverse of AesKeyWrapPad, checking the alternative initial value (§3: the
// length indicator and zero padding). Errors as AesKeyUnwrap; `wrapped` must be a multiple of
// 8 of at least 16 bytes.
absl::StatusOr<SecretBytes> AesKeyUnwrapPad(const SecretBytes& kek, ByteView wrapped);

inline constexpr size_t kAes256KeySize = 32;
inline constexpr size_t kAesGcmIvSize = 12;   // SP 800-38D §8.2: 96-bit IVs only
inline constexpr size_t kAesGcmTagSize = 16;  // 128-bit tags only

struct AesGcmSealed {
  Bytes ciphertext;  // as long as the plaintext
  Bytes tag;         // kAesGcmTagSize bytes
};

// AES-256-GCM encryption. `key` is kAes256KeySize bytes, `iv` kAesGcmIvSize bytes and must never
// repeat under one key (SP 800-38D §8: callers use a fresh random key or IV each time).
// kInvalidArgument for other sizes or inputs over 2 GiB; kCryptoFailure if OpenSSL fails.
absl::StatusOr<AesGcmSealed> AesGcmSeal(const SecretBytes& key, ByteView iv, ByteView aad,
                                        ByteView plaintext);

// AES-256-GCM decryption. kInvalidArgument for wrong key, IV or tag sizes; kDecryptionFailed
// if the tag does not verify (no plaintext is returned then).
absl::StatusOr<SecretBytes> AesGcmOpen(const SecretBytes& key, ByteView iv, ByteView aad,
                                       ByteView ciphertext, ByteView tag);

}  // namespace twi::crypto
