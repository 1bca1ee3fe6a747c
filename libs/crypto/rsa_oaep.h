// RSAES-OAEP with SHA-256 and MGF1-SHA-256 and an empty label (RFC 8017 §7.1), the key
// transport of JWE's "RSA-OAEP-256" (RFC 7518 §4.3), and with SHA-1 for keys wrapped by a
// PKCS#11 token. RSA keys of at least 2048 bits (keys.h).
//
// Not here: PKCS#1 v1.5 encryption (RFC 7518's RSA1_5; Bleichenbacher-prone).
// Thread-safe.
#pragma once

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/secret.h"
#include "libs/crypto/keys.h"

namespace twi::crypto {

// Encrypts `message` (at most modulus size - 66 bytes: RFC 8017 §7.1.1 step 1b with a 32-byte
// hash) to `recipient`. Returns modulus-size bytes. kKeyInvalid for a key that is not an RSA
// encryption key (other types, RSA-PSS-only keys); kInvalidArgument for a message too long;
// kCryptoFailure if OpenSSL fails.
absl::StatusOr<Bytes> RsaOaepSha256Encrypt(const PublicKey& recipient, const SecretBytes& message);
// The same with a label (RFC 8017 §7.1.1 L), e.g. TPM 2.0's "IDENTITY\0" for credentials
// (libs/evidence/backends/tpm/credential.h).
absl::StatusOr<Bytes> RsaOaepSha256EncryptWithLabel(const PublicKey& recipient,
                                                    const SecretBytes& message, ByteView label);

// RFC 8017 §7.1.2. kKeyInvalid as above; kDecryptionFailed with one fixed message for any
// ciphertext that does not decrypt (wrong length, out of range, bad OAEP encoding), never
// saying which check failed (RFC 8017 §7.1.2 note: such detail is Manger's oracle).
absl::StatusOr<SecretBytes> RsaOaepSha256Decrypt(const PrivateKey& own, ByteView ciphertext);

// The same with SHA-1 and MGF1-SHA-1 (RFC 8017's default parameters; JOSE's "RSA-OAEP"), for
// one use only: opening a key a PKCS#11 token wrapped with CKM_RSA_PKCS_OAEP, which SoftHSM2
// does with SHA-1 alone (libs/keystore/wrapped_key.h). OAEP's security does not rest on SHA-1's
// collision resistance. Messages of at most modulus size - 42 bytes; errors as above.
absl::StatusOr<Bytes> RsaOaepSha1Encrypt(const PublicKey& recipient, const SecretBytes& message);
absl::StatusOr<SecretBytes> RsaOaepSha1Decrypt(const PrivateKey& own, ByteView ciphertext);

}  // namespace twi::crypto
