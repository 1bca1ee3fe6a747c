#include "libs/net/server_session.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/net/http_codec.h"
#include "libs/net/problem.h"
#include "libs/net/tls_context.h"

namespace twi::net::internal {
namespace {

constexpr std::string_view kLog = "net.server";
constexpr size_t kReadChunk = 16 * 1024;
// After an error response the server keeps reading (and discarding) for a short while so that
// closing with unread request bytes does not reset the connection before the client has read the
// response (the "lingering close" of HTTP servers). Bounded in time and bytes.
constexpr absl::Duration kMaxLinger = absl::Seconds(2);
// Enough to drain a body a few times over the default 1 MiB limit, which a client that never
// reads before it has written everything (most do) is still sending when refused.
constexpr size_t kMaxLingerBytes = 4 << 20;
// Waiting for the peer's close_notify is a courtesy, not worth holding a connection long.
constexpr absl::Duration kMaxTlsShutdown = absl::Seconds(1);

std::string FormatEndpoint(const tcp::socket& socket) {
  ErrorCode ec;
  const tcp::endpoint endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  const asio::ip::address address = endpoint.address();
  if (address.is_v6()) return absl::StrFormat("[%s]:%d", address.to_string(), endpoint.port());
  return absl::StrFormat("%s:%d", address.to_string(), endpoint.port());
}

bool IsHttpError(const ErrorCode& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// The problem to answer a failed request read with, or nothing when the connection itself failed
// (peer gone, deadline passed, TLS error) and there is no one to answer.
std::optional<HttpResponse> ProblemForReadError(const ErrorCode& ec, size_t max_body_bytes) {
  if (ec == http::error::body_limit) {
    return ProblemResponse(Error(Reason::kBodyTooLarge,
                                 absl::StrFormat("request body exceeds %d bytes", max_body_bytes)));
  }
  if (ec == http::error::header_limit) {
    return ProblemResponse(Error(Reason::kRequestInvalid, "request header too large"));
  }
  if (!IsHttpError(ec) || ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return std::nullopt;
  }
  return ProblemResponse(Error(Reason::kRequestInvalid, "malformed HTTP request"));
}

bool ExpectsContinue(const BeastRequest& request) {
  return beast::iequals(request[http::field::expect], "100-continue");
}

}  // namespace

bool ServerShared::Register(const std::shared_ptr<ServerSession>& session) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= options_.max_connections) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void ServerShared::Unregister(const ServerSession* session) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(session);
  if (sessions_.empty()) no_sessions_.notify_all();
}

std::vector<std::shared_ptr<ServerSession>> ServerShared::LiveSessions() {
  std::vector<std::shared_ptr<ServerSession>> live;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, weak] : sessions_) {
    if (std::shared_ptr<ServerSession> session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

bool ServerShared::WaitForNoSessions(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return no_sessions_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                               [this] { return sessions_.empty(); });
}

void ServerSession::Start(ServerShared& shared, tcp::socket socket) {
  // Asio's TLS stream writes a gathered buffer as several records; without NODELAY, Nagle and
  // delayed ACKs would add tens of milliseconds to each response.
  ErrorCode ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<ServerSession>(shared, std::move(socket));
  if (shared.stopping() || !shared.Register(session)) {
    LogDebug(kLog, absl::StrFormat("refusing connection from %s: at capacity or stopping",
                                   session->remote_address_));
    return;  // the session's destructor closes the socket
  }
  auto executor = session->stream_.get_executor();
  asio::co_spawn(executor, session->Run(session), [](std::exception_ptr error) {
    if (error == nullptr) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      LogError(kLog, absl::StrFormat("connection ended by exception: %s", e.what()));
    } catch (...) {
      LogError(kLog, "connection ended by a non-standard exception");
    }
  });
}

ServerSession::ServerSession(ServerShared& shared, tcp::socket socket)
    : shared_(shared),
      remote_address_(FormatEndpoint(socket)),
      stream_(beast::tcp_stream(std::move(socket)), shared.tls()) {}

ServerSession::~ServerSession() { shared_.Unregister(this); }

void ServerSession::CloseIfIdle() { CloseIf(/*only_if_not_busy=*/true); }

void ServerSession::Close() { CloseIf(/*only_if_not_busy=*/false); }

void ServerSession::CloseIf(bool only_if_not_busy) {
  asio::post(stream_.get_executor(), [self = shared_from_this(), only_if_not_busy] {
    if (only_if_not_busy && self->phase_ == Phase::kBusy) return;
    self->stream_.next_layer().close();
  });
}

asio::awaitable<void> ServerSession::Run(std::shared_ptr<ServerSession> self) {
  const ServerOptions& options = shared_.options();
  ErrorCode ec;
  stream_.next_layer().expires_after(ToSteady(options.handshake_timeout));
  co_await stream_.async_handshake(asio::ssl::stream_base::server, Await(ec));
  if (ec) {
    LogDebug(kLog, absl::StrFormat("TLS handshake with %s failed: %s", remote_address_,
                                   HandshakeFailureDetail(stream_.native_handle(), ec)));
    co_return;
  }
  absl::StatusOr<Bytes> exporter = ChannelBindingExporter(stream_.native_handle());
  if (!exporter.ok()) {
    LogWarning(kLog, exporter.status().ToString());
    co_return;
  }
  exporter_ = *std::move(exporter);
  peer_ = VerifiedPeer(stream_.native_handle());

  beast::flat_buffer buffer;
  for (;;) {
    if (buffer.size() == 0) {
      // Between requests: the idle deadline applies, and a stopping server closes at once.
      phase_ = Phase::kIdle;
      if (shared_.stopping()) break;
      stream_.next_layer().expires_after(ToSteady(options.idle_timeout));
      const size_t n = co_await stream_.async_read_some(buffer.prepare(kReadChunk), Await(ec));
      if (ec) co_return;  // peer closed, idle deadline passed, or server stopping
      buffer.commit(n);
      if (n == 0) continue;
    }
    phase_ = Phase::kBusy;
    const bool keep_going = co_await ServeRequest(buffer);
    if (!keep_going) co_return;
  }
  co_await CloseGracefully();
}

asio::awaitable<bool> ServerSession::ServeRequest(beast::flat_buffer& buffer) {
  const ServerOptions& options = shared_.options();
  const absl::Time start = absl::Now();
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(options.max_body_bytes);

  // One deadline for the whole request, from its first byte to its last.
  stream_.next_layer().expires_after(ToSteady(options.read_timeout));
  ErrorCode ec;
  co_await http::async_read_header(stream_, buffer, parser, Await(ec));
  if (!ec && ExpectsContinue(parser.get()) && !parser.is_done()) {
    http::response<http::empty_body> proceed{http::status::continue_, 11};
    co_await http::async_write(stream_, proceed, Await(ec));
  }
  if (!ec && !parser.is_done()) co_await http::async_read(stream_, buffer, parser, Await(ec));
  if (ec) {
    std::optional<HttpResponse> problem = ProblemForReadError(ec, options.max_body_bytes);
    if (problem.has_value()) {
      LogDebug(kLog, absl::StrFormat("bad request from %s: %s", remote_address_, ec.message()));
      co_await SendErrorAndLinger(*std::move(problem));
    }
    co_return false;
  }

  const bool client_keeps_alive = parser.get().keep_alive();
  HttpRequest request = FromBeastRequest(parser.release());
  request.peer = peer_;
  request.remote_address = remote_address_;
  request.tls_exporter = exporter_;
  HttpResponse response = shared_.router().Dispatch(request);
  // Checked after the handler: a shutdown that began meanwhile closes this connection.
  const bool keep_alive = client_keeps_alive && !shared_.stopping();
  const int status = response.status;
  BeastResponse wire = ToBeastResponse(std::move(response), keep_alive);
  stream_.next_layer().expires_after(ToSteady(options.read_timeout));
  co_await http::async_write(stream_, wire, Await(ec));
  if (LogEnabled(LogLevel::kDebug)) {
    LogDebug(kLog,
             absl::StrFormat("%s %s %s -> %d (%.1f ms)%s", remote_address_, request.method,
                             request.path, status, absl::ToDoubleMilliseconds(absl::Now() - start),
                             ec ? " write failed: " + ec.message() : std::string()));
  }
  if (ec) co_return false;
  if (!keep_alive) {
    co_await CloseGracefully();
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> ServerSession::SendErrorAndLinger(HttpResponse response) {
  const ServerOptions& options = shared_.options();
  BeastResponse wire = ToBeastResponse(std::move(response), /*keep_alive=*/false);
  ErrorCode ec;
  stream_.next_layer().expires_after(ToSteady(options.read_timeout));
  co_await http::async_write(stream_, wire, Await(ec));
  if (ec) co_return;
  // The TLS session is abandoned (the request stream is unusable); only TCP is wound down.
  stream_.next_layer().socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.next_layer().expires_after(ToSteady(std::min(options.read_timeout, kMaxLinger)));
  std::string sink(kReadChunk, '\0');
  size_t discarded = 0;
  while (discarded < kMaxLingerBytes) {
    const size_t n = co_await stream_.next_layer().async_read_some(asio::buffer(sink), Await(ec));
    if (ec) break;
    discarded += n;
  }
  stream_.next_layer().close();
}

asio::awaitable<void> ServerSession::CloseGracefully() {
  ErrorCode ec;
  stream_.next_layer().expires_after(
      ToSteady(std::min(shared_.options().read_timeout, kMaxTlsShutdown)));
  co_await stream_.async_shutdown(Await(ec));
  stream_.next_layer().close();
}

}  // namespace twi::net::internal
