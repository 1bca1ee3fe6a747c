// Transport-neutral HTTP request and response values passed between the HTTPS server, the router
// and handlers (and returned by the HTTPS client).
//
// Plain data: no I/O, no validation beyond what the server and client do at the wire. Not an HTTP
// library; only what twi's JSON APIs need.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/core/bytes.h"
#include "libs/core/json.h"

namespace twi::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Who is on the other end of the TLS connection, as established by the handshake.
struct PeerIdentity {
  bool certificate_verified = false;  // a client certificate was presented and verified
  std::vector<std::string> uri_sans;  // URI SANs of the verified client leaf certificate
  std::string subject;                // RFC 2253 subject of that certificate, "" if none
};

// The value of `name` in a query string "a=b&c=d", percent-decoded ("" if absent or if its
// encoding is broken). The first occurrence wins.
std::string QueryValue(std::string_view query, std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without query, e.g. "/v1/attest"
  std::string query;   // raw query string without '?', "" if none
  HeaderList headers;  // names lower-cased
  std::string body;
  PeerIdentity peer;
  std::string remote_address;  // "ip:port" ("[ip6]:port" for IPv6)
  Bytes tls_exporter;          // RFC 9266 tls-exporter of this connection: 32 bytes

  // Value of the first header named `lower_name` (compared case-insensitively). Thread-compatible.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Server side: extra headers to send (Content-Length, Connection and Transfer-Encoding are the
  // server's and ignored here; a Cache-Control here replaces the default "no-store").
  // Client side: every response header, names lower-cased.
  HeaderList headers;

  static HttpResponse Json(int status, const twi::Json& body);
  // As Json, for a body already serialized (e.g. by a JsonWriter); it is sent unchecked.
  static HttpResponse JsonText(int status, std::string body);
  static HttpResponse Text(int status, std::string content_type, std::string body);

  // Value of the first header named `lower_name` (compared case-insensitively). Thread-compatible.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
};

// True if the media type of a Content-Type value (before any ';' parameters, ignoring case and
// surrounding whitespace) equals `media_type`, e.g. ("application/json; charset=utf-8",
// "application/json"). Thread-safe.
bool HasMediaType(std::string_view content_type, std::string_view media_type);

}  // namespace twi::net
