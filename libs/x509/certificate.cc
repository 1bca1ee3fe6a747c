#include "libs/x509/certificate.h"

#include <arpa/inet.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"
#include "libs/x509/pem.h"

namespace twi::x509 {
namespace {

using crypto::internal::Deleter;
using crypto::internal::OpenSslError;
using crypto::internal::UniqueBignum;
using crypto::internal::UniqueBio;
using crypto::internal::UniqueGeneralNames;

constexpr std::string_view kPemLabel = "CERTIFICATE";
// Base64 grows 4/3 plus line breaks; twice the DER bound is a safe ceiling for the text.
constexpr size_t kMaxPemSize = 2 * kMaxChainLength * kMaxCertificateSize;

template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

// The decoded extension `nid`, or null when absent (or, for a certificate that passed Adopt,
// never malformed). `critical` receives the criticality when present.
template <typename T, void (*Free)(T*)>
Owned<T, Free> GetExtension(const X509* x509, int nid, int* critical = nullptr) {
  return Owned<T, Free>(static_cast<T*>(X509_get_ext_d2i(x509, nid, critical, nullptr)));
}

std::shared_ptr<X509> Share(X509* x509) { return std::shared_ptr<X509>(x509, X509_free); }

absl::StatusOr<absl::Time> ToAbslTime(const ASN1_TIME* time, std::string_view what) {
  struct tm tm;
  std::memset(&tm, 0, sizeof(tm));
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return OpenSslError(Reason::kCertificateInvalid, absl::StrFormat("invalid %s time", what));
  }
  const absl::CivilSecond civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                tm.tm_sec);
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

// RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular
// extension." OpenSSL flags duplicates only for the extensions it interprets.
absl::Status CheckNoDuplicateExtensions(const X509* x509) {
  const int count = X509_get_ext_count(x509);
  for (int i = 0; i < count; ++i) {
    const ASN1_OBJECT* a = X509_EXTENSION_get_object(X509_get_ext(x509, i));
    for (int j = i + 1; j < count; ++j) {
      if (OBJ_cmp(a, X509_EXTENSION_get_object(X509_get_ext(x509, j))) == 0) {
        return Error(Reason::kCertificateInvalid, "duplicate extension");
      }
    }
  }
  return absl::OkStatus();
}

// RFC 5280 §4.2.1.6: an iPAddress is 4 (IPv4) or 16 (IPv6) octets in a SAN.
absl::Status CheckIpSans(const X509* x509) {
  UniqueGeneralNames names =
      GetExtension<GENERAL_NAMES, GENERAL_NAMES_free>(x509, NID_subject_alt_name);
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_IPADD) continue;
    const int len = ASN1_STRING_length(name->d.iPAddress);
    if (len != 4 && len != 16) {
      return Error(Reason::kCertificateInvalid, "SAN iPAddress must be 4 or 16 octets");
    }
  }
  return absl::OkStatus();
}

std::string FormatIp(const ASN1_OCTET_STRING* ip) {
  char text[INET6_ADDRSTRLEN] = {0};
  const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
  if (inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof(text)) == nullptr) return "";
  return text;
}

std::string StringOf(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// All SAN entries of GENERAL_NAME type `type`, formatted.
std::vector<std::string> SansOfType(const X509* x509, int type) {
  std::vector<std::string> out;
  UniqueGeneralNames names =
      GetExtension<GENERAL_NAMES, GENERAL_NAMES_free>(x509, NID_subject_alt_name);
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != type) continue;
    switch (type) {
      case GEN_URI:
        out.push_back(StringOf(name->d.uniformResourceIdentifier));
        break;
      case GEN_DNS:
        out.push_back(StringOf(name->d.dNSName));
        break;
      case GEN_IPADD:
        out.push_back(FormatIp(name->d.iPAddress));
        break;
    }
  }
  return out;
}

std::string NameToString(const X509_NAME* name) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  // RFC 2253 form, but UTF-8 rather than \XX escapes for non-ASCII (RFC 2253 §2.4 allows both).
  constexpr unsigned long kFlags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, kFlags) < 0) {
    crypto::internal::ClearOpenSslErrors();
    return "";
  }
  return crypto::internal::BioContents(bio.get());
}

bool HasEku(const X509* x509, int nid) {
  auto eku = GetExtension<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>(x509, NID_ext_key_usage);
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), i)) == nid) return true;
  }
  return false;
}

bool ReadIsCa(const X509* x509) {
  auto constraints =
      GetExtension<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>(x509, NID_basic_constraints);
  return constraints && constraints->ca != 0;
}

Certificate::KeyUsage ReadKeyUsage(const X509* x509) {
  int critical = 0;
  auto bits = GetExtension<ASN1_BIT_STRING, ASN1_BIT_STRING_free>(x509, NID_key_usage, &critical);
  Certificate::KeyUsage usage;
  if (!bits) return usage;
  // Bit numbers from the KeyUsage definition in RFC 5280 §4.2.1.3.
  usage.present = true;
  usage.critical = critical == 1;
  usage.digital_signature = ASN1_BIT_STRING_get_bit(bits.get(), 0) == 1;
  usage.key_encipherment = ASN1_BIT_STRING_get_bit(bits.get(), 2) == 1;
  usage.key_agreement = ASN1_BIT_STRING_get_bit(bits.get(), 4) == 1;
  usage.key_cert_sign = ASN1_BIT_STRING_get_bit(bits.get(), 5) == 1;
  usage.crl_sign = ASN1_BIT_STRING_get_bit(bits.get(), 6) == 1;
  return usage;
}

}  // namespace

absl::StatusOr<Certificate> Certificate::Adopt(std::shared_ptr<X509> x509, Bytes der,
                                               std::optional<crypto::PublicKey> key) {
  // Decodes and caches the standard extensions; fails on malformed or duplicated ones and on
  // signature algorithms OpenSSL does not know.
  if (X509_check_purpose(x509.get(), -1, 0) != 1) {
    return OpenSslError(Reason::kCertificateInvalid, "malformed certificate extensions");
  }
  TWI_RETURN_IF_ERROR(CheckNoDuplicateExtensions(x509.get()));
  TWI_RETURN_IF_ERROR(CheckIpSans(x509.get()));
  if (!key.has_value()) {
    auto decoded = crypto::PublicKey::FromEvp(X509_get0_pubkey(x509.get()));
    if (!decoded.ok()) {
      crypto::internal::ClearOpenSslErrors();
      return Error(Reason::kCertificateInvalid,
                   absl::StrFormat("unusable subject public key: %s", decoded.status().message()));
    }
    key = *std::move(decoded);
  }
  TWI_ASSIGN_OR_RETURN(absl::Time not_before,
                       ToAbslTime(X509_get0_notBefore(x509.get()), "notBefore"));
  TWI_ASSIGN_OR_RETURN(absl::Time not_after,
                       ToAbslTime(X509_get0_notAfter(x509.get()), "notAfter"));
  if (der.empty()) {
    unsigned char* encoded = nullptr;
    const int len = i2d_X509(x509.get(), &encoded);
    if (len <= 0) return OpenSslError(Reason::kCertificateInvalid, "cannot encode certificate");
    der.assign(encoded, encoded + len);
    OPENSSL_free(encoded);
  }
  const bool is_ca = ReadIsCa(x509.get());
  const KeyUsage usage = ReadKeyUsage(x509.get());
  return Certificate(std::move(x509), std::make_shared<const Bytes>(std::move(der)),
                     *std::move(key), not_before, not_after, is_ca, usage);
}

absl::StatusOr<Certificate> Certificate::FromDer(ByteView der) {
  if (der.size() > kMaxCertificateSize) {
    return Error(Reason::kCertificateInvalid, "certificate too large");
  }
  const unsigned char* p = der.data();
  crypto::internal::UniqueX509 x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x509) return OpenSslError(Reason::kCertificateInvalid, "not a DER certificate");
  if (p != der.data() + der.size()) {
    return Error(Reason::kCertificateInvalid, "trailing bytes after the certificate");
  }
  // OpenSSL re-emits the TBS bytes it cached while parsing; forcing a fresh encoding makes
  // the comparison below a real DER canonicity check (X.690 §10), e.g. for BOOLEAN TRUE != 0xFF
  // or long-form lengths. Names keep their cached encoding, which matching relies on.
  unsigned char* reencoded = nullptr;
  const bool reencoded_ok = i2d_re_X509_tbs(x509.get(), nullptr) > 0;
  const int len = reencoded_ok ? i2d_X509(x509.get(), &reencoded) : -1;
  const bool canonical =
      len == static_cast<int>(der.size()) && std::memcmp(reencoded, der.data(), der.size()) == 0;
  OPENSSL_free(reencoded);
  if (!canonical) {
    crypto::internal::ClearOpenSslErrors();
    return Error(Reason::kCertificateInvalid, "non-canonical DER certificate encoding");
  }
  return Adopt(Share(x509.release()), Bytes(der.begin(), der.end()), std::nullopt);
}

absl::StatusOr<Certificate> Certificate::FromPem(std::string_view pem) {
  if (pem.size() > 2 * kMaxCertificateSize) {
    return Error(Reason::kCertificateInvalid, "PEM certificate too large");
  }
  TWI_ASSIGN_OR_RETURN(Bytes der,
                       internal::DecodePemBlock(pem, kPemLabel, Reason::kCertificateInvalid));
  return FromDer(der);
}

absl::StatusOr<std::vector<Certificate>> Certificate::ChainFromPem(std::string_view pem) {
  if (pem.size() > kMaxPemSize) return Error(Reason::kCertificateInvalid, "PEM chain too large");
  TWI_ASSIGN_OR_RETURN(
      std::vector<Bytes> blocks,
      internal::DecodePemBlocks(pem, kPemLabel, kMaxChainLength, Reason::kCertificateInvalid));
  std::vector<Certificate> chain;
  chain.reserve(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto certificate = FromDer(blocks[i]);
    if (!certificate.ok()) {
      return Annotate(certificate.status(), absl::StrFormat("certificate %d in chain", i));
    }
    chain.push_back(std::move(certificate).value());
  }
  return chain;
}

absl::StatusOr<Certificate> Certificate::FromNative(X509* x509) {
  if (x509 == nullptr) return Error(Reason::kCertificateInvalid, "no certificate");
  if (X509_up_ref(x509) != 1) return OpenSslError(Reason::kCryptoFailure, "X509_up_ref");
  return Adopt(Share(x509), {}, std::nullopt);
}

absl::StatusOr<Certificate> Certificate::FromIssued(X509* x509, crypto::PublicKey subject_key) {
  if (x509 == nullptr) return Error(Reason::kCertificateInvalid, "no certificate");
  if (X509_up_ref(x509) != 1) return OpenSslError(Reason::kCryptoFailure, "X509_up_ref");
  return Adopt(Share(x509), {}, std::move(subject_key));
}

Bytes Certificate::ToDer() const { return *der_; }

std::string Certificate::ToPem() const { return internal::EncodePem(kPemLabel, *der_); }

std::string CertificatePem(ByteView der) { return internal::EncodePem(kPemLabel, der); }

std::string Certificate::SerialHex() const {
  UniqueBignum serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509_.get()), nullptr));
  if (!serial) abort();  // a parsed INTEGER always converts, short of memory exhaustion
  Bytes magnitude(std::max(1, BN_num_bytes(serial.get())));
  BN_bn2binpad(serial.get(), magnitude.data(), static_cast<int>(magnitude.size()));
  return (BN_is_negative(serial.get()) ? "-" : "") + HexEncode(magnitude);
}

std::string Certificate::Subject() const {
  return NameToString(X509_get_subject_name(x509_.get()));
}

std::string Certificate::Issuer() const { return NameToString(X509_get_issuer_name(x509_.get())); }

std::vector<std::string> Certificate::UriSans() const { return SansOfType(x509_.get(), GEN_URI); }
std::vector<std::string> Certificate::DnsSans() const { return SansOfType(x509_.get(), GEN_DNS); }
std::vector<std::string> Certificate::IpSans() const { return SansOfType(x509_.get(), GEN_IPADD); }

bool Certificate::SanCritical() const {
  const int index = X509_get_ext_by_NID(x509_.get(), NID_subject_alt_name, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x509_.get(), index)) == 1;
}

bool Certificate::HasExtendedKeyUsage() const {
  return X509_get_ext_by_NID(x509_.get(), NID_ext_key_usage, -1) >= 0;
}

bool Certificate::HasServerAuth() const { return HasEku(x509_.get(), NID_server_auth); }
bool Certificate::HasClientAuth() const { return HasEku(x509_.get(), NID_client_auth); }

std::string ChainToPem(const std::vector<Certificate>& chain) {
  std::string out;
  for (const Certificate& certificate : chain) out += certificate.ToPem();
  return out;
}

}  // namespace twi::x509
