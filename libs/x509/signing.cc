#include "libs/x509/signing.h"

#include <openssl/objects.h>

#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"
#include "libs/x509/der.h"

namespace twi::x509::internal {
namespace {

using crypto::SignatureAlgorithm;

bool IsEcdsa(SignatureAlgorithm algorithm) {
  return algorithm == SignatureAlgorithm::kEcdsaP256Sha256 ||
         algorithm == SignatureAlgorithm::kEcdsaP384Sha384;
}

}  // namespace

absl::Status SetSignatureAlgorithm(SignatureAlgorithm algorithm, X509_ALGOR* algor) {
  int nid = NID_undef;
  switch (algorithm) {
    case SignatureAlgorithm::kEcdsaP256Sha256:
      nid = NID_ecdsa_with_SHA256;
      break;
    case SignatureAlgorithm::kEcdsaP384Sha384:
      nid = NID_ecdsa_with_SHA384;
      break;
    case SignatureAlgorithm::kEd25519:
      nid = NID_ED25519;
      break;
    case SignatureAlgorithm::kRsaPkcs1Sha256:
    case SignatureAlgorithm::kRsaPssSha256:
      return Error(Reason::kUnsupportedAlgorithm, "twi does not sign certificates with RSA");
  }
  if (X509_ALGOR_set0(algor, OBJ_nid2obj(nid), V_ASN1_UNDEF, nullptr) != 1) {
    return crypto::internal::OpenSslError(Reason::kCryptoFailure, "X509_ALGOR_set0");
  }
  return absl::OkStatus();
}

absl::StatusOr<Bytes> SignToBitString(ByteView tbs, const crypto::Signer& signer) {
  TWI_ASSIGN_OR_RETURN(Bytes signature, signer.Sign(tbs));
  if (IsEcdsa(signer.algorithm())) {
    TWI_ASSIGN_OR_RETURN(signature, crypto::EcdsaRawToDer(signature));
  }
  return signature;
}

absl::StatusOr<Bytes> SignAndAssemble(ByteView tbs, const X509_ALGOR* algor,
                                      const crypto::Signer& signer) {
  TWI_ASSIGN_OR_RETURN(Bytes signature, SignToBitString(tbs, signer));
  unsigned char* algor_der = nullptr;
  const int algor_len = i2d_X509_ALGOR(algor, &algor_der);
  if (algor_len <= 0) {
    return crypto::internal::OpenSslError(Reason::kCryptoFailure, "i2d_X509_ALGOR");
  }
  Bytes out = der::Sequence(
      {tbs, ByteView(algor_der, static_cast<size_t>(algor_len)), der::BitString(signature)});
  OPENSSL_free(algor_der);
  return out;
}

absl::Status SetSignatureValue(ByteView signature, const X509_ALGOR* algor, ASN1_BIT_STRING* bits,
                               X509_ALGOR* outer) {
  if (X509_ALGOR_copy(outer, algor) != 1 ||
      ASN1_BIT_STRING_set(bits, const_cast<uint8_t*>(signature.data()),
                          static_cast<int>(signature.size())) != 1) {
    return crypto::internal::OpenSslError(Reason::kCryptoFailure, "cannot set the signature");
  }
  // Whole octets: no unused bits (X.690 §8.6.2), as ASN1_item_sign leaves it.
  bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  return absl::OkStatus();
}

}  // namespace twi::x509::internal
