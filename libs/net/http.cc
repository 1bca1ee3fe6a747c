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

std::string QueryValue(std::string_view query, std::string_view name) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      const std::string_view raw = pair.substr(eq + 1);
      std::string value;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
          value.push_back(raw[i] == '+' ? ' ' : raw[i]);
          continue;
        }
        if (i + 2 >= raw.size()) return "";
        absl::StatusOr<Bytes> octet = HexDecode(raw.substr(i + 1, 2));
        if (!octet.ok()) return "";
        value.push_back(static_cast<char>((*octet)[0]));
        i += 2;
      }
      return value;
    }
    start = end + 1;
  }
  return "";
}

}  // namespace twi::net
