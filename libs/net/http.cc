#include "libs/net/http.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace twi::net {
namespace {

std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name) {
  const absl::string_view wanted(name.data(), name.size());
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, wanted)) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace

bool HasMediaType(std::string_view content_type, std::string_view media_type) {
  const std::string_view essence = content_type.substr(0, content_type.find(';'));
  const absl::string_view trimmed =
      absl::StripAsciiWhitespace(absl::string_view(essence.data(), essence.size()));
  return absl::EqualsIgnoreCase(trimmed, absl::string_view(media_type.data(), media_type.size()));
}

std::optional<std::string_view> HttpRequest::Header(std::string_view lower_name) const {
  return FindHeader(headers, lower_name);
}

std::optional<std::string_view> HttpResponse::Header(std::string_view lower_name) const {
  return FindHeader(headers, lower_name);
}

HttpResponse HttpResponse::Json(int status, const twi::Json& body) {
  return JsonText(status, DumpJson(body));
}

HttpResponse HttpResponse::JsonText(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::Text(int status, std::string content_type, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

}  // namespace twi::net
