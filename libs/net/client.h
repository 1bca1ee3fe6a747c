// HTTPS (TLS 1.3 only) client for twi's JSON APIs: one keep-alive connection to one server, with
// an optional client certificate (mTLS) and access to the connection's RFC 9266 tls-exporter so
// that attestation evidence can be bound to the channel it travels on.
//
// Blocking calls, each with a deadline. Not a general HTTP client: no redirects, no proxies, no
// cookies, no HTTP/2, no system trust store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/net/http.h"
#include "libs/net/tls.h"

namespace twi::net {

struct ClientOptions {
  absl::Duration connect_timeout = absl::Seconds(10);  // resolve + TCP connect + TLS handshake
  absl::Duration request_timeout = absl::Seconds(30);  // write the request + read the response
  size_t max_response_bytes = 4 << 20;                 // response body limit
};

// One keep-alive HTTPS connection, opened lazily. NOT thread-safe: use one client per thread (or
// per workload). Movable; a moved-from client may only be destroyed or assigned to.
class HttpsClient {
 public:
  HttpsClient(std::string host, uint16_t port, TlsClientConfig tls, ClientOptions options = {});
  ~HttpsClient();
  HttpsClient(HttpsClient&&) noexcept;
  HttpsClient& operator=(HttpsClient&&) noexcept;

  // Sends one request and reads its response. Content-Type is set when `body` is non-empty;
  // Host, Content-Length and Connection are the client's (passing them in `headers` is an
  // error). If a reused connection turns out to have been closed by the server before any byte of
  // the response arrived and `allow_reconnect` is true, reconnects once and resends. Pass false
  // when the request carries something bound to the current connection's TlsExporter(): a new
  // connection has a new exporter.
  // An HTTP error status is NOT an error here: the response is returned and callers use
  // StatusFromResponse. Errors: kTransportError (resolve, connect, TLS, I/O), kTimeout,
  // kBodyTooLarge (response over max_response_bytes), kConfigInvalid (unusable TLS material),
  // kInvalidArgument (method, target or headers that would break the HTTP framing).
  absl::StatusOr<HttpResponse> Request(std::string_view method, std::string_view target,
                                       std::string_view body = {},
                                       std::string_view content_type = "application/json",
                                       const HeaderList& headers = {}, bool allow_reconnect = true);

  // Connects if needed and returns the RFC 9266 tls-exporter (32 bytes) of the CURRENT
  // connection. Errors as for Request.
  absl::StatusOr<Bytes> TlsExporter();

  // Whether a connection is open (the server may still have closed it without our knowing).
  bool connected() const;
  // Closes the connection; the next call opens a new one.
  void Close();

 private:
  class Connection;
  std::unique_ptr<Connection> connection_;
};

struct Endpoint {
  std::string host;  // IPv6 literals without brackets
  uint16_t port;
};

// "https://host:port" (port default 443; IPv6 "[::1]:8443" allowed; scheme case-insensitive;
// a trailing "/" allowed) -> host and port. kConfigInvalid for another scheme, an empty host, a
// bad port, or any path, query, fragment or userinfo. Thread-safe.
absl::StatusOr<Endpoint> ParseHttpsUrl(std::string_view url);

}  // namespace twi::net
