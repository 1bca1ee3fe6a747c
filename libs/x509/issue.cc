#include "libs/x509/issue.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/openssl_util.h"
#include "libs/crypto/random.h"
#include "libs/x509/issue_internal.h"
#include "libs/x509/names.h"
#include "libs/x509/signing.h"

namespace twi::x509 {
namespace {

using crypto::internal::Deleter;
using crypto::internal::OpenSslError;
using crypto::internal::UniqueAsn1Integer;
using crypto::internal::UniqueGeneralNames;
using crypto::internal::UniqueX509;

template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

constexpr size_t kRandomSerialSize = 16;
constexpr int kMaxSerialOctets = 20;  // RFC 5280 §4.1.2.2
constexpr size_t kKeyIdentifierSize = 20;
// RFC 5280 §4.1.2.5 encodes validity as UTCTime from 1950 and GeneralizedTime up to year 9999.
const absl::Time kEarliestTime = absl::FromUnixSeconds(-631152000);  // 1950-01-01T00:00:00Z
const absl::Time kLatestTime = absl::FromUnixSeconds(253402300799);  // 9999-12-31T23:59:59Z

absl::Status Invalid(std::string_view message) { return Error(Reason::kInvalidArgument, message); }

absl::Status CheckTemplate(const CertificateTemplate& tmpl) {
  if (tmpl.not_after <= tmpl.not_before) return Invalid("not_after must be after not_before");
  if (tmpl.not_before < kEarliestTime || tmpl.not_after > kLatestTime) {
    return Invalid("validity must lie within the years 1950-9999");
  }
  // RFC 5280 §4.2.1.9: a CA's key signs certificates, so keyCertSign must be asserted.
  if (tmpl.is_ca && !tmpl.key_cert_sign) return Invalid("a CA certificate needs key_cert_sign");
  if (tmpl.path_len.has_value() && (!tmpl.is_ca || *tmpl.path_len < 0)) {
    return Invalid("path_len needs is_ca and must not be negative");
  }
  // RFC 5280 §4.2.1.3: "at least one of the bits MUST be set to 1".
  if (!tmpl.digital_signature && !tmpl.key_encipherment && !tmpl.key_agreement &&
      !tmpl.key_cert_sign && !tmpl.crl_sign) {
    return Invalid("keyUsage needs at least one bit");
  }
  // RFC 5280 §4.1.2.6: an empty subject requires a subjectAltName.
  if (tmpl.subject.empty() && tmpl.uri_sans.empty() && tmpl.dns_sans.empty() &&
      tmpl.ip_sans.empty()) {
    return Invalid("a certificate with an empty subject needs a SAN");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status internal::CheckIssuer(const crypto::PublicKey& subject_key, const Certificate* issuer,
                                   const crypto::Signer& signer) {
  if (issuer == nullptr) {
    if (!signer.public_key().Equals(subject_key)) {
      return Invalid("a self-signed certificate must be signed by its subject key");
    }
    return absl::OkStatus();
  }
  // RFC 5280 §4.2.1.9 and §4.2.1.3: only a CA whose key may sign certificates issues them.
  if (!issuer->IsCa()) return Invalid("the issuer certificate is not a CA");
  const Certificate::KeyUsage usage = issuer->key_usage();
  if (usage.present && !usage.key_cert_sign) return Invalid("the issuer lacks keyCertSign");
  if (!issuer->public_key().Equals(signer.public_key())) {
    return Invalid("the signer's key is not the issuer certificate's key");
  }
  return absl::OkStatus();
}

namespace {

// Empty `requested` -> a fresh random serial of exactly 16 octets, positive (top bit clear) and
// with a non-zero first octet so its DER length never varies.
absl::StatusOr<UniqueAsn1Integer> SerialNumber(const Bytes& requested) {
  const Bytes serial = requested.empty() ? internal::RandomSerial() : requested;
  crypto::internal::UniqueBignum number(
      BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!number) return OpenSslError(Reason::kCryptoFailure, "BN_bin2bn");
  // RFC 5280 §4.1.2.2: positive, at most 20 octets (the DER sign octet included).
  if (BN_is_zero(number.get())) return Invalid("the serial number must be positive");
  if (BN_num_bits(number.get()) > 8 * kMaxSerialOctets - 1) {
    return Invalid("the serial number exceeds 20 octets");
  }
  UniqueAsn1Integer integer(BN_to_ASN1_INTEGER(number.get(), nullptr));
  if (!integer) return OpenSslError(Reason::kCryptoFailure, "BN_to_ASN1_INTEGER");
  return integer;
}

}  // namespace

namespace internal {

Bytes KeyIdentifier(const X509* x509) {
  // RFC 7093 §2 method 1: the leftmost 160 bits of the SHA-256 hash of the subjectPublicKey
  // BIT STRING value (excluding tag, length and unused-bits octet).
  const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(x509);
  Bytes digest = crypto::Sha256(
      ByteView(ASN1_STRING_get0_data(key), static_cast<size_t>(ASN1_STRING_length(key))));
  digest.resize(kKeyIdentifierSize);
  return digest;
}

// The issuer's own SKI, so that AKI matches it byte for byte; computed as for our certificates
// if the issuer (e.g. an externally made root) has none.
Bytes AuthorityKeyIdentifier(X509* issuer) {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(issuer);
  if (ski == nullptr) return KeyIdentifier(issuer);
  return Bytes(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski));
}

}  // namespace internal

namespace {

using internal::AuthorityKeyIdentifier;
using internal::KeyIdentifier;

absl::Status AddExtension(X509* x509, int nid, void* value, bool critical) {
  if (X509_add1_ext_i2d(x509, nid, value, critical ? 1 : 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError(Reason::kCryptoFailure,
                        absl::StrFormat("cannot add extension %s", OBJ_nid2sn(nid)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>> OctetString(ByteView bytes) {
  Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> out(ASN1_OCTET_STRING_new());
  if (!out || ASN1_OCTET_STRING_set(out.get(), bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "ASN1_OCTET_STRING_set");
  }
  return out;
}

absl::Status AddBasicConstraints(const CertificateTemplate& tmpl, X509* x509) {
  Owned<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free> constraints(BASIC_CONSTRAINTS_new());
  if (!constraints) return OpenSslError(Reason::kCryptoFailure, "BASIC_CONSTRAINTS_new");
  constraints->ca = tmpl.is_ca ? 0xff : 0;  // DER BOOLEAN TRUE; FALSE is the omitted default
  if (tmpl.path_len.has_value()) {
    constraints->pathlen = ASN1_INTEGER_new();
    if (constraints->pathlen == nullptr ||
        ASN1_INTEGER_set(constraints->pathlen, *tmpl.path_len) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "ASN1_INTEGER_set");
    }
  }
  // RFC 5280 §4.2.1.9: critical in CA certificates; twi marks it critical everywhere so that a
  // leaf can never be mistaken for a CA by software that ignores the extension.
  return AddExtension(x509, NID_basic_constraints, constraints.get(), /*critical=*/true);
}

absl::Status AddKeyUsage(const CertificateTemplate& tmpl, X509* x509) {
  Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free> bits(ASN1_BIT_STRING_new());
  if (!bits) return OpenSslError(Reason::kCryptoFailure, "ASN1_BIT_STRING_new");
  // Bit numbers from the KeyUsage definition in RFC 5280 §4.2.1.3.
  const std::pair<int, bool> usages[] = {{0, tmpl.digital_signature},
                                         {2, tmpl.key_encipherment},
                                         {4, tmpl.key_agreement},
                                         {5, tmpl.key_cert_sign},
                                         {6, tmpl.crl_sign}};
  for (const auto& [bit, set] : usages) {
    if (set && ASN1_BIT_STRING_set_bit(bits.get(), bit, 1) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "ASN1_BIT_STRING_set_bit");
    }
  }
  return AddExtension(x509, NID_key_usage, bits.get(), /*critical=*/true);
}

absl::Status AddExtendedKeyUsage(const CertificateTemplate& tmpl, X509* x509) {
  if (tmpl.extended_key_usages.empty()) return absl::OkStatus();
  Owned<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> usages(sk_ASN1_OBJECT_new_null());
  if (!usages) return OpenSslError(Reason::kCryptoFailure, "sk_ASN1_OBJECT_new_null");
  for (ExtendedKeyUsage usage : tmpl.extended_key_usages) {
    // OBJ_nid2obj returns static objects, which the stack's free function leaves alone.
    ASN1_OBJECT* purpose =
        OBJ_nid2obj(usage == ExtendedKeyUsage::kServerAuth ? NID_server_auth : NID_client_auth);
    if (sk_ASN1_OBJECT_find(usages.get(), purpose) >= 0) continue;
    if (sk_ASN1_OBJECT_push(usages.get(), purpose) <= 0) {
      return OpenSslError(Reason::kCryptoFailure, "sk_ASN1_OBJECT_push");
    }
  }
  return AddExtension(x509, NID_ext_key_usage, usages.get(), /*critical=*/false);
}

absl::Status AddSubjectAltName(const CertificateTemplate& tmpl, X509* x509) {
  TWI_ASSIGN_OR_RETURN(UniqueGeneralNames names,
                       internal::BuildSubjectAltNames(tmpl.uri_sans, tmpl.dns_sans, tmpl.ip_sans));
  if (!names) return absl::OkStatus();
  // RFC 5280 §4.2.1.6: critical when the subject is empty.
  const bool critical = tmpl.san_critical || tmpl.subject.empty();
  return AddExtension(x509, NID_subject_alt_name, names.get(), critical);
}

absl::Status AddKeyIdentifiers(X509* issuer, X509* x509) {
  const Bytes subject_key_id = KeyIdentifier(x509);
  TWI_ASSIGN_OR_RETURN(auto ski, OctetString(subject_key_id));
  // RFC 5280 §4.2.1.2 and §4.2.1.1: both non-critical.
  TWI_RETURN_IF_ERROR(AddExtension(x509, NID_subject_key_identifier, ski.get(), false));
  const Bytes authority_key_id =
      issuer == nullptr ? subject_key_id : AuthorityKeyIdentifier(issuer);
  Owned<AUTHORITY_KEYID, AUTHORITY_KEYID_free> akid(AUTHORITY_KEYID_new());
  if (!akid) return OpenSslError(Reason::kCryptoFailure, "AUTHORITY_KEYID_new");
  TWI_ASSIGN_OR_RETURN(auto key_id, OctetString(authority_key_id));
  akid->keyid = key_id.release();
  return AddExtension(x509, NID_authority_key_identifier, akid.get(), false);
}

absl::Status AddExtraExtension(const Extension& extension, X509* x509) {
  Owned<ASN1_OBJECT, ASN1_OBJECT_free> oid(OBJ_txt2obj(extension.oid.c_str(), /*no_name=*/1));
  if (!oid) {
    crypto::internal::ClearOpenSslErrors();
    return Invalid(absl::StrFormat("extension OID \"%s\" is not dotted-decimal", extension.oid));
  }
  if (X509_get_ext_by_OBJ(x509, oid.get(), -1) >= 0) {
    return Invalid(absl::StrFormat("extension %s is already present", extension.oid));
  }
  // The value must be exactly one complete ASN.1 element; its syntax is the caller's business.
  const unsigned char* p = extension.der_value.data();
  Owned<ASN1_TYPE, ASN1_TYPE_free> parsed(
      d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(extension.der_value.size())));
  if (!parsed || p != extension.der_value.data() + extension.der_value.size()) {
    crypto::internal::ClearOpenSslErrors();
    return Invalid(absl::StrFormat("extension %s value is not one DER element", extension.oid));
  }
  TWI_ASSIGN_OR_RETURN(auto value, OctetString(extension.der_value));
  crypto::internal::UniqueX509Extension ext(
      X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), extension.critical ? 1 : 0, value.get()));
  if (!ext || X509_add_ext(x509, ext.get(), -1) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_add_ext");
  }
  return absl::OkStatus();
}

absl::Status SetValidity(const CertificateTemplate& tmpl, X509* x509) {
  // ASN1_TIME_set picks UTCTime before 2050 and GeneralizedTime after (RFC 5280 §4.1.2.5).
  if (ASN1_TIME_set(X509_getm_notBefore(x509), absl::ToUnixSeconds(tmpl.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x509), absl::ToUnixSeconds(tmpl.not_after)) == nullptr) {
    return OpenSslError(Reason::kInvalidArgument, "cannot encode the validity period");
  }
  return absl::OkStatus();
}

absl::Status SetNames(const CertificateTemplate& tmpl, const Certificate* issuer, X509* x509) {
  TWI_RETURN_IF_ERROR(internal::AppendRelativeNames(tmpl.subject, X509_get_subject_name(x509)));
  const X509_NAME* issuer_name =
      issuer == nullptr ? X509_get_subject_name(x509) : X509_get_subject_name(issuer->native());
  // RFC 5280 §4.1.2.4: the issuer field MUST contain a non-empty name.
  if (X509_NAME_entry_count(issuer_name) == 0) return Invalid("the issuer name is empty");
  if (X509_set_issuer_name(x509, issuer_name) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_set_issuer_name");
  }
  return absl::OkStatus();
}

// Everything of the TBSCertificate except the signature AlgorithmIdentifier.
absl::Status BuildTbs(const CertificateTemplate& tmpl, const Certificate* issuer, X509* x509) {
  if (X509_set_version(x509, X509_VERSION_3) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_set_version");
  }
  TWI_ASSIGN_OR_RETURN(UniqueAsn1Integer serial, SerialNumber(tmpl.serial));
  if (X509_set_serialNumber(x509, serial.get()) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_set_serialNumber");
  }
  TWI_RETURN_IF_ERROR(SetNames(tmpl, issuer, x509));
  TWI_RETURN_IF_ERROR(SetValidity(tmpl, x509));
  TWI_ASSIGN_OR_RETURN(crypto::internal::UniqueEvpPkey subject_key,
                       crypto::internal::KeyForEncoding(tmpl.subject_key));
  if (X509_set_pubkey(x509, subject_key.get()) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_set_pubkey");
  }
  TWI_RETURN_IF_ERROR(AddBasicConstraints(tmpl, x509));
  TWI_RETURN_IF_ERROR(AddKeyUsage(tmpl, x509));
  TWI_RETURN_IF_ERROR(AddExtendedKeyUsage(tmpl, x509));
  TWI_RETURN_IF_ERROR(AddSubjectAltName(tmpl, x509));
  TWI_RETURN_IF_ERROR(AddKeyIdentifiers(issuer == nullptr ? nullptr : issuer->native(), x509));
  for (const Extension& extension : tmpl.extra_extensions) {
    TWI_RETURN_IF_ERROR(AddExtraExtension(extension, x509));
  }
  return absl::OkStatus();
}

}  // namespace

Bytes internal::RandomSerial() {
  // Time first, then 80 random bits (more than the 64 CA/Browser Forum ask for): a ledger keyed
  // by serial appends instead of writing a random index page per certificate. The first octet
  // is the top of the millisecond clock, 0x01 until 2039, so the INTEGER is positive and minimal.
  Bytes serial = crypto::TimeOrderedRandom(absl::Now(), kRandomSerialSize);
  if (serial[0] == 0 || serial[0] > 0x7f) abort();
  return serial;
}

absl::StatusOr<Certificate> IssueCertificate(const CertificateTemplate& tmpl,
                                             const Certificate* issuer,
                                             const crypto::Signer& signer) {
  TWI_RETURN_IF_ERROR(CheckTemplate(tmpl));
  TWI_RETURN_IF_ERROR(internal::CheckIssuer(tmpl.subject_key, issuer, signer));
  UniqueX509 x509(X509_new());
  if (!x509) return OpenSslError(Reason::kCryptoFailure, "X509_new");
  TWI_RETURN_IF_ERROR(BuildTbs(tmpl, issuer, x509.get()));
  // The TBSCertificate's own signature field (RFC 5280 §4.1.2.3). OpenSSL exposes it only as
  // const because it normally fills it in X509_sign; we sign outside OpenSSL, so we set it here.
  X509_ALGOR* tbs_algorithm = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x509.get()));
  TWI_RETURN_IF_ERROR(internal::SetSignatureAlgorithm(signer.algorithm(), tbs_algorithm));

  unsigned char* tbs = nullptr;
  const int tbs_len = i2d_re_X509_tbs(x509.get(), &tbs);
  if (tbs_len <= 0) return OpenSslError(Reason::kCryptoFailure, "i2d_re_X509_tbs");
  auto signature = internal::SignToBitString(ByteView(tbs, static_cast<size_t>(tbs_len)), signer);
  OPENSSL_free(tbs);
  TWI_RETURN_IF_ERROR(signature.status());
  // The signature goes into the object that was just built rather than into DER that is parsed
  // again: parsing would decode the subject key once more, which OpenSSL 3.0 makes costly.
  // RFC 5280 §4.1.1.2: the outer signatureAlgorithm repeats the TBS one exactly.
  const ASN1_BIT_STRING* const_bits = nullptr;
  const X509_ALGOR* const_outer = nullptr;
  X509_get0_signature(&const_bits, &const_outer, x509.get());
  TWI_RETURN_IF_ERROR(internal::SetSignatureValue(*signature, tbs_algorithm,
                                                  const_cast<ASN1_BIT_STRING*>(const_bits),
                                                  const_cast<X509_ALGOR*>(const_outer)));
  TWI_ASSIGN_OR_RETURN(Certificate certificate,
                       Certificate::FromIssued(x509.get(), tmpl.subject_key));
  // A faulty signer (a token glitch, a fault attack) must never release a bad signature.
  if (X509_verify(certificate.native(), signer.public_key().evp()) != 1) {
    crypto::internal::ClearOpenSslErrors();
    return Error(Reason::kCryptoFailure, "the signer produced a signature that does not verify");
  }
  return certificate;
}

absl::StatusOr<CertificateTemplate> X509SvidTemplate(const spiffe::SpiffeId& id,
                                                     crypto::PublicKey key, absl::Time now,
                                                     absl::Duration ttl, absl::Duration backdate) {
  // X509-SVID §2 / SPIFFE-ID §2.3: a workload's ID has a path; the bare trust domain ID is not
  // an identity to issue.
  if (id.empty() || id.is_root()) {
    return Error(Reason::kSpiffeIdInvalid, "an X509-SVID needs a SPIFFE ID with a path");
  }
  if (ttl <= absl::ZeroDuration()) return Invalid("ttl must be positive");
  if (backdate < absl::ZeroDuration()) return Invalid("backdate must not be negative");
  CertificateTemplate tmpl{.subject_key = std::move(key)};
  // X509-SVID §2: the subject is not used for identity. An empty CN would violate X.520's
  // SIZE (1..ub-common-name), so only O=twi is emitted.
  tmpl.subject = {{"O", "twi"}};
  tmpl.uri_sans = {id.ToString()};  // X509-SVID §2: exactly one URI SAN
  tmpl.not_before = now - backdate;
  tmpl.not_after = now + ttl;
  tmpl.is_ca = false;  // X509-SVID §4.1
  // X509-SVID §4.3: leaf SVIDs set digitalSignature and never keyCertSign or cRLSign.
  tmpl.digital_signature = true;
  // X509-SVID §4.4: serverAuth and clientAuth so the SVID works on both ends of mTLS.
  tmpl.extended_key_usages = {ExtendedKeyUsage::kServerAuth, ExtendedKeyUsage::kClientAuth};
  return tmpl;
}

absl::StatusOr<CertificateTemplate> SpiffeCaTemplate(std::string_view trust_domain,
                                                     crypto::PublicKey key, std::string common_name,
                                                     absl::Time not_before, absl::Time not_after,
                                                     std::optional<int> path_len) {
  TWI_ASSIGN_OR_RETURN(spiffe::SpiffeId id, spiffe::SpiffeId::FromParts(trust_domain, ""));
  if (not_after <= not_before) return Invalid("not_after must be after not_before");
  if (path_len.has_value() && *path_len < 0) return Invalid("path_len must not be negative");
  CertificateTemplate tmpl{.subject_key = std::move(key)};
  tmpl.subject = {{"O", "twi"}};
  if (!common_name.empty()) tmpl.subject.emplace_back("CN", std::move(common_name));
  tmpl.uri_sans = {id.ToString()};  // X509-SVID §4.1: the trust domain's own ID
  tmpl.not_before = not_before;
  tmpl.not_after = not_after;
  tmpl.is_ca = true;  // X509-SVID §4.1
  tmpl.path_len = path_len;
  // X509-SVID §4.3: signing certificates set keyCertSign and may set cRLSign.
  tmpl.digital_signature = false;
  tmpl.key_cert_sign = true;
  tmpl.crl_sign = true;
  return tmpl;
}

}  // namespace twi::x509
