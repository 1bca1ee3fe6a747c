// Signing and verification.
//
// Signatures use one encoding everywhere in twi's APIs: ECDSA as fixed-size r||s (IEEE P1363,
// as JOSE and PKCS#11 use), Ed25519 raw, RSA as the PKCS#1 / PSS octet string. libs/x509
// converts ECDSA to DER where X.509 wants it.
//
// Signer is the seam for key custody: the software signer below holds an in-memory key; the
// Key Store provides Signers whose keys never leave a PKCS#11 token.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"

namespace twi::crypto {

enum class SignatureAlgorithm {
  kEcdsaP256Sha256,  // JOSE ES256
  kEcdsaP384Sha384,  // JOSE ES384
  kEd25519,          // JOSE EdDSA (pure Ed25519)
  kRsaPkcs1Sha256,   // JOSE RS256, verification only
  kRsaPssSha256,     // JOSE PS256, verification only (salt length = 32)
};

KeyType SignatureKeyType(SignatureAlgorithm algorithm);
// The algorithm twi uses by default for a key type (ES256, ES384, EdDSA); kUnsupportedAlgorithm
// for RSA, which twi never signs with.
absl::StatusOr<SignatureAlgorithm> DefaultSignatureAlgorithm(KeyType type);

class Signer {
 public:
  virtual ~Signer() = default;
  // Thread-safe. Errors: kCryptoFailure (or a Key Store reason for remote keys).
  virtual absl::StatusOr<Bytes> Sign(ByteView data) const = 0;
  virtual SignatureAlgorithm algorithm() const = 0;
  virtual const PublicKey& public_key() const = 0;
};

// A Signer over an in-memory key. kUnsupportedAlgorithm if the key does not fit `algorithm` or
// `algorithm` is an RSA one.
absl::StatusOr<std::unique_ptr<Signer>> NewSoftwareSigner(PrivateKey key,
                                                          SignatureAlgorithm algorithm);

// A software Signer over the PKCS#8 PEM key in the file at `path`, with the key type's default
// algorithm; the file's bytes are wiped after use. Role keys live in such files until the
// PKCS#11 Key Store replaces them. Errors: kIoError, kInvalidArgument (over 64 KiB), kKeyInvalid
// naming the file (never its contents), kUnsupportedAlgorithm for RSA.
absl::StatusOr<std::unique_ptr<Signer>> LoadSoftwareSigner(const std::string& path);

// OK iff `signature` is a valid signature of `data` under `key`. kSignatureInvalid for a wrong
// signature (including wrong length or encoding), kUnsupportedAlgorithm if key and algorithm
// do not fit together.
absl::Status VerifySignature(const PublicKey& key, SignatureAlgorithm algorithm, ByteView data,
                             ByteView signature);

// ECDSA signature encodings. `coordinate_size` is 32 (P-256) or 48 (P-384).
absl::StatusOr<Bytes> EcdsaRawToDer(ByteView raw);
absl::StatusOr<Bytes> EcdsaDerToRaw(ByteView der, size_t coordinate_size);

}  // namespace twi::crypto
