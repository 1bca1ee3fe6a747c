#include "libs/net/server.h"

#include <future>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/net/boost_asio.h"
#include "libs/net/server_session.h"
#include "libs/net/tls_context.h"

namespace twi::net {
namespace {

namespace asio = internal::asio;
using internal::Await;
using internal::ErrorCode;
using internal::tcp;

constexpr std::string_view kLog = "net.server";
// Accept errors such as EMFILE repeat at once; pausing briefly avoids a hot loop.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);
// After the drain, how long closed connections get to notice before the threads are stopped.
constexpr absl::Duration kForceCloseGrace = absl::Seconds(1);

absl::Status CheckOptions(const ServerOptions& options, const Router* router) {
  if (router == nullptr) return Error(Reason::kConfigInvalid, "server needs a router");
  if (options.threads < 1) return Error(Reason::kConfigInvalid, "server needs at least 1 thread");
  if (options.max_connections == 0 || options.max_body_bytes == 0 ||
      options.max_header_bytes == 0) {
    return Error(Reason::kConfigInvalid, "server limits must be positive");
  }
  if (options.handshake_timeout <= absl::ZeroDuration() ||
      options.read_timeout <= absl::ZeroDuration() ||
      options.idle_timeout <= absl::ZeroDuration()) {
    return Error(Reason::kConfigInvalid, "server timeouts must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

class HttpsServer::Listener {
 public:
  Listener(ServerOptions options, std::shared_ptr<const Router> router, asio::ssl::context tls)
      : threads_count_(options.threads),
        shared_(std::move(options), std::move(router), std::move(tls)),
        io_(threads_count_),
        work_(asio::make_work_guard(io_)),
        acceptor_(asio::make_strand(io_)) {}

  ~Listener() { Shutdown(absl::ZeroDuration()); }

  absl::Status Listen(const asio::ip::address& address, uint16_t port) {
    const tcp::endpoint endpoint(address, port);
    ErrorCode ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) port_ = acceptor_.local_endpoint(ec).port();
    if (ec) {
      const std::string message =
          absl::StrFormat("cannot listen on %s:%d: %s", address.to_string(), port, ec.message());
      return Error(ec == asio::error::address_in_use ? Reason::kUnavailable : Reason::kIoError,
                   message);
    }
    asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), asio::detached);
    for (int i = 0; i < threads_count_; ++i) threads_.emplace_back([this] { RunIoThread(); });
    return absl::OkStatus();
  }

  uint16_t port() const { return port_; }

  void Shutdown(absl::Duration drain) {
    std::lock_guard<std::mutex> lock(shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    shared_.set_stopping();
    CloseAcceptor();
    for (const auto& session : shared_.LiveSessions()) session->CloseIfIdle();
    if (!shared_.WaitForNoSessions(drain)) {
      LogWarning(kLog, "drain deadline passed; closing the remaining connections");
      for (const auto& session : shared_.LiveSessions()) session->Close();
      shared_.WaitForNoSessions(kForceCloseGrace);
    }
    work_.reset();
    io_.stop();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

 private:
  asio::awaitable<void> AcceptLoop() {
    for (;;) {
      tcp::socket socket(asio::make_strand(io_));
      ErrorCode ec;
      co_await acceptor_.async_accept(socket, Await(ec));
      if (shared_.stopping() || !acceptor_.is_open()) co_return;
      if (ec) {
        LogWarning(kLog, absl::StrFormat("accept failed: %s", ec.message()));
        asio::steady_timer backoff(acceptor_.get_executor(), kAcceptBackoff);
        co_await backoff.async_wait(Await(ec));
        continue;
      }
      internal::ServerSession::Start(shared_, std::move(socket));
    }
  }

  // The acceptor belongs to its strand; closing it there cannot race the accept loop.
  void CloseAcceptor() {
    if (threads_.empty()) {
      ErrorCode ec;
      acceptor_.close(ec);
      return;
    }
    std::promise<void> closed;
    asio::post(acceptor_.get_executor(), [this, &closed] {
      ErrorCode ec;
      acceptor_.close(ec);
      closed.set_value();
    });
    closed.get_future().wait();
  }

  void RunIoThread() {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        LogError(kLog, absl::StrFormat("I/O thread caught: %s", e.what()));
      }
    }
  }

  const int threads_count_;
  // Declaration order is destruction order reversed: sessions still queued in io_ when it dies
  // unregister from shared_, so shared_ must outlive io_, and the acceptor must die before io_.
  internal::ServerShared shared_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::mutex shutdown_mu_;
  bool shut_down_ = false;
};

absl::StatusOr<std::unique_ptr<HttpsServer>> HttpsServer::Start(
    ServerOptions options, std::shared_ptr<const Router> router) {
  TWI_RETURN_IF_ERROR(CheckOptions(options, router.get()));
  ErrorCode ec;
  const asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) {
    return Error(Reason::kConfigInvalid,
                 absl::StrFormat("server address '%s' is not an IP address", options.address));
  }
  TWI_ASSIGN_OR_RETURN(asio::ssl::context tls, internal::MakeServerContext(options.tls));
  options.tls = TlsServerConfig();  // the key now lives in the TLS context only
  const uint16_t port = options.port;
  auto listener = std::make_unique<Listener>(std::move(options), std::move(router), std::move(tls));
  TWI_RETURN_IF_ERROR(listener->Listen(address, port));
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(listener)));
}

HttpsServer::HttpsServer(std::unique_ptr<Listener> listener) : listener_(std::move(listener)) {}

HttpsServer::~HttpsServer() { Shutdown(absl::Seconds(5)); }

uint16_t HttpsServer::port() const { return listener_->port(); }

void HttpsServer::Shutdown(absl::Duration drain) { listener_->Shutdown(drain); }

}  // namespace twi::net
