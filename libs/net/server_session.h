// Internal to libs/net: one accepted HTTPS connection of HttpsServer, and what all connections
// share with the listener.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/net/boost_asio.h"
#include "libs/net/http.h"
#include "libs/net/router.h"
#include "libs/net/server.h"

namespace twi::net::internal {

class ServerSession;

// Owned by the listener and outlives every session: the listener joins its I/O threads (and so
// ends every session) before destroying it.
class ServerShared {
 public:
  ServerShared(ServerOptions options, std::shared_ptr<const Router> router, asio::ssl::context tls)
      : options_(std::move(options)), router_(std::move(router)), tls_(std::move(tls)) {}

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return *router_; }
  asio::ssl::context& tls() { return tls_; }

  // Set once by Shutdown; sessions then finish their request and close.
  bool stopping() const { return stopping_.load(); }
  void set_stopping() { stopping_.store(true); }

  // Session registry. All thread-safe.
  // False (and not registered) when max_connections sessions are already live.
  bool Register(const std::shared_ptr<ServerSession>& session);
  void Unregister(const ServerSession* session);
  std::vector<std::shared_ptr<ServerSession>> LiveSessions();
  // True once no session is live; false if `timeout` passed first.
  bool WaitForNoSessions(absl::Duration timeout);

 private:
  const ServerOptions options_;  // without the TLS key, which lives in tls_ only
  const std::shared_ptr<const Router> router_;
  asio::ssl::context tls_;
  std::atomic<bool> stopping_{false};

  std::mutex mu_;
  std::condition_variable no_sessions_;
  std::map<const ServerSession*, std::weak_ptr<ServerSession>> sessions_;
};

// Serves HTTP/1.1 requests on one TLS connection, on its own strand, until the peer closes, a
// deadline passes, an error forces a close, or the server stops.
class ServerSession : public std::enable_shared_from_this<ServerSession> {
 public:
  // Takes over an accepted socket (bound to a strand). Closes it at once when the server is at
  // max_connections or stopping.
  static void Start(ServerShared& shared, tcp::socket socket);

  ServerSession(ServerShared& shared, tcp::socket socket);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Closes the connection unless a request is being read, handled or answered. Thread-safe.
  void CloseIfIdle();
  // Closes the connection whatever it is doing. Thread-safe.
  void Close();

 private:
  enum class Phase { kHandshake, kIdle, kBusy };

  asio::awaitable<void> Run(std::shared_ptr<ServerSession> self);
  // Reads, dispatches and answers one request; false when the connection is finished.
  asio::awaitable<bool> ServeRequest(beast::flat_buffer& buffer);
  asio::awaitable<void> SendErrorAndLinger(HttpResponse response);
  asio::awaitable<void> CloseGracefully();
  void CloseIf(bool only_if_not_busy);

  ServerShared& shared_;
  std::string remote_address_;  // before stream_, which takes the socket over
  TlsStream stream_;
  // Per-connection facts computed once after the handshake.
  Bytes exporter_;
  PeerIdentity peer_;
  Phase phase_ = Phase::kHandshake;  // touched on the strand only
};

}  // namespace twi::net::internal
