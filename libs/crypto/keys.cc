#include "libs/crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"

namespace twi::crypto {
namespace {

using internal::OpenSslError;
using internal::UniqueBio;
using internal::UniqueEvpPkey;
using internal::UniqueEvpPkeyCtx;

constexpr int kMinRsaBits = 2048;

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

absl::StatusOr<KeyType> TypeOf(EVP_PKEY* pkey) {
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &len) != 1) {
        return OpenSslError(Reason::kKeyInvalid, "EC key without a named curve");
      }
      if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0) return KeyType::kEcP256;
      if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0) return KeyType::kEcP384;
      return Error(Reason::kUnsupportedAlgorithm, absl::StrFormat("unsupported curve %s", group));
    }
    case EVP_PKEY_ED25519:
      return KeyType::kEd25519;
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      if (EVP_PKEY_get_bits(pkey) < kMinRsaBits) {
        return Error(Reason::kKeyInvalid, "RSA key shorter than 2048 bits");
      }
      return KeyType::kRsa;
    default:
      return Error(Reason::kUnsupportedAlgorithm, "unsupported key algorithm");
  }
}

const char* CurveName(KeyType type) { return type == KeyType::kEcP256 ? "P-256" : "P-384"; }

EVP_PKEY* MakeGroupTemplate(const char* curve) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(curve), 0),
      OSSL_PARAM_construct_end()};
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEY_PARAMETERS, params) != 1) {
    internal::ClearOpenSslErrors();
    return nullptr;
  }
  return pkey;
}

// OpenSSL 3.0 decodes and encodes SubjectPublicKeyInfo through its provider decoder/encoder
// framework, which costs 100-300 us per call (it enumerates every decoder of every provider).
// EC P-256 / P-384 keys, which every credential and role key uses, have exactly one DER SPKI
// (RFC 5480 §2: id-ecPublicKey with a namedCurve, uncompressed point), a fixed prefix followed
// by the point, so they are encoded and recognised directly.
constexpr uint8_t kP256SpkiPrefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                       0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                       0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
constexpr uint8_t kP384SpkiPrefix[] = {0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
                                       0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00};

ByteView SpkiPrefix(KeyType curve) {
  return curve == KeyType::kEcP256 ? ByteView(kP256SpkiPrefix) : ByteView(kP384SpkiPrefix);
}

// A parameters-only EC key per curve, copied for every imported public key. Never freed.
const EVP_PKEY* GroupTemplate(KeyType curve) {
  static EVP_PKEY* const templates[2] = {MakeGroupTemplate("P-256"), MakeGroupTemplate("P-384")};
  return templates[curve == KeyType::kEcP256 ? 0 : 1];
}

// Imported EC public keys by curve and point. One credential key is imported several times per
// issuance (the attestation request's JWK, the EAR's cnf, the CSR); even with the group template
// each import costs a key copy, a point decode and a check, ~2.5 % of server CPU in all. The
// value for a key is a function of the key bytes alone, and EVP_PKEY objects are immutable once
// imported and safe to share between threads, so a hit returns exactly what a new import would.
// Bounded: when full it starts afresh.
class EcKeyCache {
 public:
  std::shared_ptr<EVP_PKEY> Find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(key);
    return it == keys_.end() ? nullptr : it->second;
  }
  void Insert(std::string key, std::shared_ptr<EVP_PKEY> value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (keys_.size() >= kCapacity) keys_.clear();
    keys_.emplace(std::move(key), std::move(value));
  }

 private:
  static constexpr size_t kCapacity = 1024;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<EVP_PKEY>> keys_;  // guarded by mu_
};

EcKeyCache& RecentEcKeys() {
  static EcKeyCache* cache = new EcKeyCache();  // never destroyed: used until exit
  return *cache;
}

// The SEC 1 uncompressed point (0x04 || x || y) of an EC key, read as one provider parameter.
absl::StatusOr<Bytes> UncompressedPoint(EVP_PKEY* pkey, KeyType curve) {
  Bytes point(1 + 2 * EcCoordinateSize(curve));
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(),
                                      &len) != 1 ||
      len != point.size() || point[0] != 0x04) {
    internal::ClearOpenSslErrors();
    return Error(Reason::kKeyInvalid, "EC key has no uncompressed point");
  }
  return point;
}

// Reads exactly one PEM block and checks its label; rejects anything but whitespace after it.
absl::StatusOr<Bytes> ReadPemBlock(std::string_view pem, std::string_view expected_label) {
  UniqueBio bio = internal::MemoryBio(AsBytes(pem));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    return OpenSslError(Reason::kKeyInvalid, "not a PEM block");
  }
  const bool label_ok = expected_label == name;
  const bool no_headers = header == nullptr || header[0] == '\0';
  Bytes der(data, data + len);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_clear_free(data, static_cast<size_t>(len));
  if (!label_ok) {
    return Error(Reason::kKeyInvalid,
                 absl::StrFormat("expected a PEM block labelled \"%s\"", expected_label));
  }
  if (!no_headers) return Error(Reason::kKeyInvalid, "encrypted or annotated PEM not accepted");
  // Anything but whitespace after the block is a second object or garbage.
  char rest[64];
  int n;
  while ((n = BIO_read(bio.get(), rest, sizeof(rest))) > 0) {
    for (int i = 0; i < n; ++i) {
      if (!isspace(static_cast<unsigned char>(rest[i]))) {
        return Error(Reason::kKeyInvalid, "trailing data after the PEM block");
      }
    }
  }
  internal::ClearOpenSslErrors();
  return der;
}

// `secret` selects a memory BIO that wipes its buffer when freed.
std::string ToPemBlock(std::string_view label, ByteView der, bool secret = false) {
  UniqueBio bio(BIO_new(secret ? BIO_s_secmem() : BIO_s_mem()));
  PEM_write_bio(bio.get(), std::string(label).c_str(), "", der.data(),
                static_cast<long>(der.size()));
  return internal::BioContents(bio.get());
}

absl::StatusOr<Bytes> GetBnParam(EVP_PKEY* pkey, const char* name, size_t pad_to) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) {
    return OpenSslError(Reason::kKeyInvalid, "cannot read key parameter");
  }
  internal::UniqueBignum owned(bn);
  const size_t len = pad_to > 0 ? pad_to : static_cast<size_t>(BN_num_bytes(bn));
  Bytes out(len);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(len)) < 0) {
    return OpenSslError(Reason::kKeyInvalid, "key parameter too large");
  }
  return out;
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return "EC-P256";
    case KeyType::kEcP384:
      return "EC-P384";
    case KeyType::kEd25519:
      return "Ed25519";
    case KeyType::kRsa:
      return "RSA";
  }
  return "";
}

size_t EcCoordinateSize(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return 32;
    case KeyType::kEcP384:
      return 48;
    default:
      return 0;
  }
}

absl::StatusOr<PublicKey> PublicKey::FromEvp(EVP_PKEY* pkey) {
  if (pkey == nullptr) return Error(Reason::kKeyInvalid, "no key");
  if (EVP_PKEY_get0_provider(pkey) == nullptr && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
    // A legacy key (internal::KeyForEncoding): PublicKey always holds provider keys, whose
    // parameters the accessors read.
    TWI_ASSIGN_OR_RETURN(internal::EcPointOctets legacy, internal::LegacyEcPoint(pkey));
    const KeyType curve = legacy.curve_nid == NID_X9_62_prime256v1 ? KeyType::kEcP256
                          : legacy.curve_nid == NID_secp384r1      ? KeyType::kEcP384
                                                                   : KeyType::kRsa;
    const size_t size = EcCoordinateSize(curve);
    if (size == 0 || legacy.point.size() != 1 + 2 * size) {
      return Error(Reason::kUnsupportedAlgorithm, "unsupported curve");
    }
    const ByteView point(legacy.point);
    return FromEcCoordinates(curve, point.subspan(1, size), point.subspan(1 + size, size));
  }
  TWI_ASSIGN_OR_RETURN(KeyType type, TypeOf(pkey));
  if (EVP_PKEY_up_ref(pkey) != 1) return OpenSslError(Reason::kCryptoFailure, "EVP_PKEY_up_ref");
  return Make(Share(pkey), type);
}

absl::StatusOr<PublicKey> PublicKey::FromSpkiDer(ByteView der) {
  for (KeyType curve : {KeyType::kEcP256, KeyType::kEcP384}) {
    const ByteView prefix = SpkiPrefix(curve);
    const size_t size = EcCoordinateSize(curve);
    if (der.size() == prefix.size() + 1 + 2 * size &&
        std::equal(prefix.begin(), prefix.end(), der.begin())) {
      const ByteView point = der.subspan(prefix.size());
      if (point[0] != 0x04) break;  // compressed or hybrid points take the general path
      return FromEcCoordinates(curve, point.subspan(1, size), point.subspan(1 + size, size));
    }
  }
  const unsigned char* p = der.data();
  UniqueEvpPkey pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!pkey) return OpenSslError(Reason::kKeyInvalid, "invalid SubjectPublicKeyInfo");
  if (p != der.data() + der.size()) {
    return Error(Reason::kKeyInvalid, "trailing bytes after SubjectPublicKeyInfo");
  }
  // DER is canonical: re-encoding must reproduce the input exactly.
  unsigned char* reencoded = nullptr;
  const int len = i2d_PUBKEY(pkey.get(), &reencoded);
  const bool canonical =
      len == static_cast<int>(der.size()) && memcmp(reencoded, der.data(), der.size()) == 0;
  OPENSSL_free(reencoded);
  if (!canonical) return Error(Reason::kKeyInvalid, "non-canonical SubjectPublicKeyInfo encoding");
  TWI_ASSIGN_OR_RETURN(KeyType type, TypeOf(pkey.get()));
  return Make(Share(pkey.release()), type);
}

absl::StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem) {
  TWI_ASSIGN_OR_RETURN(Bytes der, ReadPemBlock(pem, "PUBLIC KEY"));
  return FromSpkiDer(der);
}

absl::StatusOr<PublicKey> PublicKey::FromEcCoordinates(KeyType curve, ByteView x, ByteView y) {
  const size_t size = EcCoordinateSize(curve);
  if (size == 0) return Error(Reason::kUnsupportedAlgorithm, "not an EC key type");
  if (x.size() != size || y.size() != size) {
    return Error(Reason::kKeyInvalid, "EC coordinate has the wrong length");
  }
  Bytes point;
  point.reserve(1 + 2 * size);
  point.push_back(0x04);  // SEC 1 §2.3.3 uncompressed point
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  std::string cache_key(1, static_cast<char>(curve));
  cache_key.append(AsString(point));
  if (std::shared_ptr<EVP_PKEY> cached = RecentEcKeys().Find(cache_key)) {
    return PublicKey(std::move(cached), curve, std::make_shared<const Bytes>(std::move(point)));
  }
  // A copy of a parameters-only key of the curve, given the point: importing from parameters
  // would build a new EC group (and its Montgomery constants) for every key.
  const EVP_PKEY* group = GroupTemplate(curve);
  EVP_PKEY* raw = group != nullptr ? EVP_PKEY_dup(const_cast<EVP_PKEY*>(group)) : nullptr;
  if (raw == nullptr) return OpenSslError(Reason::kCryptoFailure, "cannot copy an EC group");
  // SEC 1 §2.3.4: decoding refuses coordinates outside the field and points off the curve.
  // Nothing more is needed: P-256 and P-384 have prime order (cofactor 1), so every affine point
  // on the curve is in the group, and the uncompressed encoding cannot be the point at infinity.
  // (EVP_PKEY_public_check_quick would repeat the curve check at a third of this import's cost.)
  if (EVP_PKEY_set1_encoded_public_key(raw, point.data(), point.size()) != 1) {
    EVP_PKEY_free(raw);
    return OpenSslError(Reason::kKeyInvalid, "EC point is not on the curve");
  }
  std::shared_ptr<EVP_PKEY> shared = Share(raw);
  RecentEcKeys().Insert(std::move(cache_key), shared);
  return PublicKey(std::move(shared), curve, std::make_shared<const Bytes>(std::move(point)));
}

absl::StatusOr<PublicKey> PublicKey::FromEd25519(ByteView raw) {
  if (raw.size() != 32) return Error(Reason::kKeyInvalid, "Ed25519 key must be 32 bytes");
  UniqueEvpPkey pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
  if (!pkey) return OpenSslError(Reason::kKeyInvalid, "invalid Ed25519 key");
  return PublicKey(Share(pkey.release()), KeyType::kEd25519, nullptr);
}

absl::StatusOr<PublicKey> PublicKey::FromRsa(ByteView n, ByteView e) {
  if (n.empty() || e.empty() || n[0] == 0 || e[0] == 0) {
    return Error(Reason::kKeyInvalid, "RSA parameters must be minimal big-endian integers");
  }
  internal::UniqueBignum bn_n(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
  internal::UniqueBignum bn_e(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
  if (!bn_n || !bn_e) return OpenSslError(Reason::kCryptoFailure, "BN_bin2bn");
  if (BN_num_bits(bn_n.get()) < kMinRsaBits) {
    return Error(Reason::kKeyInvalid, "RSA key shorter than 2048 bits");
  }
  if (!BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get())) {
    return Error(Reason::kKeyInvalid, "invalid RSA public exponent");
  }
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e.get());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  const bool ok = params != nullptr && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) return OpenSslError(Reason::kKeyInvalid, "invalid RSA public key");
  return PublicKey(Share(raw), KeyType::kRsa, nullptr);
}

PublicKey PublicKey::Make(std::shared_ptr<EVP_PKEY> pkey, KeyType type) {
  std::shared_ptr<const Bytes> point;
  if (type == KeyType::kEcP256 || type == KeyType::kEcP384) {
    if (auto octets = UncompressedPoint(pkey.get(), type); octets.ok()) {
      point = std::make_shared<const Bytes>(*std::move(octets));
    }
  }
  return PublicKey(std::move(pkey), type, std::move(point));
}

Bytes PublicKey::ToSpkiDer() const {
  if (ec_point_ != nullptr) {
    const ByteView prefix = SpkiPrefix(type_);
    Bytes out(prefix.begin(), prefix.end());
    out.insert(out.end(), ec_point_->begin(), ec_point_->end());
    return out;
  }
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(pkey_.get(), &der);
  if (len <= 0) abort();  // encoding a key we hold cannot fail short of memory exhaustion
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

std::string PublicKey::ToPem() const { return ToPemBlock("PUBLIC KEY", ToSpkiDer()); }

absl::StatusOr<PublicKey::EcPoint> PublicKey::EcCoordinates() const {
  const size_t size = EcCoordinateSize(type_);
  if (size == 0) return Error(Reason::kUnsupportedAlgorithm, "not an EC key");
  EcPoint point;
  if (ec_point_ != nullptr) {
    point.x.assign(ec_point_->begin() + 1, ec_point_->begin() + 1 + size);
    point.y.assign(ec_point_->begin() + 1 + size, ec_point_->end());
    return point;
  }
  TWI_ASSIGN_OR_RETURN(point.x, GetBnParam(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X, size));
  TWI_ASSIGN_OR_RETURN(point.y, GetBnParam(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size));
  return point;
}

absl::StatusOr<Bytes> PublicKey::Ed25519Raw() const {
  if (type_ != KeyType::kEd25519) return Error(Reason::kUnsupportedAlgorithm, "not an Ed25519 key");
  Bytes out(32);
  size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(pkey_.get(), out.data(), &len) != 1 || len != 32) {
    return OpenSslError(Reason::kCryptoFailure, "cannot read Ed25519 key");
  }
  return out;
}

absl::StatusOr<PublicKey::RsaParams> PublicKey::Rsa() const {
  if (type_ != KeyType::kRsa) return Error(Reason::kUnsupportedAlgorithm, "not an RSA key");
  RsaParams params;
  TWI_ASSIGN_OR_RETURN(params.n, GetBnParam(pkey_.get(), OSSL_PKEY_PARAM_RSA_N, 0));
  TWI_ASSIGN_OR_RETURN(params.e, GetBnParam(pkey_.get(), OSSL_PKEY_PARAM_RSA_E, 0));
  return params;
}

bool PublicKey::Equals(const PublicKey& other) const {
  return type_ == other.type_ && EVP_PKEY_eq(pkey_.get(), other.pkey_.get()) == 1;
}

absl::StatusOr<PrivateKey> PrivateKey::FromOwnedEvp(EVP_PKEY* raw) {
  UniqueEvpPkey pkey(raw);
  TWI_ASSIGN_OR_RETURN(PublicKey public_key, PublicKey::FromEvp(pkey.get()));
  return PrivateKey(Share(pkey.release()), std::move(public_key));
}

absl::StatusOr<PrivateKey> PrivateKey::Generate(KeyType type) {
  EVP_PKEY* pkey = nullptr;
  switch (type) {
    case KeyType::kEcP256:
    case KeyType::kEcP384:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", CurveName(type));
      break;
    case KeyType::kEd25519:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::kRsa:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kMinRsaBits));
      break;
  }
  if (pkey == nullptr) return OpenSslError(Reason::kCryptoFailure, "key generation failed");
  return FromOwnedEvp(pkey);
}

absl::StatusOr<PrivateKey> PrivateKey::FromPkcs8Der(ByteView der) {
  const unsigned char* p = der.data();
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (info == nullptr) return OpenSslError(Reason::kKeyInvalid, "invalid PKCS#8 PrivateKeyInfo");
  const bool complete = p == der.data() + der.size();
  EVP_PKEY* pkey = complete ? EVP_PKCS82PKEY(info) : nullptr;
  PKCS8_PRIV_KEY_INFO_free(info);
  if (!complete) return Error(Reason::kKeyInvalid, "trailing bytes after PrivateKeyInfo");
  if (pkey == nullptr) return OpenSslError(Reason::kKeyInvalid, "unusable PKCS#8 private key");
  return FromOwnedEvp(pkey);
}

absl::StatusOr<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  TWI_ASSIGN_OR_RETURN(Bytes der_bytes, ReadPemBlock(pem, "PRIVATE KEY"));
  SecretBytes der = SecretBytes::Adopt(std::move(der_bytes));
  return FromPkcs8Der(der.view());
}

SecretBytes PrivateKey::ToPkcs8Der() const {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(pkey_.get());
  if (info == nullptr) abort();
  unsigned char* der = nullptr;
  const int len = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (len <= 0) abort();
  SecretBytes out(ByteView(der, static_cast<size_t>(len)));
  OPENSSL_clear_free(der, static_cast<size_t>(len));
  return out;
}

SecretBytes PrivateKey::ToPkcs8Pem() const {
  SecretBytes der = ToPkcs8Der();
  std::string pem = ToPemBlock("PRIVATE KEY", der.view(), /*secret=*/true);
  SecretBytes out(AsBytes(pem));
  SecureWipe(pem.data(), pem.size());
  return out;
}

}  // namespace twi::crypto
