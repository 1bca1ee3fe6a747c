// Certificate issuance through a crypto::Signer, and the SPIFFE certificate profiles.
//
// The issuer's private key is never needed here: OpenSSL encodes the TBSCertificate, the Signer
// (software, or a PKCS#11 token behind the Key Store) signs it, and the certificate is assembled
// and re-parsed strictly. Every issued certificate is checked against the signer's public key
// before it is returned, so a faulty signer cannot leak a broken certificate.
//
// This is mechanism, not policy: what identity a workload may receive, and for how long, is
// decided by libs/issuer and libs/policy before a template reaches IssueCertificate.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/spiffe/spiffe_id.h"
#include "libs/x509/certificate.h"

namespace twi::x509 {

enum class ExtendedKeyUsage { kServerAuth, kClientAuth };

// An extension emitted verbatim. `oid` is dotted-decimal; `der_value` is the DER of the
// extension's value (the contents of extnValue, RFC 5280 §4.1): IssueCertificate checks only
// that it is one complete ASN.1 element; its syntax is the caller's responsibility. Must not
// repeat an extension IssueCertificate adds itself or another extra extension.
struct Extension {
  std::string oid = {};
  bool critical = false;
  Bytes der_value = {};
};

// Members all have defaults except subject_key, so designated initialization
// (CertificateTemplate{.subject_key = key}) names only what differs.
struct CertificateTemplate {
  crypto::PublicKey subject_key;
  // Single-valued RDNs in order, e.g. {{"O", "twi"}, {"CN", "x"}}; may be empty (then at least
  // one SAN is required and the SAN extension is critical, RFC 5280 §4.2.1.6).
  std::vector<std::pair<std::string, std::string>> subject = {};
  std::vector<std::string> uri_sans = {}, dns_sans = {}, ip_sans = {};
  bool san_critical = false;  // forced true when subject is empty (RFC 5280 §4.2.1.6)
  // Whole seconds (fractions are truncated), years 1950-9999 (RFC 5280 §4.1.2.5).
  absl::Time not_before = {}, not_after = {};
  // Big-endian positive integer, at most 20 octets in DER (RFC 5280 §4.1.2.2). Empty -> 16
  // random bytes with the top bit cleared and a non-zero first byte (always 16 octets).
  Bytes serial = {};
  bool is_ca = false;
  std::optional<int> path_len = {};  // only with is_ca; >= 0
  // keyUsage is always emitted, critical; at least one bit must be set (RFC 5280 §4.2.1.3).
  bool digital_signature = true, key_encipherment = false, key_agreement = false,
       key_cert_sign = false, crl_sign = false;
  std::vector<ExtendedKeyUsage> extended_key_usages = {};  // extKeyUsage omitted when empty
  std::vector<Extension> extra_extensions = {};            // e.g. twi's provenance pointer
};

// Issues a v3 certificate signed by `signer`.
//
// `issuer` is the issuing CA's certificate: its subject becomes the issuer name, its SKI the
// AKI. nullptr means self-signed: the issuer name is the subject and signer.public_key() must
// equal tmpl.subject_key. Emits basicConstraints (critical), keyUsage (critical), extKeyUsage,
// subjectAltName, subjectKeyIdentifier (RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256
// of the subjectPublicKey BIT STRING value) and authorityKeyIdentifier, then the extra
// extensions.
//
// Thread-safe if `signer` is. Errors: kInvalidArgument for a template that violates RFC 5280
// (not_after <= not_before, a CA without key_cert_sign, path_len without is_ca, no name at all,
// bad names or SANs, a bad serial or extension) or for an issuer that is not a CA or whose
// public key is not signer.public_key(); kUnsupportedAlgorithm for an RSA signer; the signer's
// own errors; kCryptoFailure if the signature does not verify.
absl::StatusOr<Certificate> IssueCertificate(const CertificateTemplate& tmpl,
                                             const Certificate* issuer,
                                             const crypto::Signer& signer);

// The SPIFFE X509-SVID leaf profile (X509-SVID §4, §5): exactly one URI SAN = `id` (which must
// have a path), cA=false, keyUsage critical with digitalSignature only, extKeyUsage serverAuth
// and clientAuth, not_before = now - backdate, not_after = now + ttl, subject O=twi.
// Errors: kSpiffeIdInvalid for a root (path-less) ID; kInvalidArgument for ttl <= 0 or
// backdate < 0. Thread-safe.
absl::StatusOr<CertificateTemplate> X509SvidTemplate(const spiffe::SpiffeId& id,
                                                     crypto::PublicKey key, absl::Time now,
                                                     absl::Duration ttl,
                                                     absl::Duration backdate = absl::Seconds(10));

// The SPIFFE signing (CA) certificate profile (X509-SVID §4.1, §4.3): cA=true, keyUsage
// keyCertSign and cRLSign, URI SAN "spiffe://<trust_domain>", subject O=twi plus CN=common_name
// when non-empty, optional path_len. Errors: kSpiffeIdInvalid for a bad trust domain;
// kInvalidArgument for not_after <= not_before or a negative path_len. Thread-safe.
absl::StatusOr<CertificateTemplate> SpiffeCaTemplate(std::string_view trust_domain,
                                                     crypto::PublicKey key, std::string common_name,
                                                     absl::Time not_before, absl::Time not_after,
                                                     std::optional<int> path_len);

}  // namespace twi::x509
