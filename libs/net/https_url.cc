#include "absl/strings/match.h"
#include "libs/core/status.h"
#include "libs/net/client.h"

namespace twi::net {
namespace {

constexpr std::string_view kScheme = "https://";
constexpr uint16_t kDefaultPort = 443;

absl::Status Invalid(std::string_view why) {
  return Error(Reason::kConfigInvalid, std::string("bad https URL: ") + std::string(why));
}

absl::StatusOr<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return Invalid("bad port");
  uint32_t port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Invalid("bad port");
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) return Invalid("port out of range");
  return static_cast<uint16_t>(port);
}

bool IsHostText(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    if (c <= ' ' || c == 0x7f || c == '[' || c == ']') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Endpoint> ParseHttpsUrl(std::string_view url) {
  if (url.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(absl::string_view(url.data(), kScheme.size()),
                              absl::string_view(kScheme.data(), kScheme.size()))) {
    return Invalid("scheme must be https");
  }
  std::string_view authority = url.substr(kScheme.size());
  if (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
  if (authority.find_first_of("/?#@") != std::string_view::npos) {
    return Invalid("no path, query, fragment or userinfo allowed");
  }
  std::string_view host;
  std::string_view rest;  // ":port" or ""
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid("unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    if (host.find(':') == std::string_view::npos) return Invalid("bad IPv6 literal");
    rest = authority.substr(close + 1);
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) rest = authority.substr(colon);
  }
  if (!IsHostText(host)) return Invalid("bad host");
  Endpoint endpoint{std::string(host), kDefaultPort};
  if (!rest.empty()) {
    if (rest.front() != ':') return Invalid("junk after host");
    TWI_ASSIGN_OR_RETURN(endpoint.port, ParsePort(rest.substr(1)));
  }
  return endpoint;
}

}  // namespace twi::net
