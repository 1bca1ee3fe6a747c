// PKCS#10 certification requests (RFC 2986): creation on the workload side, strict parsing and
// proof of possession on the Credential Authority side.
//
// A CSR proves only that its sender holds the private key of the public key inside it. Nothing
// else in it is trusted: the CA takes identities from attestation and policy, never from the
// requested subject or SANs (UriSans() is informational).
//
// Parsing is strict: at most kMaxCsrSize bytes (DER or PEM), canonical DER, version 1, exact PEM
// label "CERTIFICATE REQUEST", and a subject key of a type twi issues to (EC P-256, EC P-384,
// Ed25519).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"

namespace twi::x509 {

inline constexpr size_t kMaxCsrSize = 16 * 1024;

// Immutable, cheap to copy, thread-safe.
class CertificateRequest {
 public:
  // Errors: kCsrInvalid (malformed, oversize, wrong label); kUnsupportedAlgorithm (a subject key
  // other than EC P-256/P-384 or Ed25519, e.g. RSA).
  static absl::StatusOr<CertificateRequest> FromPem(std::string_view pem);
  static absl::StatusOr<CertificateRequest> FromDer(ByteView der);

  // Proof of possession: the CSR's self-signature verifies under its own public key with
  // ecdsa-with-SHA256/384 or Ed25519 (RFC 2986 §3, RFC 5758 §3.2, RFC 8410 §3).
  // Errors: kCsrSignatureInvalid; kUnsupportedAlgorithm for another signature algorithm.
  absl::Status VerifyProofOfPossession() const;

  crypto::PublicKey public_key() const { return public_key_; }
  // Requested URI SANs from the extensionRequest attribute (RFC 2985 §5.4.2). Informational,
  // never trusted.
  std::vector<std::string> UriSans() const { return uri_sans_; }

  Bytes ToDer() const;
  std::string ToPem() const;

 private:
  struct Parsed;
  CertificateRequest(std::shared_ptr<const Parsed> parsed, crypto::PublicKey public_key,
                     std::vector<std::string> uri_sans)
      : parsed_(std::move(parsed)),
        public_key_(std::move(public_key)),
        uri_sans_(std::move(uri_sans)) {}

  std::shared_ptr<const Parsed> parsed_;
  crypto::PublicKey public_key_;
  std::vector<std::string> uri_sans_;
};

// Workload side: a CSR for `signer`'s key, signed by it. The subject is empty or CN=common_name;
// `uri_sans` (absolute URIs) are requested in an extensionRequest. Thread-safe.
// Errors: kInvalidArgument (bad CN or URI), kUnsupportedAlgorithm (RSA signer), the signer's
// errors, kCryptoFailure if the signer's signature does not verify.
absl::StatusOr<CertificateRequest> CreateCsr(const crypto::Signer& signer,
                                             std::string_view common_name = "",
                                             const std::vector<std::string>& uri_sans = {});

}  // namespace twi::x509
