#include "libs/keystore/wrapped_key.h"

#include "libs/core/status.h"
#include "libs/crypto/aes.h"
#include "libs/crypto/ecdh.h"
#include "libs/crypto/rsa_oaep.h"

namespace twi::keystore {
namespace {

// The length of the DER SEQUENCE at the start of `der` (tag, length and content), or 0 if it
// does not start with one of short or one- or two-byte long length.
size_t DerSequenceSize(ByteView der) {
  if (der.size() < 2 || der[0] != 0x30) return 0;
  if (der[1] < 0x80) return 2 + der[1];
  if (der[1] == 0x81 && der.size() >= 3) return 3 + der[2];
  if (der[1] == 0x82 && der.size() >= 4) return 4 + (size_t{der[2]} << 8 | der[3]);
  return 0;
}

// SoftHSM2 2.6 zero-pads the key to a multiple of 8 bytes before its RFC 5649 wrap, so the
// length indicator counts the padding: the PrivateKeyInfo is followed by up to 7 zero bytes.
// Any other token's exact output passes unchanged.
ByteView WithoutBlockPadding(ByteView der) {
  const size_t size = DerSequenceSize(der);
  if (size == 0 || size >= der.size() || der.size() - size >= 8) return der;
  for (size_t i = size; i < der.size(); ++i) {
    if (der[i] != 0) return der;
  }
  return der.subspan(0, size);
}

}  // namespace

absl::StatusOr<crypto::PrivateKey> UnwrapKey(const WrappedKey& wrapped,
                                             const crypto::PrivateKey& recipient) {
  SecretBytes kek;
  if (wrapped.ephemeral.has_value()) {
    TWI_ASSIGN_OR_RETURN(const SecretBytes z,
                         crypto::EcdhSharedSecret(recipient, *wrapped.ephemeral));
    // CKD_NULL with CKA_VALUE_LEN 32: the token keeps the trailing bytes of Z (wrapped_key.h).
    kek = SecretBytes(z.view().subspan(z.size() - kWrappingKeySize));
  } else {
    TWI_ASSIGN_OR_RETURN(kek, crypto::RsaOaepSha1Decrypt(recipient, wrapped.encrypted_kek));
    if (kek.size() != kWrappingKeySize) {
      return Error(Reason::kDecryptionFailed, "AES key unwrap failed");
    }
  }
  TWI_ASSIGN_OR_RETURN(const SecretBytes der, crypto::AesKeyUnwrapPad(kek, wrapped.wrapped));
  absl::StatusOr<crypto::PrivateKey> key =
      crypto::PrivateKey::FromPkcs8Der(WithoutBlockPadding(der.view()));
  if (!key.ok()) return Error(Reason::kKeyInvalid, "the unwrapped data is not a private key");
  return key;
}

}  // namespace twi::keystore
