#include "libs/x509/names.h"

#include <cctype>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::x509::internal {
namespace {

using crypto::internal::OpenSslError;
using crypto::internal::UniqueGeneralNames;

// IA5String content twi emits: printable ASCII without spaces.
bool IsPrintableAscii(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// RFC 5280 §4.2.1.6: a URI SAN "MUST NOT be a relative URI"; RFC 3986 §3.1 scheme syntax.
bool HasScheme(std::string_view uri) {
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    const unsigned char c = static_cast<unsigned char>(uri[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

absl::Status PushIa5(GENERAL_NAMES* names, int type, const std::string& value) {
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_IA5STRING* text = ASN1_IA5STRING_new();
  if (name == nullptr || text == nullptr ||
      ASN1_STRING_set(text, value.data(), static_cast<int>(value.size())) != 1) {
    GENERAL_NAME_free(name);
    ASN1_IA5STRING_free(text);
    return OpenSslError(Reason::kCryptoFailure, "cannot build a GeneralName");
  }
  GENERAL_NAME_set0_value(name, type, text);
  if (sk_GENERAL_NAME_push(names, name) <= 0) {
    GENERAL_NAME_free(name);
    return OpenSslError(Reason::kCryptoFailure, "sk_GENERAL_NAME_push");
  }
  return absl::OkStatus();
}

absl::Status PushIp(GENERAL_NAMES* names, const std::string& value) {
  ASN1_OCTET_STRING* address = a2i_IPADDRESS(value.c_str());
  if (address == nullptr) {
    crypto::internal::ClearOpenSslErrors();
    return Error(Reason::kInvalidArgument, absl::StrFormat("invalid IP address \"%s\"", value));
  }
  GENERAL_NAME* name = GENERAL_NAME_new();
  if (name == nullptr) {
    ASN1_OCTET_STRING_free(address);
    return OpenSslError(Reason::kCryptoFailure, "GENERAL_NAME_new");
  }
  GENERAL_NAME_set0_value(name, GEN_IPADD, address);
  if (sk_GENERAL_NAME_push(names, name) <= 0) {
    GENERAL_NAME_free(name);
    return OpenSslError(Reason::kCryptoFailure, "sk_GENERAL_NAME_push");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AppendRelativeNames(const RelativeNames& entries, X509_NAME* name) {
  for (const auto& [type, value] : entries) {
    // X.520 DirectoryString is SIZE (1..MAX); an empty attribute is not a valid name.
    if (value.empty()) {
      return Error(Reason::kInvalidArgument,
                   absl::StrFormat("name attribute %s has an empty value", type));
    }
    if (X509_NAME_add_entry_by_txt(name, type.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      return OpenSslError(Reason::kInvalidArgument,
                          absl::StrFormat("invalid name attribute %s", type));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<UniqueGeneralNames> BuildSubjectAltNames(
    const std::vector<std::string>& uris, const std::vector<std::string>& dns_names,
    const std::vector<std::string>& ip_addresses) {
  if (uris.empty() && dns_names.empty() && ip_addresses.empty()) return UniqueGeneralNames();
  UniqueGeneralNames names(sk_GENERAL_NAME_new_null());
  if (!names) return OpenSslError(Reason::kCryptoFailure, "sk_GENERAL_NAME_new_null");
  for (const std::string& uri : uris) {
    if (!IsPrintableAscii(uri) || !HasScheme(uri)) {
      return Error(Reason::kInvalidArgument,
                   absl::StrFormat("URI SAN \"%s\" is not an absolute ASCII URI", uri));
    }
    TWI_RETURN_IF_ERROR(PushIa5(names.get(), GEN_URI, uri));
  }
  for (const std::string& dns : dns_names) {
    if (!IsPrintableAscii(dns)) {
      return Error(Reason::kInvalidArgument,
                   absl::StrFormat("DNS SAN \"%s\" is not printable ASCII", dns));
    }
    TWI_RETURN_IF_ERROR(PushIa5(names.get(), GEN_DNS, dns));
  }
  for (const std::string& ip : ip_addresses) TWI_RETURN_IF_ERROR(PushIp(names.get(), ip));
  return names;
}

}  // namespace twi::x509::internal
