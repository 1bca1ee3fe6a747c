// X.509 certificates (RFC 5280): a strict parser and read-only accessors.
//
// Certificate is a value: immutable, cheap to copy (a shared OpenSSL X509) and thread-safe. It
// answers questions about one certificate's contents; it does not decide trust — chain and
// SVID validation live in verify.h and svid.h, issuance in issue.h.
//
// Parsing is strict: DER must be canonical (re-encoding reproduces the input byte for byte), no
// trailing bytes, no duplicate or malformed standard extensions, and a subject public key that
// crypto::PublicKey supports (EC P-256/P-384, Ed25519, RSA >= 2048 bits). PEM must carry exactly
// the "CERTIFICATE" label and nothing but whitespace around the blocks.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"

typedef struct x509_st X509;

namespace twi::x509 {

// Largest DER certificate accepted (real ones are 0.5-2 KiB); bounds work on untrusted input.
inline constexpr size_t kMaxCertificateSize = 64 * 1024;
// Most certificates ChainFromPem accepts (a leaf and its intermediates).
inline constexpr size_t kMaxChainLength = 16;

class Certificate {
 public:
  // Errors: kCertificateInvalid.
  static absl::StatusOr<Certificate> FromDer(ByteView der);
  // Exactly one "CERTIFICATE" block. Errors: kCertificateInvalid.
  static absl::StatusOr<Certificate> FromPem(std::string_view pem);
  // One or more PEM blocks (at most kMaxChainLength), all labelled "CERTIFICATE", leaf first.
  // Anything else is refused. Errors: kCertificateInvalid.
  static absl::StatusOr<std::vector<Certificate>> ChainFromPem(std::string_view pem);
  // Wraps an X509 that OpenSSL produced (e.g. a TLS peer certificate); takes a reference, not
  // ownership. Applies the same checks as FromDer except canonical re-encoding.
  // For libs/net and libs/x509 only. Errors: kCertificateInvalid.
  static absl::StatusOr<Certificate> FromNative(X509* x509);

  Bytes ToDer() const;
  std::string ToPem() const;

  crypto::PublicKey public_key() const { return public_key_; }
  // The serial number's magnitude in lower-case hex without leading zero octets (at least one
  // octet, so zero is "00"); "-" prefixed for the negative serials some old CAs issued.
  std::string SerialHex() const;
  // Distinguished names in RFC 2253 string form, e.g. "CN=x,O=twi".
  std::string Subject() const;
  std::string Issuer() const;
  absl::Time not_before() const { return not_before_; }
  absl::Time not_after() const { return not_after_; }

  // Subject alternative names by type, in certificate order. IP addresses are formatted as
  // dotted quads or RFC 5952 IPv6 text.
  std::vector<std::string> UriSans() const;
  std::vector<std::string> DnsSans() const;
  std::vector<std::string> IpSans() const;
  bool SanCritical() const;  // false when there is no SAN extension

  // basicConstraints cA (RFC 5280 §4.2.1.9); false when the extension is absent.
  bool IsCa() const { return is_ca_; }

  struct KeyUsage {
    bool present = false;
    bool critical = false;
    bool digital_signature = false;
    bool key_encipherment = false;
    bool key_agreement = false;
    bool key_cert_sign = false;
    bool crl_sign = false;
  };
  // RFC 5280 §4.2.1.3.
  KeyUsage key_usage() const { return key_usage_; }

  // RFC 5280 §4.2.1.12.
  bool HasExtendedKeyUsage() const;
  bool HasServerAuth() const;
  bool HasClientAuth() const;

  // The underlying object; callers must not modify it. For libs/net and libs/x509 only.
  X509* native() const { return x509_.get(); }

  // For libs/x509's issuance only: a certificate OpenSSL holds in `x509` whose subject key is
  // known to be `subject_key`, so that it need not be decoded again. Same checks as FromNative.
  static absl::StatusOr<Certificate> FromIssued(X509* x509, crypto::PublicKey subject_key);

 private:
  Certificate(std::shared_ptr<X509> x509, std::shared_ptr<const Bytes> der,
              crypto::PublicKey public_key, absl::Time not_before, absl::Time not_after, bool is_ca,
              KeyUsage key_usage)
      : x509_(std::move(x509)),
        der_(std::move(der)),
        public_key_(std::move(public_key)),
        not_before_(not_before),
        not_after_(not_after),
        is_ca_(is_ca),
        key_usage_(key_usage) {}
  // Checks what the accessors rely on, so that they cannot fail. `der`: the encoding if the
  // caller has it, else empty. `key`: the subject key if known, else it is read from `x509`.
  static absl::StatusOr<Certificate> Adopt(std::shared_ptr<X509> x509, Bytes der,
                                           std::optional<crypto::PublicKey> key);

  std::shared_ptr<X509> x509_;
  // The DER encoding, computed once: OpenSSL re-encodes the whole TBS on every i2d_X509.
  std::shared_ptr<const Bytes> der_;
  crypto::PublicKey public_key_;
  absl::Time not_before_;
  absl::Time not_after_;
  // Read once: every issuance checks its issuer's, and decoding an extension is not cheap.
  bool is_ca_;
  KeyUsage key_usage_;
};

// One "CERTIFICATE" PEM block of `der` (not checked: for DER this library produced).
std::string CertificatePem(ByteView der);

// Concatenated PEM blocks, in order.
std::string ChainToPem(const std::vector<Certificate>& chain);

}  // namespace twi::x509
