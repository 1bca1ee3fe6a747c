// KeyForEncoding (openssl_util.h). The legacy EC_KEY API is deprecated in OpenSSL 3.0 but is the
// only way to an EVP_PKEY that X509_PUBKEY_set encodes without the provider encoders; its use is
// confined to this file.
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "libs/crypto/keys.h"
#include "libs/crypto/openssl_util.h"

namespace twi::crypto::internal {

absl::StatusOr<UniqueEvpPkey> KeyForEncoding(const PublicKey& key) {
  if (key.type() != KeyType::kEcP256 && key.type() != KeyType::kEcP384) {
    if (EVP_PKEY_up_ref(key.evp()) != 1) return OpenSslError(Reason::kCryptoFailure, "up_ref");
    return UniqueEvpPkey(key.evp());
  }
  // The uncompressed point is the SPKI's last bytes (keys.cc builds it without OpenSSL).
  const Bytes spki = key.ToSpkiDer();
  const size_t point_size = 1 + 2 * EcCoordinateSize(key.type());
  const unsigned char* point = spki.data() + spki.size() - point_size;
  EC_KEY* ec = EC_KEY_new_by_curve_name(key.type() == KeyType::kEcP256 ? NID_X9_62_prime256v1
                                                                       : NID_secp384r1);
  if (ec == nullptr || o2i_ECPublicKey(&ec, &point, static_cast<long>(point_size)) == nullptr) {
    EC_KEY_free(ec);
    return OpenSslError(Reason::kCryptoFailure, "cannot build an EC_KEY");
  }
  UniqueEvpPkey pkey(EVP_PKEY_new());
  if (!pkey || EVP_PKEY_assign_EC_KEY(pkey.get(), ec) != 1) {
    EC_KEY_free(ec);
    return OpenSslError(Reason::kCryptoFailure, "cannot wrap an EC_KEY");
  }
  return pkey;
}

absl::StatusOr<EcPointOctets> LegacyEcPoint(EVP_PKEY* pkey) {
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey);
  const EC_GROUP* group = ec != nullptr ? EC_KEY_get0_group(ec) : nullptr;
  const EC_POINT* point = ec != nullptr ? EC_KEY_get0_public_key(ec) : nullptr;
  if (group == nullptr || point == nullptr) {
    ClearOpenSslErrors();
    return Error(Reason::kKeyInvalid, "not an EC public key");
  }
  EcPointOctets out{EC_GROUP_get_curve_name(group), Bytes(1 + 2 * 48)};
  const size_t len = EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED,
                                        out.point.data(), out.point.size(), nullptr);
  if (len == 0) return OpenSslError(Reason::kKeyInvalid, "cannot encode the EC point");
  out.point.resize(len);
  return out;
}

}  // namespace twi::crypto::internal
