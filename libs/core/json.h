// Bounded JSON parsing for untrusted input (request bodies, tokens, policies).
//
// nlohmann::json throws; this adapter catches at the boundary and returns kMalformedJson.
// A nesting limit stops hostile inputs from exhausting the stack in later recursive walks.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace twi {

using Json = nlohmann::json;

inline constexpr int kMaxJsonDepth = 32;

struct JsonParseOptions {
  int max_depth = kMaxJsonDepth;
  // nlohmann keeps the last of repeated member names, so two parsers could read different
  // values from one text; formats that forbid repeats (JOSE) refuse them instead.
  bool reject_duplicate_members = false;
};

// Errors: kMalformedJson, with what is wrong (syntax, nesting, repeated member).
absl::StatusOr<Json> ParseJson(std::string_view text, const JsonParseOptions& options);
absl::StatusOr<Json> ParseJson(std::string_view text, int max_depth = kMaxJsonDepth);

// Parses and requires a JSON object at the top level.
absl::StatusOr<Json> ParseJsonObject(std::string_view text, int max_depth = kMaxJsonDepth);

// Typed field access that reports which field is wrong. `Reason` is kRequestInvalid unless given.
absl::StatusOr<std::string> GetString(const Json& object, std::string_view field);
absl::StatusOr<int64_t> GetInt(const Json& object, std::string_view field);
absl::StatusOr<const Json*> GetObject(const Json& object, std::string_view field);
absl::StatusOr<const Json*> GetArray(const Json& object, std::string_view field);

// Compact serialization; invalid UTF-8 is replaced rather than thrown on.
std::string DumpJson(const Json& value);

}  // namespace twi
