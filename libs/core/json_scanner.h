// A pull reader for JSON documents whose shape the caller knows: evidence formats read on every
// attestation, where building a DOM costs more than the checks it feeds. RFC 8259 syntax, with
// restrictions that cost the formats read this way nothing (they carry base64url, names and
// small integers): strings hold printable ASCII without escapes, numbers are integers of at most
// 18 digits. The caller asks for each value by type, so depth and member sets are the caller's;
// duplicate members are the caller's to refuse.
//
// Errors: kInvalidArgument naming the byte offset and what was expected. Not thread-safe; the
// text must outlive the string_views returned.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace twi {

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : text_(text) {}

  absl::Status BeginObject();
  // The next member's name (its ':' consumed), or false at the object's closing brace.
  absl::StatusOr<bool> NextMember(std::string_view& name);
  absl::Status BeginArray();
  // True when another element follows, false at the array's closing bracket.
  absl::StatusOr<bool> NextElement();

  absl::StatusOr<std::string_view> String();
  // A string's bytes up to its closing quote, not checked: for callers that check every byte
  // themselves, as base64url decoding does (a backslash or control character is no base64url).
  absl::StatusOr<std::string_view> UncheckedString();
  absl::StatusOr<int64_t> Integer();
  // Only whitespace may remain.
  absl::Status End();

 private:
  void SkipSpace();
  absl::Status Expected(std::string_view what) const;
  absl::Status Open(char open, std::string_view what);
  // Before a member or element: the separator unless it is the first; true at `close`.
  absl::StatusOr<bool> AtClose(char close);

  std::string_view text_;
  size_t at_ = 0;
  bool first_ = false;  // right after an opening brace or bracket
};

}  // namespace twi
