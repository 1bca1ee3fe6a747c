#include "libs/net/http_codec.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/net/problem.h"

namespace twi::net::internal {
namespace {

// Header names and values must not end the header line early (response splitting).
bool IsSafeFieldText(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool IsSafeToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

bool IsHeaderName(std::string_view text) {
  return IsSafeToken(text) && text.find(':') == std::string_view::npos;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  absl::AsciiStrToLower(&lower);
  return lower;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

// Framing headers belong to the server, never to a handler.
bool IsFramingHeader(std::string_view name) {
  return EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "connection") ||
         EqualsIgnoreCase(name, "transfer-encoding");
}

bool IsSendable(const HttpResponse& response) {
  if (response.status < 100 || response.status > 599) return false;
  if (!IsSafeFieldText(response.content_type)) return false;
  for (const auto& [name, value] : response.headers) {
    if (!IsHeaderName(name) || !IsSafeFieldText(value)) return false;
  }
  return true;
}

}  // namespace

HttpRequest FromBeastRequest(BeastRequest&& request) {
  HttpRequest out;
  out.method = std::string(ToStd(request.method_string()));
  const std::string_view target = ToStd(request.target());
  const size_t question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.query = std::string(target.substr(question + 1));
  for (const auto& field : request) {
    out.headers.emplace_back(Lower(ToStd(field.name_string())), std::string(ToStd(field.value())));
  }
  out.body = std::move(request.body());
  return out;
}

BeastResponse ToBeastResponse(HttpResponse response, bool keep_alive) {
  if (!IsSendable(response)) {
    LogError("net.server", "handler produced an unsendable response; sending 500 instead");
    response = ProblemResponse(Error(Reason::kInternal, "internal error"));
  }
  BeastResponse out;
  out.version(11);
  out.result(static_cast<unsigned>(response.status));
  if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
  // Responses carry credentials and attestation results: no cache may keep them by default.
  out.set(http::field::cache_control, "no-store");
  for (auto& [name, value] : response.headers) {
    if (IsFramingHeader(name)) continue;
    if (EqualsIgnoreCase(name, "cache-control")) {
      out.set(http::field::cache_control, value);
    } else {
      out.insert(name, value);
    }
  }
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

HttpResponse FromBeastResponse(BeastResponse&& response) {
  HttpResponse out;
  out.status = static_cast<int>(response.result_int());
  out.content_type = std::string(ToStd(response[http::field::content_type]));
  for (const auto& field : response) {
    out.headers.emplace_back(Lower(ToStd(field.name_string())), std::string(ToStd(field.value())));
  }
  out.body = std::move(response.body());
  return out;
}

absl::StatusOr<BeastRequest> MakeBeastRequest(std::string_view method, std::string_view target,
                                              std::string_view host, std::string_view body,
                                              std::string_view content_type,
                                              const HeaderList& headers) {
  if (!IsSafeToken(method) || !IsSafeToken(target) || target.front() != '/') {
    return Error(Reason::kInvalidArgument, "bad HTTP method or target");
  }
  if (!IsSafeFieldText(content_type)) {
    return Error(Reason::kInvalidArgument, "bad Content-Type");
  }
  for (const auto& [name, value] : headers) {
    if (!IsHeaderName(name) || !IsSafeFieldText(value) || IsFramingHeader(name) ||
        EqualsIgnoreCase(name, "host")) {
      return Error(Reason::kInvalidArgument, "bad or reserved request header");
    }
  }
  BeastRequest request;
  request.version(11);
  request.method_string(ToBeast(method));
  request.target(ToBeast(target));
  request.set(http::field::host, ToBeast(host));
  request.set(http::field::user_agent, "twi");
  for (const auto& [name, value] : headers) request.insert(name, value);
  if (!body.empty()) {
    request.set(http::field::content_type, ToBeast(content_type));
  }
  request.body() = std::string(body);
  request.keep_alive(true);
  request.prepare_payload();
  return request;
}

}  // namespace twi::net::internal
