#include "libs/net/client.h"

#include <exception>
#include <optional>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/net/boost_asio.h"
#include "libs/net/http_codec.h"
#include "libs/net/tls_context.h"

namespace twi::net {
namespace {

namespace asio = internal::asio;
namespace beast = internal::beast;
namespace http = internal::http;
using internal::Await;
using internal::BeastRequest;
using internal::ErrorCode;
using internal::tcp;
using internal::TlsStream;

constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;

std::string HostHeader(const std::string& host, uint16_t port) {
  // An IPv6 literal is bracketed in the Host header (RFC 9110 §7.2, RFC 3986 §3.2.2).
  if (host.find(':') != std::string::npos) return absl::StrFormat("[%s]:%d", host, port);
  return absl::StrFormat("%s:%d", host, port);
}

// How an exchange ended, beyond its result.
struct ExchangeInfo {
  bool retryable = false;   // failed before any byte of the response: resending is safe to try
  bool keep_alive = false;  // the connection may carry another request
};

}  // namespace

class HttpsClient::Connection {
 public:
  Connection(std::string host, uint16_t port, TlsClientConfig tls, ClientOptions options)
      : host_(std::move(host)),
        port_(port),
        server_name_(tls.server_name.empty() ? host_ : tls.server_name),
        host_header_(HostHeader(host_, port_)),
        options_(options),
        tls_(internal::MakeClientContext(tls)) {}

  ~Connection() { Close(); }

  absl::StatusOr<HttpResponse> Request(std::string_view method, std::string_view target,
                                       std::string_view body, std::string_view content_type,
                                       const HeaderList& headers, bool allow_reconnect) {
    TWI_ASSIGN_OR_RETURN(
        BeastRequest request,
        internal::MakeBeastRequest(method, target, host_header_, body, content_type, headers));
    const bool reused = connected();
    if (!reused) TWI_RETURN_IF_ERROR(Connect());
    ExchangeInfo info;
    absl::StatusOr<HttpResponse> response =
        Drive(options_.request_timeout, Exchange(request, info), "HTTPS request");
    if (!response.ok() && reused && allow_reconnect && info.retryable) {
      // The server closed the kept-alive connection (idle timeout, restart) before answering.
      Close();
      TWI_RETURN_IF_ERROR(Connect());
      info = ExchangeInfo();
      response = Drive(options_.request_timeout, Exchange(request, info), "HTTPS request");
    }
    if (!response.ok() || !info.keep_alive) Close();
    return response;
  }

  absl::StatusOr<Bytes> TlsExporter() {
    if (!connected()) TWI_RETURN_IF_ERROR(Connect());
    return exporter_;
  }

  bool connected() const {
    return stream_.has_value() && beast::get_lowest_layer(*stream_).socket().is_open();
  }

  void Close() {
    if (stream_.has_value()) beast::get_lowest_layer(*stream_).close();
    stream_.reset();
    buffer_.clear();
    exporter_.clear();
  }

 private:
  absl::Status Connect() {
    if (!tls_.ok()) return tls_.status();
    Close();
    absl::Status status = Drive(options_.connect_timeout, OpenConnection(), "HTTPS connect");
    if (!status.ok()) Close();
    return status;
  }

  // Runs `operation` on this client's io_context for at most `timeout`. On the deadline the
  // connection is torn down so the operation completes, and kTimeout is returned.
  template <typename T>
  T Drive(absl::Duration timeout, asio::awaitable<T> operation, std::string_view what) {
    std::optional<T> result;
    asio::co_spawn(io_, std::move(operation), [&result](std::exception_ptr error, T value) {
      if (error != nullptr) {
        result.emplace(Error(Reason::kInternal, "unexpected exception in the HTTPS client"));
      } else {
        result.emplace(std::move(value));
      }
    });
    io_.restart();
    io_.run_for(internal::ToSteady(timeout));
    if (result.has_value()) return *std::move(result);
    resolver_.cancel();
    if (stream_.has_value()) beast::get_lowest_layer(*stream_).close();
    io_.restart();
    io_.run();
    Close();
    return Error(Reason::kTimeout, absl::StrFormat("%s to %s timed out after %s", what,
                                                   host_header_, absl::FormatDuration(timeout)));
  }

  asio::awaitable<absl::Status> OpenConnection() {
    ErrorCode ec;
    const tcp::resolver::results_type endpoints =
        co_await resolver_.async_resolve(host_, std::to_string(port_), Await(ec));
    if (ec) {
      co_return Error(Reason::kTransportError,
                      absl::StrFormat("cannot resolve %s: %s", host_, ec.message()));
    }
    stream_.emplace(io_, *tls_);
    absl::Status name = internal::SetExpectedServerName(stream_->native_handle(), server_name_);
    if (!name.ok()) co_return name;
    co_await beast::get_lowest_layer(*stream_).async_connect(endpoints, Await(ec));
    if (ec) {
      co_return Error(Reason::kTransportError,
                      absl::StrFormat("cannot connect to %s: %s", host_header_, ec.message()));
    }
    ErrorCode ignored;  // see ServerSession::Start on why NODELAY
    beast::get_lowest_layer(*stream_).socket().set_option(tcp::no_delay(true), ignored);
    co_await stream_->async_handshake(asio::ssl::stream_base::client, Await(ec));
    if (ec) {
      co_return Error(
          Reason::kTransportError,
          absl::StrFormat("TLS handshake with %s failed: %s", host_header_,
                          internal::HandshakeFailureDetail(stream_->native_handle(), ec)));
    }
    absl::StatusOr<Bytes> exporter = internal::ChannelBindingExporter(stream_->native_handle());
    if (!exporter.ok()) co_return exporter.status();
    exporter_ = *std::move(exporter);
    co_return absl::OkStatus();
  }

  asio::awaitable<absl::StatusOr<HttpResponse>> Exchange(BeastRequest& request,
                                                         ExchangeInfo& info) {
    ErrorCode ec;
    co_await http::async_write(*stream_, request, Await(ec));
    if (ec) {
      info.retryable = true;
      co_return Error(Reason::kTransportError,
                      absl::StrFormat("sending to %s failed: %s", host_header_, ec.message()));
    }
    http::response_parser<http::string_body> parser;
    parser.header_limit(kMaxResponseHeaderBytes);
    parser.body_limit(options_.max_response_bytes);
    // Header first: Beast 1.74 loses the Content-Length body_limit error of a response when the
    // header and body arrive in one eager parse, so the limit is checked on the header here.
    co_await http::async_read_header(*stream_, buffer_, parser, Await(ec));
    if (!ec && parser.content_length().value_or(0) > options_.max_response_bytes) {
      ec = http::error::body_limit;
    }
    if (!ec && !parser.is_done()) co_await http::async_read(*stream_, buffer_, parser, Await(ec));
    if (ec == http::error::body_limit) {
      co_return Error(Reason::kBodyTooLarge,
                      absl::StrFormat("response from %s exceeds %d bytes", host_header_,
                                      options_.max_response_bytes));
    }
    if (ec) {
      info.retryable = !parser.got_some();
      co_return Error(Reason::kTransportError,
                      absl::StrFormat("reading from %s failed: %s", host_header_, ec.message()));
    }
    info.keep_alive = parser.get().keep_alive();
    co_return internal::FromBeastResponse(parser.release());
  }

  const std::string host_;
  const uint16_t port_;
  const std::string server_name_;
  const std::string host_header_;
  const ClientOptions options_;
  absl::StatusOr<asio::ssl::context> tls_;  // an error here is reported by every call
  // The connection state below lives on io_ and is destroyed before it.
  asio::io_context io_{1};
  tcp::resolver resolver_{io_};
  std::optional<TlsStream> stream_;
  beast::flat_buffer buffer_;
  Bytes exporter_;
};

HttpsClient::HttpsClient(std::string host, uint16_t port, TlsClientConfig tls,
                         ClientOptions options)
    : connection_(std::make_unique<Connection>(std::move(host), port, std::move(tls), options)) {}

HttpsClient::~HttpsClient() = default;
HttpsClient::HttpsClient(HttpsClient&&) noexcept = default;
HttpsClient& HttpsClient::operator=(HttpsClient&&) noexcept = default;

absl::StatusOr<HttpResponse> HttpsClient::Request(std::string_view method, std::string_view target,
                                                  std::string_view body,
                                                  std::string_view content_type,
                                                  const HeaderList& headers, bool allow_reconnect) {
  return connection_->Request(method, target, body, content_type, headers, allow_reconnect);
}

absl::StatusOr<Bytes> HttpsClient::TlsExporter() { return connection_->TlsExporter(); }

bool HttpsClient::connected() const { return connection_->connected(); }

void HttpsClient::Close() { connection_->Close(); }

}  // namespace twi::net
