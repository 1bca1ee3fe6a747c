// Elliptic-curve Diffie-Hellman on P-256 and P-384 (NIST SP 800-56A §5.7.1.2) and the one-step
// "Concat" KDF (SP 800-56A §5.8.1, = SP 800-56C §4.1 with SHA-256) that turns its shared secret
// into a key. Used by JWE's ECDH-ES key agreement (libs/jose/jwe.h, RFC 7518 §4.6).
//
// Not here: X25519/X448, cofactor variants (P-256 and P-384 have cofactor 1), static-static
// schemes. Thread-safe; shared secrets and derived keys are SecretBytes.
#pragma once

#include <cstddef>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/secret.h"
#include "libs/crypto/keys.h"

namespace twi::crypto {

// The shared secret Z: the x-coordinate of own·peer, big-endian, exactly EcCoordinateSize bytes
// (32 for P-256, 48 for P-384; SP 800-56A §5.7.1.2 and SEC 1 §3.3.1). Both keys must be EC keys
// of the same curve, else kKeyInvalid; kCryptoFailure if OpenSSL fails.
absl::StatusOr<SecretBytes> EcdhSharedSecret(const PrivateKey& own, const PublicKey& peer);

// Largest output of ConcatKdfSha256: far more than any key, small enough to bound the work.
inline constexpr size_t kMaxConcatKdfOutputSize = 1024;

// SP 800-56A §5.8.1 single-step KDF with SHA-256: the first `key_size` bytes of
// SHA-256(counter=1 || Z || OtherInfo) || SHA-256(counter=2 || Z || OtherInfo) || ...
// `other_info` is the caller's encoding of AlgorithmID, PartyUInfo, ... (for JOSE, RFC 7518
// §4.6.2). kInvalidArgument for an empty `z` or a `key_size` of 0 or over
// kMaxConcatKdfOutputSize; kCryptoFailure if OpenSSL fails.
absl::StatusOr<SecretBytes> ConcatKdfSha256(const SecretBytes& z, ByteView other_info,
                                            size_t key_size);

}  // namespace twi::crypto
