#include "libs/core/json.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi {

absl::StatusOr<Json> ParseJson(std::string_view text, int max_depth) {
  bool too_deep = false;
  auto callback = [&](int depth, Json::parse_event_t event, Json&) {
    if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
        depth >= max_depth) {
      too_deep = true;
    }
    return !too_deep;
  };
  try {
    Json value = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                             /*ignore_comments=*/false);
    if (too_deep) {
      return Error(Reason::kMalformedJson,
                   absl::StrFormat("JSON nesting deeper than %d levels", max_depth));
    }
    return value;
  } catch (const Json::exception& e) {
    if (too_deep) {
      return Error(Reason::kMalformedJson,
                   absl::StrFormat("JSON nesting deeper than %d levels", max_depth));
    }
    return Error(Reason::kMalformedJson, absl::StrFormat("malformed JSON: %s", e.what()));
  }
}

absl::StatusOr<Json> ParseJsonObject(std::string_view text, int max_depth) {
  TWI_ASSIGN_OR_RETURN(Json value, ParseJson(text, max_depth));
  if (!value.is_object()) return Error(Reason::kMalformedJson, "JSON value is not an object");
  return value;
}

namespace {

absl::StatusOr<const Json*> Field(const Json& object, std::string_view field) {
  if (!object.is_object()) return Error(Reason::kRequestInvalid, "expected a JSON object");
  auto it = object.find(field);
  if (it == object.end()) {
    return Error(Reason::kRequestInvalid, absl::StrFormat("missing field \"%s\"", field));
  }
  return &*it;
}

absl::Status WrongType(std::string_view field, std::string_view type) {
  return Error(Reason::kRequestInvalid, absl::StrFormat("field \"%s\" must be %s", field, type));
}

}  // namespace

absl::StatusOr<std::string> GetString(const Json& object, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const Json* value, Field(object, field));
  if (!value->is_string()) return WrongType(field, "a string");
  return value->get<std::string>();
}

absl::StatusOr<int64_t> GetInt(const Json& object, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const Json* value, Field(object, field));
  if (!value->is_number_integer()) return WrongType(field, "an integer");
  return value->get<int64_t>();
}

absl::StatusOr<const Json*> GetObject(const Json& object, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const Json* value, Field(object, field));
  if (!value->is_object()) return WrongType(field, "an object");
  return value;
}

absl::StatusOr<const Json*> GetArray(const Json& object, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const Json* value, Field(object, field));
  if (!value->is_array()) return WrongType(field, "an array");
  return value;
}

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace twi
