#include "libs/spiffe/spiffe_id.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::spiffe {
namespace {

constexpr std::string_view kScheme = "spiffe";
constexpr std::string_view kSchemeSeparator = "://";

absl::Status Invalid(std::string_view message) {
  return Error(Reason::kSpiffeIdInvalid, absl::StrFormat("SPIFFE ID: %s", message));
}

// absl::EqualsIgnoreCase takes absl::string_view, which is not std::string_view in Debian's absl.
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool IsTrustDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool IsPathChar(char c) { return IsTrustDomainChar(c) || (c >= 'A' && c <= 'Z'); }

// Characters that are legal in some URI but never in a SPIFFE ID get a message naming the URI
// feature, so an operator sees "port" rather than "invalid character ':'".
absl::Status ForbiddenUriFeature(char c, std::string_view where) {
  switch (c) {
    case '%':
      return Invalid(absl::StrFormat("percent-encoding is not allowed in the %s", where));
    case '?':
      return Invalid("a query is not allowed");
    case '#':
      return Invalid("a fragment is not allowed");
    default:
      return absl::OkStatus();
  }
}

absl::Status TooLong(size_t size) {
  return Invalid(absl::StrFormat("longer than %d bytes (%d)", kMaxSpiffeIdLength, size));
}

}  // namespace

absl::Status ValidateTrustDomain(std::string_view trust_domain) {
  // SPIFFE-ID §2.1: non-empty, lower-case letters, digits, '.', '-', '_'; at most 255 bytes.
  if (trust_domain.empty()) return Invalid("trust domain is empty");
  if (trust_domain.size() > kMaxTrustDomainLength) {
    return Invalid(absl::StrFormat("trust domain is longer than %d bytes", kMaxTrustDomainLength));
  }
  // Userinfo may itself contain ':', so look for it first to report it as what it is.
  if (trust_domain.find('@') != std::string_view::npos) return Invalid("userinfo is not allowed");
  for (char c : trust_domain) {
    if (IsTrustDomainChar(c)) continue;
    TWI_RETURN_IF_ERROR(ForbiddenUriFeature(c, "trust domain"));
    if (c == ':') return Invalid("a port is not allowed");
    if (c >= 'A' && c <= 'Z') return Invalid("trust domain must be lower case");
    return Invalid(absl::StrFormat("trust domain contains an invalid character (0x%02x)",
                                   static_cast<unsigned char>(c)));
  }
  return absl::OkStatus();
}

absl::Status ValidatePath(std::string_view path) {
  // SPIFFE-ID §2.2: "" (trust domain ID) or "/"-separated segments of [a-zA-Z0-9._-]; no empty,
  // "." or ".." segment; hence no "//" and no trailing "/".
  if (path.empty()) return absl::OkStatus();
  if (path.front() != '/') return Invalid("path must start with '/'");
  size_t start = 1;
  while (true) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if (segment.empty()) {
      return Invalid(end == path.size() ? "path has a trailing '/'"
                                        : "path has an empty segment ('//')");
    }
    if (segment == "." || segment == "..") {
      return Invalid("path segments '.' and '..' are not allowed");
    }
    for (char c : segment) {
      if (IsPathChar(c)) continue;
      TWI_RETURN_IF_ERROR(ForbiddenUriFeature(c, "path"));
      return Invalid(absl::StrFormat("path contains an invalid character (0x%02x)",
                                     static_cast<unsigned char>(c)));
    }
    if (end == path.size()) return absl::OkStatus();
    start = end + 1;
  }
}

absl::StatusOr<SpiffeId> SpiffeId::Parse(std::string_view uri) {
  // SPIFFE-ID §2.3: bound the whole URI before looking inside it.
  if (uri.size() > kMaxSpiffeIdLength) return TooLong(uri.size());
  const size_t separator = uri.find(kSchemeSeparator);
  if (separator == std::string_view::npos) return Invalid("missing \"spiffe://\" scheme");
  // SPIFFE-ID §2: the scheme is case-insensitive; output is normalized to lower case.
  if (!EqualsIgnoreAsciiCase(uri.substr(0, separator), kScheme)) {
    return Invalid("scheme must be \"spiffe\"");
  }
  const std::string_view rest = uri.substr(separator + kSchemeSeparator.size());
  const size_t path_start = std::min(rest.find('/'), rest.size());
  const std::string_view trust_domain = rest.substr(0, path_start);
  const std::string_view path = rest.substr(path_start);
  TWI_RETURN_IF_ERROR(ValidateTrustDomain(trust_domain));
  TWI_RETURN_IF_ERROR(ValidatePath(path));
  return SpiffeId(std::string(trust_domain), std::string(path));
}

absl::StatusOr<SpiffeId> SpiffeId::FromParts(std::string_view trust_domain, std::string_view path) {
  TWI_RETURN_IF_ERROR(ValidateTrustDomain(trust_domain));
  TWI_RETURN_IF_ERROR(ValidatePath(path));
  const size_t size = kScheme.size() + kSchemeSeparator.size() + trust_domain.size() + path.size();
  if (size > kMaxSpiffeIdLength) return TooLong(size);
  return SpiffeId(std::string(trust_domain), std::string(path));
}

std::string SpiffeId::ToString() const {
  if (empty()) return "";
  return std::string(kScheme) + std::string(kSchemeSeparator) + trust_domain_ + path_;
}

}  // namespace twi::spiffe
