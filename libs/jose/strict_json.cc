#include "libs/jose/strict_json.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::jose::internal {

absl::StatusOr<Json> ParseStrictObject(std::string_view text, std::string_view what) {
  // One set of member names per open object. Once `problem` is set every later event is
  // discarded, so the stack need not stay balanced after that point.
  std::vector<std::set<std::string>> open_objects;
  std::string problem;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (!problem.empty()) return false;
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (depth >= kMaxJsonDepth) {
          problem = absl::StrFormat("nested deeper than %d levels", kMaxJsonDepth);
          return false;
        }
        if (event == Json::parse_event_t::object_start) open_objects.emplace_back();
        return true;
      case Json::parse_event_t::object_end:
        open_objects.pop_back();
        return true;
      case Json::parse_event_t::key:
        if (!open_objects.back().insert(parsed.get<std::string>()).second) {
          problem = "duplicate member name";
          return false;
        }
        return true;
      default:
        return true;
    }
  };
  Json value;
  try {
    value = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                        /*ignore_comments=*/false);
  } catch (const Json::exception& e) {
    if (problem.empty()) problem = e.what();
  }
  if (!problem.empty()) {
    return Error(Reason::kJoseMalformed, absl::StrFormat("%s: %s", what, problem));
  }
  if (!value.is_object()) {
    return Error(Reason::kJoseMalformed, absl::StrFormat("%s is not a JSON object", what));
  }
  return value;
}

}  // namespace twi::jose::internal
