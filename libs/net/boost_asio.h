// Internal to libs/net: the one place that includes Boost.Asio/Beast, so that the include-order
// workaround below lives once and error_code never appears in a public header.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <boost/asio.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <string_view>
#include <utility>

#include "absl/time/time.h"

namespace twi::net::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using BeastRequest = http::request<http::string_body>;
using BeastResponse = http::response<http::string_body>;

// Beast has its own string_view type.
inline std::string_view ToStd(beast::string_view s) { return std::string_view(s.data(), s.size()); }
inline beast::string_view ToBeast(std::string_view s) {
  return beast::string_view(s.data(), s.size());
}

// `co_await op(Await(ec))` reports failure in `ec` instead of throwing.
inline auto Await(ErrorCode& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

inline std::chrono::steady_clock::duration ToSteady(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

}  // namespace twi::net::internal
