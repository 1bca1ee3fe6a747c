// Signature AlgorithmIdentifiers and the signing step shared by certificate and CSR creation.
//
// twi never hands a private key to OpenSSL here: OpenSSL encodes the to-be-signed structure, a
// crypto::Signer (software or PKCS#11) signs those bytes, and the outer SEQUENCE is assembled
// with the DER writer. Internal to libs/x509; thread-safe.
#pragma once

#include <openssl/x509.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"

namespace twi::x509::internal {

// Sets `algor` to ecdsa-with-SHA256 / ecdsa-with-SHA384 (RFC 5758 §3.2) or id-Ed25519
// (RFC 8410 §3), parameters absent as both RFCs require. kUnsupportedAlgorithm for RSA, which
// twi never signs with.
absl::Status SetSignatureAlgorithm(crypto::SignatureAlgorithm algorithm, X509_ALGOR* algor);

// Signs `tbs` with `signer` and returns SEQUENCE { tbs, algor, BIT STRING signature }, the shape
// of both Certificate (RFC 5280 §4.1) and CertificationRequest (RFC 2986 §4). ECDSA signatures
// are converted from the Signer's raw r||s to the DER Ecdsa-Sig-Value (RFC 5758 §3.2).
// Errors: whatever the signer returns; kCryptoFailure if `algor` cannot be encoded.
absl::StatusOr<Bytes> SignAndAssemble(ByteView tbs, const X509_ALGOR* algor,
                                      const crypto::Signer& signer);

// Signs `tbs` with `signer`: the signature value as X.509 carries it (ECDSA as DER
// Ecdsa-Sig-Value, Ed25519 raw). Errors: whatever the signer returns.
absl::StatusOr<Bytes> SignToBitString(ByteView tbs, const crypto::Signer& signer);

// Puts `signature` (from SignToBitString) and a copy of `algor` into the signature fields of an
// object OpenSSL built (`bits`, `outer` from X509_get0_signature). kCryptoFailure.
absl::Status SetSignatureValue(ByteView signature, const X509_ALGOR* algor, ASN1_BIT_STRING* bits,
                               X509_ALGOR* outer);

}  // namespace twi::x509::internal
