// Internal to libs/jose: the one JSON parser for JOSE objects (JWS headers, JWT claim sets,
// JWKs). Not a public API.
//
// Stricter than core's ParseJson: the top level must be an object and no object (at any depth)
// may repeat a member name. nlohmann silently keeps the last duplicate, so two parsers could read
// different values from the same token; RFC 7515 §4 and RFC 7519 §4 let us reject instead.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/json.h"

namespace twi::jose::internal {

// Parses `text` as a JSON object with unique member names, nesting at most kMaxJsonDepth.
// `what` names the object in error messages ("JWS header"). Errors: kJoseMalformed.
// Thread-safe.
absl::StatusOr<Json> ParseStrictObject(std::string_view text, std::string_view what);

}  // namespace twi::jose::internal
