#include "libs/keystore/pkcs11_uri.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::keystore {
namespace {

constexpr std::string_view kScheme = "pkcs11:";
constexpr std::string_view kTypes[] = {"private", "public", "cert", "secret-key", "data"};

absl::Status Invalid(std::string_view what) {
  return Error(Reason::kInvalidArgument, absl::StrFormat("pkcs11 URI: %s", what));
}

// RFC 3986 unreserved characters, which RFC 7512 never requires to be encoded.
bool Unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void AppendEncoded(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : value) {
    if (Unreserved(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> Decode(std::string_view value, std::string_view name) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      // RFC 7512 §2.3: '/', '?', '#', ';' and '%' only encoded inside a path attribute value.
      if (value[i] == '/' || value[i] == '?' || value[i] == '#') {
        return Invalid(absl::StrFormat("\"%s\" holds a reserved character", name));
      }
      out += value[i];
      continue;
    }
    const int hi = i + 2 < value.size() ? HexValue(value[i + 1]) : -1;
    const int lo = i + 2 < value.size() ? HexValue(value[i + 2]) : -1;
    if (hi < 0 || lo < 0) return Invalid(absl::StrFormat("bad percent-encoding in \"%s\"", name));
    out += static_cast<char>((hi << 4) | lo);
    i += 2;
  }
  return out;
}

}  // namespace

absl::StatusOr<Pkcs11Uri> ParsePkcs11Uri(std::string_view uri) {
  if (uri.substr(0, kScheme.size()) != kScheme) return Invalid("must start with \"pkcs11:\"");
  std::string_view path = uri.substr(kScheme.size());
  if (path.find('?') != std::string_view::npos || path.find('#') != std::string_view::npos) {
    return Invalid("query and fragment parts are not accepted (a PIN never goes in a URI)");
  }
  Pkcs11Uri out;
  bool seen_token = false, seen_object = false, seen_id = false, seen_type = false;
  while (!path.empty()) {
    const size_t end = std::min(path.find(';'), path.size());
    const std::string_view attribute = path.substr(0, end);
    path.remove_prefix(std::min(end + 1, path.size()));
    const size_t eq = attribute.find('=');
    if (eq == std::string_view::npos) return Invalid("an attribute lacks \"=\"");
    const std::string_view name = attribute.substr(0, eq);
    TWI_ASSIGN_OR_RETURN(std::string value, Decode(attribute.substr(eq + 1), name));
    auto once = [&](bool& seen) -> absl::Status {
      if (seen) return Invalid(absl::StrFormat("\"%s\" given twice", name));
      seen = true;
      return absl::OkStatus();
    };
    if (name == "token") {
      TWI_RETURN_IF_ERROR(once(seen_token));
      out.token = std::move(value);
    } else if (name == "object") {
      TWI_RETURN_IF_ERROR(once(seen_object));
      out.object = std::move(value);
    } else if (name == "id") {
      TWI_RETURN_IF_ERROR(once(seen_id));
      out.id.assign(value.begin(), value.end());
    } else if (name == "type") {
      TWI_RETURN_IF_ERROR(once(seen_type));
      bool known = false;
      for (std::string_view type : kTypes) known = known || value == type;
      if (!known) return Invalid("unknown \"type\"");
      out.type = std::move(value);
    } else {
      return Invalid(absl::StrFormat("attribute \"%s\" is not supported",
                                     name.size() > 32 ? name.substr(0, 32) : name));
    }
  }
  return out;
}

std::string FormatPkcs11Uri(const Pkcs11Uri& uri) {
  std::string out(kScheme);
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) out += ';';
    first = false;
    out += name;
    out += '=';
    AppendEncoded(out, value);
  };
  if (!uri.token.empty()) add("token", uri.token);
  if (!uri.object.empty()) add("object", uri.object);
  if (!uri.id.empty()) add("id", AsString(uri.id));
  if (!uri.type.empty()) add("type", uri.type);
  return out;
}

}  // namespace twi::keystore
