#include "libs/crypto/signature.h"

#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/secret.h"
#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"

namespace twi::crypto {
namespace {

using internal::OpenSslError;
using internal::UniqueEvpMdCtx;

// Pre-fetched digests: implicit fetches in the hot path cost a locked provider lookup.
const EVP_MD* DigestFor(SignatureAlgorithm algorithm) {
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  static const EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
  switch (algorithm) {
    case SignatureAlgorithm::kEcdsaP256Sha256:
    case SignatureAlgorithm::kRsaPkcs1Sha256:
    case SignatureAlgorithm::kRsaPssSha256:
      return sha256;
    case SignatureAlgorithm::kEcdsaP384Sha384:
      return sha384;
    case SignatureAlgorithm::kEd25519:
      return nullptr;  // pure EdDSA hashes internally
  }
  return nullptr;
}

bool IsEcdsa(SignatureAlgorithm algorithm) {
  return algorithm == SignatureAlgorithm::kEcdsaP256Sha256 ||
         algorithm == SignatureAlgorithm::kEcdsaP384Sha384;
}

absl::Status CheckKeyFits(KeyType type, SignatureAlgorithm algorithm) {
  if (SignatureKeyType(algorithm) != type) {
    return Error(Reason::kUnsupportedAlgorithm,
                 absl::StrFormat("a %s key cannot be used with this signature algorithm",
                                 KeyTypeName(type)));
  }
  return absl::OkStatus();
}

// Configures RSA padding on a DigestSign/DigestVerify context.
absl::Status ConfigurePadding(EVP_PKEY_CTX* pctx, SignatureAlgorithm algorithm) {
  if (algorithm == SignatureAlgorithm::kRsaPssSha256) {
    // RFC 7518 §3.5: PS256 uses SHA-256 for MGF1 and a 32-byte salt.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, DigestFor(algorithm)) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "cannot configure RSA-PSS");
    }
  } else if (algorithm == SignatureAlgorithm::kRsaPkcs1Sha256) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "cannot configure RSA PKCS#1 v1.5");
    }
  }
  return absl::OkStatus();
}

class SoftwareSigner final : public Signer {
 public:
  SoftwareSigner(PrivateKey key, SignatureAlgorithm algorithm)
      : key_(std::move(key)), algorithm_(algorithm) {}

  absl::StatusOr<Bytes> Sign(ByteView data) const override {
    UniqueEvpMdCtx ctx(EVP_MD_CTX_new());
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, DigestFor(algorithm_), nullptr, key_.evp()) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "EVP_DigestSignInit");
    }
    size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "EVP_DigestSign (size)");
    }
    Bytes sig(len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "EVP_DigestSign");
    }
    sig.resize(len);
    if (IsEcdsa(algorithm_)) return EcdsaDerToRaw(sig, EcCoordinateSize(key_.type()));
    return sig;
  }

  SignatureAlgorithm algorithm() const override { return algorithm_; }
  const PublicKey& public_key() const override { return key_.public_key(); }

 private:
  PrivateKey key_;
  SignatureAlgorithm algorithm_;
};

}  // namespace

KeyType SignatureKeyType(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kEcdsaP256Sha256:
      return KeyType::kEcP256;
    case SignatureAlgorithm::kEcdsaP384Sha384:
      return KeyType::kEcP384;
    case SignatureAlgorithm::kEd25519:
      return KeyType::kEd25519;
    case SignatureAlgorithm::kRsaPkcs1Sha256:
    case SignatureAlgorithm::kRsaPssSha256:
      return KeyType::kRsa;
  }
  return KeyType::kRsa;
}

absl::StatusOr<SignatureAlgorithm> DefaultSignatureAlgorithm(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return SignatureAlgorithm::kEcdsaP256Sha256;
    case KeyType::kEcP384:
      return SignatureAlgorithm::kEcdsaP384Sha384;
    case KeyType::kEd25519:
      return SignatureAlgorithm::kEd25519;
    case KeyType::kRsa:
      break;
  }
  return Error(Reason::kUnsupportedAlgorithm, "twi does not sign with RSA keys");
}

absl::StatusOr<std::unique_ptr<Signer>> NewSoftwareSigner(PrivateKey key,
                                                          SignatureAlgorithm algorithm) {
  TWI_RETURN_IF_ERROR(CheckKeyFits(key.type(), algorithm));
  if (key.type() == KeyType::kRsa) {
    return Error(Reason::kUnsupportedAlgorithm, "twi does not sign with RSA keys");
  }
  return std::unique_ptr<Signer>(new SoftwareSigner(std::move(key), algorithm));
}

absl::Status VerifySignature(const PublicKey& key, SignatureAlgorithm algorithm, ByteView data,
                             ByteView signature) {
  TWI_RETURN_IF_ERROR(CheckKeyFits(key.type(), algorithm));
  Bytes der;
  ByteView to_check = signature;
  if (IsEcdsa(algorithm)) {
    // JOSE/P1363 form has a fixed length (RFC 7518 §3.4); anything else is not a signature.
    if (signature.size() != 2 * EcCoordinateSize(key.type())) {
      return Error(Reason::kSignatureInvalid, "ECDSA signature has the wrong length");
    }
    auto converted = EcdsaRawToDer(signature);
    if (!converted.ok()) return Error(Reason::kSignatureInvalid, "malformed ECDSA signature");
    der = std::move(converted).value();
    to_check = der;
  }
  UniqueEvpMdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), &pctx, DigestFor(algorithm), nullptr, key.evp()) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "EVP_DigestVerifyInit");
  }
  TWI_RETURN_IF_ERROR(ConfigurePadding(pctx, algorithm));
  const int rc =
      EVP_DigestVerify(ctx.get(), to_check.data(), to_check.size(), data.data(), data.size());
  if (rc != 1) {
    internal::ClearOpenSslErrors();
    return Error(Reason::kSignatureInvalid, "signature does not verify");
  }
  return absl::OkStatus();
}

absl::StatusOr<Bytes> EcdsaRawToDer(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 132) {
    return Error(Reason::kSignatureInvalid, "ECDSA signature has an invalid length");
  }
  const int half = static_cast<int>(raw.size() / 2);
  internal::UniqueEcdsaSig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return OpenSslError(Reason::kCryptoFailure, "ECDSA_SIG_set0");
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return OpenSslError(Reason::kCryptoFailure, "i2d_ECDSA_SIG");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<Bytes> EcdsaDerToRaw(ByteView der, size_t coordinate_size) {
  const unsigned char* p = der.data();
  internal::UniqueEcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) {
    internal::ClearOpenSslErrors();
    return Error(Reason::kSignatureInvalid, "malformed DER ECDSA signature");
  }
  Bytes out(2 * coordinate_size);
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_bn2binpad(r, out.data(), static_cast<int>(coordinate_size)) < 0 ||
      BN_bn2binpad(s, out.data() + coordinate_size, static_cast<int>(coordinate_size)) < 0) {
    return Error(Reason::kSignatureInvalid, "ECDSA signature component too large");
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Signer>> LoadSoftwareSigner(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string pem, ReadFile(path, 64 * 1024));
  auto key = PrivateKey::FromPem(pem);
  SecureWipe(pem.data(), pem.size());
  if (!key.ok()) return Annotate(key.status(), path);
  TWI_ASSIGN_OR_RETURN(SignatureAlgorithm algorithm, DefaultSignatureAlgorithm(key->type()));
  return NewSoftwareSigner(*std::move(key), algorithm);
}

}  // namespace twi::crypto
