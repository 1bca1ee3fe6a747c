#include "libs/crypto/ecdh.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdlib>
#include <memory>

#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"

namespace twi::crypto {
namespace {

using internal::Deleter;
using internal::OpenSslError;

using UniqueKdfCtx = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX, EVP_KDF_CTX_free>>;

bool IsEc(KeyType type) { return type == KeyType::kEcP256 || type == KeyType::kEcP384; }

// Fetched once (see mac.cc). OpenSSL's "SSKDF" is SP 800-56C's one-step KDF, which is the
// SP 800-56A Concat KDF under another name. Never freed.
EVP_KDF* SingleStepKdf() {
  static EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "SSKDF", nullptr);
  if (kdf == nullptr) abort();
  return kdf;
}

}  // namespace

absl::StatusOr<SecretBytes> EcdhSharedSecret(const PrivateKey& own, const PublicKey& peer) {
  if (!IsEc(own.type())) return Error(Reason::kKeyInvalid, "ECDH: own key is not an EC key");
  if (peer.type() != own.type()) {
    return Error(Reason::kKeyInvalid, "ECDH: the peer key is not on the same curve");
  }
  internal::UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own.evp(), nullptr));
  // EVP_PKEY_derive_set_peer checks the peer's point again (SP 800-56A §5.6.2.3.3 full public
  // key validation; keys.cc already refused points off the curve when the key was imported).
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.evp()) != 1) {
    return OpenSslError(Reason::kKeyInvalid, "ECDH: cannot use the keys");
  }
  const size_t expected = EcCoordinateSize(own.type());
  size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len != expected) {
    return OpenSslError(Reason::kCryptoFailure, "ECDH: unexpected shared secret size");
  }
  // OpenSSL writes x padded to the field size, as SP 800-56A §5.7.1.2 and RFC 7518 §4.6.2
  // require: leading zero bytes are part of Z.
  SecretBytes z(expected);
  if (EVP_PKEY_derive(ctx.get(), z.data(), &len) != 1 || len != expected) {
    return OpenSslError(Reason::kCryptoFailure, "ECDH: derivation failed");
  }
  return z;
}

absl::StatusOr<SecretBytes> ConcatKdfSha256(const SecretBytes& z, ByteView other_info,
                                            size_t key_size) {
  if (z.empty()) return Error(Reason::kInvalidArgument, "Concat KDF: empty shared secret");
  if (key_size == 0 || key_size > kMaxConcatKdfOutputSize) {
    return Error(Reason::kInvalidArgument, "Concat KDF: bad output size");
  }
  UniqueKdfCtx ctx(EVP_KDF_CTX_new(SingleStepKdf()));
  char digest[] = "SHA2-256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(z.view().data()),
                                        z.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                        const_cast<uint8_t*>(other_info.data()), other_info.size()),
      OSSL_PARAM_END};
  SecretBytes key(key_size);
  if (!ctx || EVP_KDF_derive(ctx.get(), key.data(), key.size(), params) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "Concat KDF failed");
  }
  return key;
}

}  // namespace twi::crypto
