// WrappedKey: a private key as a Key Store exports it for one recipient, and its unwrapping by
// the recipient.
//
// The store makes a one-time EC key on the recipient's curve, computes the ECDH shared secret Z
// with the recipient's public key inside the token (PKCS#11 CKM_ECDH1_DERIVE, kdf CKD_NULL:
// the one derivation every token offers), takes the last 32 bytes of Z (all of it on P-256) as
// an AES-256 key and wraps the private key's PKCS#8 PrivateKeyInfo with it (RFC 5649,
// CKM_AES_KEY_WRAP_PAD). Only the holder of the recipient's private key recomputes Z, so only it
// unwraps. The raw x-coordinate as a key is weaker hygiene than a KDF (SP 800-56A); it is
// acceptable here because the whole WrappedKey then travels inside a JWE to the same recipient
// (ECDH-ES+A256KW with the Concat KDF), and the wrap exists to keep the clear key out of the
// process that serves the request. PKCS#11 leaves open which bytes a shorter derived key keeps;
// SoftHSM2 keeps the trailing ones, and a token that differs fails the Key Store conformance
// test CredentialKeysLeaveOnlyWrappedForTheirRecipient for P-384 recipients.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"

namespace twi::keystore {

// RSA recipients (no ECDH): the store generates a one-time AES-256 key inside the token, wraps
// the private key with it (RFC 5649), and wraps that AES key for the recipient's RSA key with
// CKM_RSA_PKCS_OAEP, whose only hash in SoftHSM2 is SHA-1 (RFC 8017's default OAEP).
struct WrappedKey {
  // EC recipients: the store's one-time ECDH public key; RSA recipients: none.
  std::optional<crypto::PublicKey> ephemeral;
  // RSA recipients: the one-time AES key, RSAES-OAEP(SHA-1) encrypted to the recipient.
  Bytes encrypted_kek;
  Bytes wrapped;  // RFC 5649 wrap of the PKCS#8 DER private key
};

// Size of the AES key taken from Z (AES-256).
inline constexpr size_t kWrappingKeySize = 32;

// Recomputes (EC) or decrypts (RSA) the wrapping key with `recipient` and unwraps. kKeyInvalid
// if `recipient` does not fit the wrap (an EC key on another curve, an RSA key for an ECDH wrap
// or the reverse); kDecryptionFailed if the wrap does not open (another recipient, a changed
// blob); kKeyInvalid if what opens is not a private key.
absl::StatusOr<crypto::PrivateKey> UnwrapKey(const WrappedKey& wrapped,
                                             const crypto::PrivateKey& recipient);

}  // namespace twi::keystore
