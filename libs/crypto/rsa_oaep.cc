#include "libs/crypto/rsa_oaep.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"

namespace twi::crypto {
namespace {

using internal::OpenSslError;
using internal::UniqueEvpPkeyCtx;

constexpr char kDecryptFailed[] = "RSA-OAEP decryption failed";

struct OaepHash {
  const char* name;  // OpenSSL's
  size_t size;
};
constexpr OaepHash kSha256{"SHA2-256", 32};
constexpr OaepHash kSha1{"SHA1", 20};

// keys.h admits RSA-PSS keys (id-RSASSA-PSS), which RFC 4055 §1.2 restricts to signatures.
absl::Status CheckRsaEncryptionKey(EVP_PKEY* pkey, KeyType type) {
  if (type != KeyType::kRsa || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
    return Error(Reason::kKeyInvalid, "RSA-OAEP needs an RSA encryption key");
  }
  return absl::OkStatus();
}

// A context for RSAES-OAEP with `hash` as both the label hash and the MGF1 hash (RFC 7518 §4.3:
// "RSA-OAEP-256" uses SHA-256 for both), with `label` (empty for JOSE).
UniqueEvpPkeyCtx OaepContext(EVP_PKEY* pkey, bool encrypt, const OaepHash& hash,
                             ByteView label = {}) {
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  char pad[] = OSSL_PKEY_RSA_PAD_MODE_OAEP;
  char* digest = const_cast<char*>(hash.name);
  // OpenSSL copies the label; it does not write through the pointer.
  void* label_data = const_cast<uint8_t*>(label.data());
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, pad, 0),
      OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST, digest, 0),
      OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST, digest, 0),
      label.empty() ? OSSL_PARAM_construct_end()
                    : OSSL_PARAM_construct_octet_string(OSSL_ASYM_CIPHER_PARAM_OAEP_LABEL,
                                                        label_data, label.size()),
      OSSL_PARAM_END};
  if (!ctx) return nullptr;
  const int ok = encrypt ? EVP_PKEY_encrypt_init_ex(ctx.get(), params)
                         : EVP_PKEY_decrypt_init_ex(ctx.get(), params);
  if (ok != 1) return nullptr;
  return ctx;
}

absl::StatusOr<Bytes> Encrypt(const PublicKey& recipient, const SecretBytes& message,
                              const OaepHash& hash, ByteView label = {}) {
  TWI_RETURN_IF_ERROR(CheckRsaEncryptionKey(recipient.evp(), recipient.type()));
  const size_t modulus_size = static_cast<size_t>(EVP_PKEY_get_size(recipient.evp()));
  // RFC 8017 §7.1.1 step 1b: mLen <= k - 2 hLen - 2.
  if (message.size() + 2 * hash.size + 2 > modulus_size) {
    return Error(Reason::kInvalidArgument, "RSA-OAEP: message too long for the key");
  }
  UniqueEvpPkeyCtx ctx = OaepContext(recipient.evp(), /*encrypt=*/true, hash, label);
  Bytes out(modulus_size);
  size_t len = out.size();
  if (!ctx ||
      EVP_PKEY_encrypt(ctx.get(), out.data(), &len, message.view().data(), message.size()) != 1 ||
      len != modulus_size) {
    return OpenSslError(Reason::kCryptoFailure, "RSA-OAEP encryption failed");
  }
  return out;
}

absl::StatusOr<SecretBytes> Decrypt(const PrivateKey& own, ByteView ciphertext,
                                    const OaepHash& hash) {
  TWI_RETURN_IF_ERROR(CheckRsaEncryptionKey(own.evp(), own.type()));
  UniqueEvpPkeyCtx ctx = OaepContext(own.evp(), /*encrypt=*/false, hash);
  if (!ctx) return OpenSslError(Reason::kCryptoFailure, "RSA-OAEP: cannot set up decryption");
  // RFC 8017 §7.1.2 step 1b: the ciphertext is exactly k bytes.
  const size_t modulus_size = static_cast<size_t>(EVP_PKEY_get_size(own.evp()));
  if (ciphertext.size() != modulus_size) return Error(Reason::kDecryptionFailed, kDecryptFailed);
  SecretBytes out(modulus_size);
  size_t len = out.size();
  const bool ok =
      EVP_PKEY_decrypt(ctx.get(), out.data(), &len, ciphertext.data(), ciphertext.size()) == 1 &&
      len <= modulus_size;
  // RFC 8017 §7.1.2 note: an attacker must not learn which step failed, so the error queue
  // (which would say) is dropped.
  internal::ClearOpenSslErrors();
  if (!ok) return Error(Reason::kDecryptionFailed, kDecryptFailed);
  return SecretBytes(out.view().first(len));
}

}  // namespace

absl::StatusOr<Bytes> RsaOaepSha256Encrypt(const PublicKey& recipient, const SecretBytes& message) {
  return Encrypt(recipient, message, kSha256);
}

absl::StatusOr<Bytes> RsaOaepSha256EncryptWithLabel(const PublicKey& recipient,
                                                    const SecretBytes& message, ByteView label) {
  return Encrypt(recipient, message, kSha256, label);
}

absl::StatusOr<SecretBytes> RsaOaepSha256Decrypt(const PrivateKey& own, ByteView ciphertext) {
  return Decrypt(own, ciphertext, kSha256);
}

absl::StatusOr<Bytes> RsaOaepSha1Encrypt(const PublicKey& recipient, const SecretBytes& message) {
  return Encrypt(recipient, message, kSha1);
}

absl::StatusOr<SecretBytes> RsaOaepSha1Decrypt(const PrivateKey& own, ByteView ciphertext) {
  return Decrypt(own, ciphertext, kSha1);
}

}  // namespace twi::crypto
