#include "libs/core/json_writer.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace twi {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// RFC 8259 §7, with nlohmann's choices: short escapes where JSON has them, \u00xx (lower-case
// hex) for the other control characters, '/' and DEL unescaped.
void AppendEscape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
  }
}

// Whether any of the 8 bytes in `w` is a control character, '"', '\\' or non-ASCII: the
// classic SWAR tests (a byte below n, a byte equal to c) on all eight at once.
bool AnySpecial(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto zero_byte = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return ((w & kHigh) | below_space | zero_byte(w ^ (kOnes * '"')) |
          zero_byte(w ^ (kOnes * '\\'))) != 0;
}

void AppendQuoted(std::string& out, std::string_view value) {
  const size_t start = out.size();
  out.reserve(start + value.size() + 2);
  out += '"';
  size_t copied = 0;  // value[0, copied) is in `out`
  size_t i = 0;
  // Long strings (PEM, JWS, base64) are plain ASCII: skip them eight bytes at a time.
  while (i + 8 <= value.size()) {
    uint64_t w;
    std::memcpy(&w, value.data() + i, 8);
    if (AnySpecial(w)) break;
    i += 8;
  }
  for (; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x80) {
      // Non-ASCII text goes through nlohmann, so that what counts as invalid UTF-8 and how it
      // is replaced has one definition, DumpJson's. Hot-path strings (PEM, JWS, SPIFFE IDs,
      // digests) are ASCII.
      out.resize(start);
      out += DumpJson(Json(value));
      return;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(value.data() + copied, i - copied);
    AppendEscape(out, c);
    copied = i + 1;
  }
  out.append(value.data() + copied, value.size() - copied);
  out += '"';
}

}  // namespace

void JsonWriter::Separate() {
  if (needs_comma_) out_ += ',';
  needs_comma_ = true;
}

JsonWriter& JsonWriter::Open(char bracket) {
  Separate();
  out_ += bracket;
  needs_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::Close(char bracket) {
  out_ += bracket;
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view name) {
  Separate();
  AppendQuoted(out_, name);
  out_ += ':';
  needs_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  AppendQuoted(out_, value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  Separate();
  absl::StrAppend(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) { return Raw(value ? "true" : "false"); }

JsonWriter& JsonWriter::Null() { return Raw("null"); }

JsonWriter& JsonWriter::Raw(std::string_view json) {
  Separate();
  out_ += json;
  return *this;
}

std::string JsonWriter::Take() {
  needs_comma_ = false;
  return std::exchange(out_, std::string());
}

std::string JsonQuote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  AppendQuoted(out, value);
  return out;
}

}  // namespace twi
