#include "libs/core/json_scanner.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi {

void JsonScanner::SkipSpace() {
  while (at_ < text_.size() &&
         (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) {
    ++at_;
  }
}

absl::Status JsonScanner::Expected(std::string_view what) const {
  return Error(Reason::kInvalidArgument,
               absl::StrFormat("JSON at offset %d: expected %s", at_, what));
}

absl::Status JsonScanner::Open(char open, std::string_view what) {
  SkipSpace();
  if (at_ == text_.size() || text_[at_] != open) return Expected(what);
  ++at_;
  first_ = true;
  return absl::OkStatus();
}

absl::Status JsonScanner::BeginObject() { return Open('{', "an object"); }
absl::Status JsonScanner::BeginArray() { return Open('[', "an array"); }

absl::StatusOr<bool> JsonScanner::AtClose(char close) {
  SkipSpace();
  if (at_ < text_.size() && text_[at_] == close) {
    ++at_;
    // Whatever follows a closed container is its parent's next separator.
    first_ = false;
    return true;
  }
  if (!first_) {
    if (at_ == text_.size() || text_[at_] != ',')
      return Expected(close == '}' ? "',' or '}'" : "',' or ']'");
    ++at_;
  }
  first_ = false;
  return false;
}

absl::StatusOr<bool> JsonScanner::NextMember(std::string_view& name) {
  TWI_ASSIGN_OR_RETURN(const bool closed, AtClose('}'));
  if (closed) return false;
  TWI_ASSIGN_OR_RETURN(name, String());
  SkipSpace();
  if (at_ == text_.size() || text_[at_] != ':') return Expected("':'");
  ++at_;
  return true;
}

absl::StatusOr<bool> JsonScanner::NextElement() {
  TWI_ASSIGN_OR_RETURN(const bool closed, AtClose(']'));
  return !closed;
}

absl::StatusOr<std::string_view> JsonScanner::String() {
  SkipSpace();
  if (at_ == text_.size() || text_[at_] != '"') return Expected("a string");
  const size_t begin = ++at_;
  while (at_ < text_.size()) {
    const unsigned char c = static_cast<unsigned char>(text_[at_]);
    if (c == '"') return text_.substr(begin, at_++ - begin);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      return Expected("printable ASCII without escapes in a string");
    }
    ++at_;
  }
  return Expected("the string's closing quote");
}

absl::StatusOr<std::string_view> JsonScanner::UncheckedString() {
  SkipSpace();
  if (at_ == text_.size() || text_[at_] != '"') return Expected("a string");
  const size_t begin = ++at_;
  const size_t end = text_.find('"', begin);
  if (end == std::string_view::npos) return Expected("the string's closing quote");
  at_ = end + 1;
  return text_.substr(begin, end - begin);
}

absl::StatusOr<int64_t> JsonScanner::Integer() {
  SkipSpace();
  const bool negative = at_ < text_.size() && text_[at_] == '-';
  if (negative) ++at_;
  const size_t begin = at_;
  int64_t value = 0;
  while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
    if (at_ - begin == 18) return Expected("an integer of at most 18 digits");
    value = value * 10 + (text_[at_++] - '0');
  }
  if (at_ == begin) return Expected("an integer");
  if (text_[begin] == '0' && at_ - begin > 1) return Expected("an integer without leading zeros");
  if (at_ < text_.size() && (text_[at_] == '.' || text_[at_] == 'e' || text_[at_] == 'E')) {
    return Expected("an integer, not a fraction");
  }
  return negative ? -value : value;
}

absl::Status JsonScanner::End() {
  SkipSpace();
  if (at_ != text_.size()) return Expected("the end of the document");
  return absl::OkStatus();
}

}  // namespace twi
