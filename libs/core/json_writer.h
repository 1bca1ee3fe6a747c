// Compact JSON written straight into a string, for responses on the hot path that would
// otherwise be built as a DOM only to be dumped at once, and for splicing in fragments encoded
// ahead of time (a trust bundle every issuance returns unchanged).
//
// Output is what DumpJson would print for the same values: RFC 8259 §7 escapes, UTF-8 kept
// as is, invalid UTF-8 replaced. The writer does not sort members: callers that want DumpJson's
// bytes exactly write them in nlohmann's (sorted) order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "libs/core/json.h"

namespace twi {

class JsonWriter {
 public:
  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // Names the next value of the enclosing object.
  JsonWriter& Key(std::string_view name);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // `json` must be one complete JSON value (from DumpJson or JsonQuote, say); it is not checked.
  JsonWriter& Raw(std::string_view json);

  // The document so far; the writer is left empty.
  std::string Take();

 private:
  // A comma before every value and key but the first of its container.
  void Separate();
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);

  std::string out_;
  bool needs_comma_ = false;
};

// `value` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view value);

}  // namespace twi
