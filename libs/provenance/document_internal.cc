#include "libs/provenance/document_internal.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace twi::provenance::internal {
namespace {

// Core's accessors report kRequestInvalid with the member name; documents want their own reason
// and the member's full path.
absl::Status Retag(const absl::Status& status, std::string_view path, Reason reason) {
  if (path.empty()) return Error(reason, status.message());
  return Error(reason, absl::StrFormat("%s: %s", path, status.message()));
}

bool Absent(const Json& object, std::string_view member) {
  auto it = object.find(member);
  return it == object.end() || it->is_null();
}

}  // namespace

absl::StatusOr<Json> ParseDocumentJson(std::string_view text) {
  TWI_ASSIGN_OR_RETURN(Json value,
                       ParseJson(text, JsonParseOptions{.max_depth = kMaxDocumentDepth,
                                                        .reject_duplicate_members = true}));
  if (!value.is_object()) return Error(Reason::kMalformedJson, "JSON value is not an object");
  return value;
}

std::string MemberPath(std::string_view parent, std::string_view member) {
  if (parent.empty()) return std::string(member);
  return absl::StrFormat("%s.%s", parent, member);
}

std::string IndexPath(std::string_view parent, size_t index) {
  return absl::StrFormat("%s[%d]", parent, index);
}

absl::StatusOr<std::string> RequiredString(const Json& object, std::string_view member,
                                           std::string_view path, Reason reason) {
  absl::StatusOr<std::string> value = GetString(object, member);
  if (!value.ok()) return Retag(value.status(), path, reason);
  return value;
}

absl::StatusOr<std::string> OptionalString(const Json& object, std::string_view member,
                                           std::string_view path, Reason reason) {
  if (!object.is_object() || Absent(object, member)) return std::string();
  return RequiredString(object, member, path, reason);
}

absl::StatusOr<const Json*> RequiredObject(const Json& object, std::string_view member,
                                           std::string_view path) {
  absl::StatusOr<const Json*> value = GetObject(object, member);
  if (!value.ok()) return Retag(value.status(), path, Reason::kProvenanceDocumentInvalid);
  return value;
}

absl::StatusOr<const Json*> OptionalObject(const Json& object, std::string_view member,
                                           std::string_view path) {
  if (!object.is_object() || Absent(object, member)) return nullptr;
  return RequiredObject(object, member, path);
}

absl::StatusOr<const Json*> RequiredArray(const Json& object, std::string_view member,
                                          std::string_view path) {
  absl::StatusOr<const Json*> value = GetArray(object, member);
  if (!value.ok()) return Retag(value.status(), path, Reason::kProvenanceDocumentInvalid);
  return value;
}

absl::StatusOr<const Json*> OptionalArray(const Json& object, std::string_view member,
                                          std::string_view path) {
  if (!object.is_object() || Absent(object, member)) return nullptr;
  return RequiredArray(object, member, path);
}

absl::Status Invalid(std::string_view path, std::string_view problem, Reason reason) {
  if (path.empty()) return Error(reason, problem);
  return Error(reason, absl::StrFormat("%s: %s", path, problem));
}

bool IsHex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

bool IsLowerHex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool IsAbsoluteUri(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == text.size()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(text[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = text[i];
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

bool IsRfc3339(std::string_view text, bool utc_only) {
  if (utc_only && !text.ends_with('Z')) return false;
  absl::Time time;
  std::string error;
  return absl::ParseTime(absl::RFC3339_full, absl::string_view(text.data(), text.size()), &time,
                         &error);
}

void AddDigest(std::vector<std::string>& digests, std::string digest) {
  if (std::find(digests.begin(), digests.end(), digest) == digests.end()) {
    digests.push_back(std::move(digest));
  }
}

}  // namespace twi::provenance::internal
