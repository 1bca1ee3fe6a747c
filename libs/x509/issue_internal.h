// Internal to libs/x509: the parts of certificate issuance shared by the general path
// (issue.cc, OpenSSL objects) and the X509-SVID path (svid_issue.cc, direct DER).
#pragma once

#include <openssl/x509.h>

#include "absl/status/status.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/x509/certificate.h"

namespace twi::x509::internal {

// RFC 5280 §4.2.1.9 / §4.2.1.3: the issuer is a CA whose key may sign certificates and is the
// signer's key; nullptr (self-signed) needs signer key == subject key. kInvalidArgument.
absl::Status CheckIssuer(const crypto::PublicKey& subject_key, const Certificate* issuer,
                         const crypto::Signer& signer);

// 16 random octets, top bit clear and first octet non-zero, so the DER length never varies.
Bytes RandomSerial();

// RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 of the subjectPublicKey BIT STRING
// value of `x509`.
Bytes KeyIdentifier(const X509* x509);
// The issuer's own SKI (so that AKI matches it byte for byte), else KeyIdentifier(issuer).
Bytes AuthorityKeyIdentifier(X509* issuer);

}  // namespace twi::x509::internal
