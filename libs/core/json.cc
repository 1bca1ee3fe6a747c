#include "libs/core/json.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi {

namespace {

// Builds the DOM straight from nlohmann's SAX events. nlohmann's own callback parser, the other
// way to bound the depth, copies every key and value into a temporary for the callback; this
// is the parser of every request body and token, so it should not.
class BoundedDomBuilder {
 public:
  explicit BoundedDomBuilder(const JsonParseOptions& options) : options_(options) {}

  bool null() { return Add(Json(nullptr)); }
  bool boolean(bool value) { return Add(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return Add(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return Add(Json(value)); }
  bool number_float(Json::number_float_t value, const Json::string_t&) { return Add(Json(value)); }
  // The lexer clears its token buffer before every token, so the string may be moved out.
  bool string(Json::string_t& value) { return Add(Json(std::move(value))); }
  bool binary(Json::binary_t&) { return Fail("binary values are not JSON"); }
  bool start_object(std::size_t) { return Open(Json::value_t::object); }
  bool start_array(std::size_t) { return Open(Json::value_t::array); }
  bool key(Json::string_t& name) {
    Json& object = *open_.back();
    if (options_.reject_duplicate_members && object.contains(name)) {
      return Fail("duplicate member name");
    }
    member_ = &object[std::move(name)];
    return true;
  }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    return Fail(absl::StrCat("malformed JSON: ", e.what()));
  }

  Json& root() { return root_; }
  const std::string& problem() const { return problem_; }

 private:
  // Puts a value where the grammar says it goes: the root, the member just named, or the end of
  // the innermost array. Pointers into an array stay valid: nothing is appended to an array
  // while one of its elements is still open.
  Json* Place(Json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& container = *open_.back();
    if (container.is_array()) {
      container.push_back(std::move(value));
      return &container.back();
    }
    *member_ = std::move(value);
    return member_;
  }
  bool Add(Json value) {
    Place(std::move(value));
    return true;
  }
  bool Open(Json::value_t type) {
    if (static_cast<int>(open_.size()) >= options_.max_depth) {
      return Fail(absl::StrFormat("JSON nesting deeper than %d levels", options_.max_depth));
    }
    open_.push_back(Place(Json(type)));
    return true;
  }
  bool Close() {
    open_.pop_back();
    return true;
  }
  bool Fail(std::string problem) {
    if (problem_.empty()) problem_ = std::move(problem);
    return false;
  }

  const JsonParseOptions& options_;
  Json root_;
  std::vector<Json*> open_;
  Json* member_ = nullptr;
  std::string problem_;
};

}  // namespace

absl::StatusOr<Json> ParseJson(std::string_view text, const JsonParseOptions& options) {
  BoundedDomBuilder builder(options);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json,
                         /*strict=*/true, /*ignore_comments=*/false);
  } catch (const Json::exception& e) {
    return Error(Reason::kMalformedJson, absl::StrCat("malformed JSON: ", e.what()));
  }
  if (!ok) {
    return Error(Reason::kMalformedJson,
                 builder.problem().empty() ? "malformed JSON" : builder.problem());
  }
  return std::move(builder.root());
}

absl::StatusOr<Json> ParseJson(std::string_view text, int max_depth) {
  return ParseJson(text, JsonParseOptions{.max_depth = max_depth});
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
