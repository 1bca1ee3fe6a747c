// HTTPS (TLS 1.3 only, optional mTLS) server for twi's JSON APIs, on Boost.Beast/Asio coroutines.
//
// Every socket operation has a deadline, every request a header and body limit, and shutdown
// drains in-flight requests. Each request carries the RFC 9266 tls-exporter and the verified peer
// identity of its connection. Routing is the Router's job; the server special-cases no path.
// Not a general web server: HTTP/1.1 only, no HTTP/2, no compression, no static files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/net/router.h"
#include "libs/net/tls.h"

namespace twi::net {

struct ServerOptions {
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6 address
  uint16_t port = 0;                  // 0 = ephemeral
  TlsServerConfig tls;
  size_t max_body_bytes = 1 << 20;      // larger body -> 413 problem BODY_TOO_LARGE, close
  size_t max_header_bytes = 16 * 1024;  // larger header -> 400 problem REQUEST_INVALID, close
  absl::Duration handshake_timeout = absl::Seconds(10);
  // For a whole request once its first byte arrived; also bounds writing the response.
  absl::Duration read_timeout = absl::Seconds(10);
  absl::Duration idle_timeout = absl::Seconds(60);  // keep-alive idle
  int threads = 2;                                  // I/O threads; handlers run on them
  size_t max_connections = 4096;                    // beyond: accept and close at once
};

class HttpsServer {
 public:
  // Binds, listens and starts the I/O threads. kConfigInvalid for bad TLS material or options;
  // kUnavailable if the address is in use, kIoError if it cannot be bound otherwise.
  static absl::StatusOr<std::unique_ptr<HttpsServer>> Start(ServerOptions options,
                                                            std::shared_ptr<const Router> router);

  // Shutdown(absl::Seconds(5)).
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // The actually bound port. Thread-safe.
  uint16_t port() const;

  // Stops accepting (new connections are refused), closes idle connections, lets in-flight
  // requests finish and answer (with Connection: close) for up to `drain`, then closes every
  // connection and joins the threads. Idempotent and thread-safe, but must not be called from a
  // handler; a handler that never returns blocks it.
  void Shutdown(absl::Duration drain);

 private:
  class Listener;
  explicit HttpsServer(std::unique_ptr<Listener> listener);
  std::unique_ptr<Listener> listener_;
};

}  // namespace twi::net
