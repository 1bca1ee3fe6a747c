// in-toto Attestation Framework v1: the Statement layer and ResourceDescriptors.
//
// A Statement binds a typed predicate to subjects named by digest; twi both writes them (the
// credential provenance record) and reads them (build provenance an owner registers). Parsing
// checks the Statement layer only: a predicate is whatever JSON object its type defines (see
// slsa.h for the one predicate twi checks). Nothing here verifies signatures: that is the
// envelope's job (dsse.h).
//
// Specs: in-toto/attestation spec/v1 statement.md, resource_descriptor.md, digest_set.md,
// README.md "Parsing rules".
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"

namespace twi::provenance {

inline constexpr char kStatementType[] = "https://in-toto.io/Statement/v1";
// The pre-1.0 Statement type. 0.x is its own major version (README.md "Versioning"), and its
// predicates (SLSA 0.2, ...) are not ones twi checks, so ParseStatement refuses it with
// kProvenanceTypeUnsupported; an owner who must keep such a document registers it as compliance.
inline constexpr char kStatementTypeV01[] = "https://in-toto.io/Statement/v0.1";

struct ResourceDescriptor {
  std::string name{};
  std::string uri{};
  std::map<std::string, std::string> digest{};  // DigestSet: algorithm -> lowercase hex
  std::string media_type{};
  std::string download_location{};
  Bytes content{};
  Json annotations = Json::object();  // omitted from JSON when empty
};

struct Statement {
  std::vector<ResourceDescriptor> subject{};
  std::string predicate_type{};
  // A JSON object; an absent or null predicate parses as {} (statement.md: unset is treated the
  // same as set-but-empty). EncodeStatement writes it unless it is null.
  Json predicate = Json::object();
};

// Compact JSON, members sorted (nlohmann's order), so equal statements encode to equal bytes.
// Empty fields of a ResourceDescriptor are omitted. Does not validate: encode what you built.
std::string EncodeStatement(const Statement& statement);
Json StatementJson(const Statement& statement);
Json ResourceDescriptorJson(const ResourceDescriptor& descriptor);

// Parses a Statement v1 (statement.md): "_type" exactly kStatementType (v0.1: see above);
// "subject" a non-empty array of ResourceDescriptors each with a non-empty "digest";
// "predicateType" an absolute URI; "predicate" an object if present; unknown members ignored;
// repeated member names and nesting beyond 64 levels refused.
// Errors: kMalformedJson for text that is not a JSON object; kProvenanceTypeUnsupported for a
// v0.1 Statement; kProvenanceDocumentInvalid naming the member otherwise. Thread-safe.
absl::StatusOr<Statement> ParseStatement(std::string_view json);
absl::StatusOr<Statement> ParseStatementJson(const Json& statement);

// One ResourceDescriptor (resource_descriptor.md): "name", "uri", "mediaType",
// "downloadLocation" strings; "content" base64; "annotations" an object; "digest" a DigestSet;
// at least one of uri, digest and content. DigestSet values must be lowercase hex (for every
// algorithm: twi compares digests as text, so it refuses encodings it cannot compare), of the
// right length where digest_set.md fixes one (sha256: 64, gitCommit: 40 or 64, ...).
// Errors: kProvenanceDocumentInvalid naming the member.
absl::StatusOr<ResourceDescriptor> ParseResourceDescriptor(const Json& descriptor);
// The same, with `path` ("subject[0]") prefixed to error messages.
absl::StatusOr<ResourceDescriptor> ParseResourceDescriptor(const Json& descriptor,
                                                           std::string_view path);

// "<alg>:<hex>" for each entry of `digest`, in algorithm order ("sha256:ab12...").
std::vector<std::string> DigestStrings(const std::map<std::string, std::string>& digest);

}  // namespace twi::provenance
