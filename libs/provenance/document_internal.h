// Internal to libs/provenance: the JSON parser and member checks shared by the document formats,
// and the summaries the SBOM checkers hand to IngestDocument. Not a public API.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/json.h"
#include "libs/core/status.h"

namespace twi::provenance::internal {

// SBOMs nest components in components (two JSON levels each) and SLSA parameters can be deep;
// 64 levels covers real documents and still bounds the recursive walks below.
inline constexpr int kMaxDocumentDepth = 64;

// A JSON object, nesting at most kMaxDocumentDepth, without repeated member names (nlohmann keeps
// the last one, so two readers of one document could see two different digests). Errors:
// kMalformedJson.
absl::StatusOr<Json> ParseDocumentJson(std::string_view text);

// "<parent>.<member>" (or "<member>" at the top level) and "<parent>[<index>]", for messages.
std::string MemberPath(std::string_view parent, std::string_view member);
std::string IndexPath(std::string_view parent, size_t index);

// Member checks on `object` (found at `path`). Missing and wrongly typed members are errors with
// `reason` and a message naming the path; the Optional forms accept absence (and JSON null, which
// in-toto and SLSA treat as unset) and then return "" / nullptr.
absl::StatusOr<std::string> RequiredString(const Json& object, std::string_view member,
                                           std::string_view path,
                                           Reason reason = Reason::kProvenanceDocumentInvalid);
absl::StatusOr<std::string> OptionalString(const Json& object, std::string_view member,
                                           std::string_view path,
                                           Reason reason = Reason::kProvenanceDocumentInvalid);
absl::StatusOr<const Json*> RequiredObject(const Json& object, std::string_view member,
                                           std::string_view path);
absl::StatusOr<const Json*> OptionalObject(const Json& object, std::string_view member,
                                           std::string_view path);
absl::StatusOr<const Json*> RequiredArray(const Json& object, std::string_view member,
                                          std::string_view path);
absl::StatusOr<const Json*> OptionalArray(const Json& object, std::string_view member,
                                          std::string_view path);

// A kProvenanceDocumentInvalid (or `reason`) error "<path>: <problem>".
absl::Status Invalid(std::string_view path, std::string_view problem,
                     Reason reason = Reason::kProvenanceDocumentInvalid);

bool IsHex(std::string_view text);       // non-empty, [0-9a-fA-F]
bool IsLowerHex(std::string_view text);  // non-empty, [0-9a-f]
// An absolute URI as far as twi needs to know: an RFC 3986 §3.1 scheme, ":", then at least one
// character, and no whitespace or control characters anywhere.
bool IsAbsoluteUri(std::string_view text);

// An RFC 3339 date-time ("2026-12-03T13:25:00Z", fractions allowed); `utc_only` requires the
// "Z" offset, as in-toto Timestamps and SPDX dates do.
bool IsRfc3339(std::string_view text, bool utc_only);

// What an SBOM checker found: IngestDocument fills a WorkloadDocument from it.
struct Description {
  std::string spec_version{};
  std::string name{};
  std::vector<std::string> subject_digests{};  // "<alg>:<lower hex>", in document order, unique
};

// Appends `digest` unless already present.
void AddDigest(std::vector<std::string>& digests, std::string digest);

// CycloneDX 1.5 / 1.6 JSON (cyclonedx.cc) and SPDX 2.3 JSON (spdx.cc). Errors: see
// IngestDocument in workload_document.h.
absl::StatusOr<Description> DescribeCycloneDx(const Json& bom);
absl::StatusOr<Description> DescribeSpdx(const Json& document);

}  // namespace twi::provenance::internal
