// Asymmetric keys: EC P-256/P-384, Ed25519, RSA (>= 2048 bits, verification only in twi's own
// roles). Handles are cheap to copy (shared, immutable OpenSSL objects) and thread-safe.
//
// Decoding is strict: PEM labels must be exact ("PUBLIC KEY", "PRIVATE KEY" = PKCS#8), EC points
// must lie on the curve, and trailing bytes are rejected. Errors carry Reason::kKeyInvalid.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/secret.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace twi::crypto {

enum class KeyType { kEcP256, kEcP384, kEd25519, kRsa };

// "EC-P256", "EC-P384", "Ed25519", "RSA".
std::string_view KeyTypeName(KeyType type);
// Size in bytes of one EC coordinate (32 or 48); 0 for other key types.
size_t EcCoordinateSize(KeyType type);

class PublicKey {
 public:
  static absl::StatusOr<PublicKey> FromSpkiDer(ByteView der);
  static absl::StatusOr<PublicKey> FromPem(std::string_view pem);
  // Big-endian affine coordinates, each exactly EcCoordinateSize(curve) bytes.
  static absl::StatusOr<PublicKey> FromEcCoordinates(KeyType curve, ByteView x, ByteView y);
  static absl::StatusOr<PublicKey> FromEd25519(ByteView raw);  // 32 bytes
  // Big-endian modulus and exponent without leading zeros; modulus must be >= 2048 bits.
  static absl::StatusOr<PublicKey> FromRsa(ByteView n, ByteView e);

  KeyType type() const { return type_; }
  Bytes ToSpkiDer() const;
  std::string ToPem() const;

  struct EcPoint {
    Bytes x;
    Bytes y;
  };
  absl::StatusOr<EcPoint> EcCoordinates() const;  // fixed-size big-endian
  absl::StatusOr<Bytes> Ed25519Raw() const;
  struct RsaParams {
    Bytes n;
    Bytes e;
  };
  absl::StatusOr<RsaParams> Rsa() const;

  // Same algorithm and key material.
  bool Equals(const PublicKey& other) const;

  // For libs/crypto, libs/x509 and libs/net only.
  EVP_PKEY* evp() const { return pkey_.get(); }
  static absl::StatusOr<PublicKey> FromEvp(EVP_PKEY* pkey);  // takes a reference, not ownership

 private:
  PublicKey(std::shared_ptr<EVP_PKEY> pkey, KeyType type, std::shared_ptr<const Bytes> ec_point)
      : pkey_(std::move(pkey)), type_(type), ec_point_(std::move(ec_point)) {}
  // EC keys get their uncompressed point computed once.
  static PublicKey Make(std::shared_ptr<EVP_PKEY> pkey, KeyType type);
  std::shared_ptr<EVP_PKEY> pkey_;
  KeyType type_;
  // EC keys: the SEC 1 uncompressed point, kept because OpenSSL recomputes it (a field inversion)
  // on every read, and thumbprints, SPKI and JWK all need it. Null for other key types.
  std::shared_ptr<const Bytes> ec_point_;
};

class PrivateKey {
 public:
  // kRsa generates 2048-bit keys (used by tests of RSA verification).
  static absl::StatusOr<PrivateKey> Generate(KeyType type);
  // PKCS#8 PEM ("PRIVATE KEY"), unencrypted.
  static absl::StatusOr<PrivateKey> FromPem(std::string_view pem);
  static absl::StatusOr<PrivateKey> FromPkcs8Der(ByteView der);

  KeyType type() const { return public_key_.type(); }
  const PublicKey& public_key() const { return public_key_; }

  SecretBytes ToPkcs8Der() const;
  SecretBytes ToPkcs8Pem() const;

  // For libs/crypto, libs/x509 and libs/net only.
  EVP_PKEY* evp() const { return pkey_.get(); }

 private:
  PrivateKey(std::shared_ptr<EVP_PKEY> pkey, PublicKey public_key)
      : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
  static absl::StatusOr<PrivateKey> FromOwnedEvp(EVP_PKEY* pkey);
  std::shared_ptr<EVP_PKEY> pkey_;
  PublicKey public_key_;
};

}  // namespace twi::crypto
