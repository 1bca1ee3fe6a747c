#include "libs/policy/schema.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::policy::internal {
namespace {

// The document schema version this build reads. A new version is a new parser, never a
// reinterpretation, because policy ids in old EARs must keep replaying to the same decision.
constexpr int64_t kSchemaVersion = 1;

std::string_view TypeName(const Json& value) {
  if (value.is_object()) return "a mapping";
  if (value.is_array()) return "a sequence";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "null";
}

absl::Status WrongType(const Json& value, std::string_view path, std::string_view expected) {
  return ConfigError(path, absl::StrFormat("must be %s, not %s", expected, TypeName(value)));
}

struct DigestForm {
  std::string_view prefix;
  size_t size;
};
constexpr DigestForm kSha256{"sha256:", 32};
constexpr DigestForm kSha384{"sha384:", 48};

}  // namespace

absl::Status ConfigError(std::string_view path, std::string_view message) {
  return Error(Reason::kConfigInvalid,
               absl::StrFormat("%s: %s", path.empty() ? "document" : path, message));
}

std::string ChildPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return absl::StrFormat("%s.%s", parent, key);
}

std::string IndexPath(std::string_view parent, size_t index) {
  return absl::StrFormat("%s[%d]", parent, index);
}

absl::Status RequireMap(const Json& value, std::string_view path) {
  if (!value.is_object()) return WrongType(value, path, "a mapping");
  return absl::OkStatus();
}

absl::StatusOr<MapReader> MapReader::Make(const Json& value, std::string path,
                                          std::initializer_list<std::string_view> allowed_keys) {
  TWI_RETURN_IF_ERROR(RequireMap(value, path));
  for (const auto& [key, unused] : value.items()) {
    if (std::find(allowed_keys.begin(), allowed_keys.end(), key) == allowed_keys.end()) {
      return ConfigError(ChildPath(path, key), "unknown key");
    }
  }
  return MapReader(value, std::move(path));
}

const Json* MapReader::Optional(std::string_view key) const {
  auto it = map_->find(key);
  return it == map_->end() ? nullptr : &*it;
}

absl::StatusOr<const Json*> MapReader::Required(std::string_view key) const {
  const Json* value = Optional(key);
  if (value == nullptr) return ConfigError(PathOf(key), "missing required key");
  return value;
}

absl::StatusOr<std::string> ReadString(const Json& value, std::string_view path) {
  if (!value.is_string()) return WrongType(value, path, "a string");
  return value.get<std::string>();
}

absl::StatusOr<bool> ReadBool(const Json& value, std::string_view path) {
  if (!value.is_boolean()) return WrongType(value, path, "true or false");
  return value.get<bool>();
}

absl::StatusOr<int64_t> ReadInt(const Json& value, std::string_view path, int64_t min,
                                int64_t max) {
  if (!value.is_number_integer()) return WrongType(value, path, "an integer");
  // Unsigned JSON integers above INT64_MAX cannot be in range of any field we have.
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return ConfigError(path, absl::StrFormat("must be between %d and %d", min, max));
  }
  const int64_t number = value.get<int64_t>();
  if (number < min || number > max) {
    return ConfigError(path, absl::StrFormat("must be between %d and %d", min, max));
  }
  return number;
}

absl::StatusOr<const Json*> ReadList(const Json& value, std::string_view path) {
  if (!value.is_array()) return WrongType(value, path, "a sequence");
  if (value.empty()) return ConfigError(path, "must not be empty");
  return &value;
}

bool IsLowerAlnumDash(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}
bool IsMeasurementChar(char c) { return IsLowerAlnumDash(c) || c == '.' || c == '_'; }
bool IsLabelChar(char c) { return IsMeasurementChar(c) || (c >= 'A' && c <= 'Z') || c == '+'; }

absl::StatusOr<std::string> ReadToken(const Json& value, std::string_view path, size_t max_size,
                                      bool (*allowed)(char), std::string_view charset) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadString(value, path));
  bool ok = !text.empty() && text.size() <= max_size;
  for (char c : text) ok = ok && allowed(c);
  if (!ok) {
    return ConfigError(path,
                       absl::StrFormat("must be 1 to %d characters of %s", max_size, charset));
  }
  return text;
}

absl::StatusOr<absl::Duration> ReadDuration(const Json& value, std::string_view path,
                                            absl::Duration max) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadString(value, path));
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration)) {
    return ConfigError(path, "must be a duration such as \"30s\", \"5m\" or \"1h30m\"");
  }
  if (duration <= absl::ZeroDuration() || duration == absl::InfiniteDuration()) {
    return ConfigError(path, "must be a positive, finite duration");
  }
  if (duration > max) {
    return ConfigError(path, absl::StrFormat("must be at most %s", absl::FormatDuration(max)));
  }
  return duration;
}

absl::StatusOr<Bytes> ReadDigest(const Json& value, std::string_view path, bool allow_sha384) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadString(value, path));
  const std::string_view expected = allow_sha384
                                        ? "\"sha256:<64 hex digits>\" or \"sha384:<96 hex digits>\""
                                        : "\"sha256:<64 hex digits>\"";
  for (const DigestForm& form : {kSha256, kSha384}) {
    if (form.prefix == kSha384.prefix && !allow_sha384) continue;
    if (!std::string_view(text).starts_with(form.prefix)) continue;
    const std::string_view hex = std::string_view(text).substr(form.prefix.size());
    absl::StatusOr<Bytes> digest = HexDecode(hex);
    if (!digest.ok() || digest->size() != form.size) {
      return ConfigError(path, absl::StrFormat("must be %s", expected));
    }
    return *std::move(digest);
  }
  return ConfigError(path, absl::StrFormat("must be %s", expected));
}

absl::Status CheckHeader(const Json& document, std::string_view kind) {
  TWI_RETURN_IF_ERROR(RequireMap(document, ""));
  auto version = document.find("version");
  if (version == document.end()) return ConfigError("version", "missing required key");
  if (!version->is_number_integer() || version->get<int64_t>() != kSchemaVersion) {
    return ConfigError("version",
                       absl::StrFormat("unsupported schema version %s; this build reads %d",
                                       DumpJson(*version), kSchemaVersion));
  }
  auto kind_value = document.find("kind");
  if (kind_value == document.end()) return ConfigError("kind", "missing required key");
  TWI_ASSIGN_OR_RETURN(std::string actual, ReadString(*kind_value, "kind"));
  if (actual != kind) {
    return ConfigError("kind", absl::StrFormat("expected \"%s\", found \"%s\"", kind, actual));
  }
  return absl::OkStatus();
}

}  // namespace twi::policy::internal
