#include "libs/jose/strict_json.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::jose::internal {

absl::StatusOr<Json> ParseStrictObject(std::string_view text, std::string_view what) {
  absl::StatusOr<Json> value = ParseJson(
      text, JsonParseOptions{.max_depth = kMaxJsonDepth, .reject_duplicate_members = true});
  if (!value.ok()) {
    return Error(Reason::kJoseMalformed, absl::StrFormat("%s: %s", what, value.status().message()));
  }
  if (!value->is_object()) {
    return Error(Reason::kJoseMalformed, absl::StrFormat("%s is not a JSON object", what));
  }
  return value;
}

}  // namespace twi::jose::internal
