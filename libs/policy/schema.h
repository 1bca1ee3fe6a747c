// Internal to libs/policy: typed, path-aware reading of a policy document after YAML has been
// turned into JSON (yaml_json.h). Not a public API; other libraries use the document parsers.
//
// Every error is kConfigInvalid with a message that starts with the offending key path in the
// form "releases[1].measurements.image", so an operator can find the line without a debugger.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"

namespace twi::policy::internal {

// "<path>: <message>" as kConfigInvalid ("document: <message>" at the root).
absl::Status ConfigError(std::string_view path, std::string_view message);

std::string ChildPath(std::string_view parent, std::string_view key);
std::string IndexPath(std::string_view parent, size_t index);

// Reads the keys of one mapping with a fixed set of allowed keys. Borrows `map`. Thread-compatible.
class MapReader {
 public:
  // kConfigInvalid unless `value` is a mapping whose keys are all in `allowed_keys`. Unknown keys
  // are reported first, so a misspelt key is not masked by "missing required key" for the key
  // it was meant to be.
  static absl::StatusOr<MapReader> Make(const Json& value, std::string path,
                                        std::initializer_list<std::string_view> allowed_keys);

  std::string PathOf(std::string_view key) const { return ChildPath(path_, key); }
  // nullptr when absent.
  const Json* Optional(std::string_view key) const;
  // kConfigInvalid "missing required key" when absent.
  absl::StatusOr<const Json*> Required(std::string_view key) const;

 private:
  MapReader(const Json& map, std::string path) : map_(&map), path_(std::move(path)) {}

  const Json* map_;
  std::string path_;
};

// For free-form mappings (claims, measurements): kConfigInvalid unless `value` is a mapping.
absl::Status RequireMap(const Json& value, std::string_view path);

// Typed scalars. `path` names the value in errors.
absl::StatusOr<std::string> ReadString(const Json& value, std::string_view path);
absl::StatusOr<bool> ReadBool(const Json& value, std::string_view path);
absl::StatusOr<int64_t> ReadInt(const Json& value, std::string_view path, int64_t min, int64_t max);
// A non-empty sequence.
absl::StatusOr<const Json*> ReadList(const Json& value, std::string_view path);

// A string of 1..max_size characters, each accepted by `allowed`; `charset` describes them in
// the error message ("[a-z0-9-]").
absl::StatusOr<std::string> ReadToken(const Json& value, std::string_view path, size_t max_size,
                                      bool (*allowed)(char), std::string_view charset);
bool IsLowerAlnumDash(char c);   // [a-z0-9-]
bool IsMeasurementChar(char c);  // [a-z0-9._-]
bool IsLabelChar(char c);        // [A-Za-z0-9._+-]

// A Go-style duration string accepted by absl::ParseDuration ("30s", "5m", "1h30m"), strictly
// positive, finite and at most `max`.
absl::StatusOr<absl::Duration> ReadDuration(const Json& value, std::string_view path,
                                            absl::Duration max = absl::InfiniteDuration());

// "sha256:<64 hex>" (and "sha384:<96 hex>" when `allow_sha384`), hex in either case. Returns
// the raw digest bytes.
absl::StatusOr<Bytes> ReadDigest(const Json& value, std::string_view path, bool allow_sha384);

// Checks the `version: 1` and `kind: <kind>` header every policy document starts with. Run
// before the schema so that a document of another kind is reported as such, not as a list of
// unknown keys.
absl::Status CheckHeader(const Json& document, std::string_view kind);

}  // namespace twi::policy::internal
