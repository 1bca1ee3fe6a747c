#include "libs/provenance/in_toto.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/provenance/document_internal.h"
#include "libs/provenance/dsse.h"

namespace twi::provenance {
namespace {

using internal::Invalid;
using internal::MemberPath;

// Lengths in hex digits that digest_set.md fixes for its named algorithms; 0 = one length,
// `alternative` = a second allowed one (git objects are SHA-1 or SHA-256). Algorithms not listed
// (blake2b, shake128, custom ones) may have any length.
struct DigestLength {
  std::string_view algorithm;
  size_t length;
  size_t alternative;
};
constexpr DigestLength kDigestLengths[] = {
    {"md5", 32, 0},       {"sha1", 40, 0},     {"sha224", 56, 0},     {"sha256", 64, 0},
    {"sha384", 96, 0},    {"sha512", 128, 0},  {"sha512_224", 56, 0}, {"sha512_256", 64, 0},
    {"sha3_224", 56, 0},  {"sha3_256", 64, 0}, {"sha3_384", 96, 0},   {"sha3_512", 128, 0},
    {"ripemd160", 40, 0}, {"sm3", 64, 0},      {"dirHash1", 64, 0},   {"gitCommit", 40, 64},
    {"gitTree", 40, 64},  {"gitBlob", 40, 64}, {"gitTag", 40, 64},
};

absl::Status CheckDigestValue(std::string_view algorithm, std::string_view value,
                              std::string_view path) {
  if (!internal::IsLowerHex(value)) {
    return Invalid(path, absl::StrFormat("\"%s\" is not lowercase hex", algorithm));
  }
  for (const DigestLength& known : kDigestLengths) {
    if (known.algorithm != algorithm) continue;
    if (value.size() != known.length && value.size() != known.alternative) {
      return Invalid(path, absl::StrFormat("\"%s\" has %d hex digits, not %d", algorithm,
                                           value.size(), known.length));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> ParseDigestSet(const Json& digest,
                                                                  std::string_view path) {
  if (!digest.is_object()) return Invalid(path, "must be an object");
  std::map<std::string, std::string> out;
  for (const auto& [algorithm, value] : digest.items()) {
    if (algorithm.empty()) return Invalid(path, "empty algorithm name");
    if (!value.is_string()) {
      return Invalid(path, absl::StrFormat("\"%s\" must be a string", algorithm));
    }
    const std::string& hex = value.get_ref<const std::string&>();
    TWI_RETURN_IF_ERROR(CheckDigestValue(algorithm, hex, path));
    out.emplace(algorithm, hex);
  }
  return out;
}

}  // namespace

Json ResourceDescriptorJson(const ResourceDescriptor& descriptor) {
  Json out = Json::object();
  if (!descriptor.name.empty()) out["name"] = descriptor.name;
  if (!descriptor.uri.empty()) out["uri"] = descriptor.uri;
  if (!descriptor.digest.empty()) out["digest"] = descriptor.digest;
  if (!descriptor.content.empty()) out["content"] = Base64Encode(descriptor.content);
  if (!descriptor.download_location.empty()) {
    out["downloadLocation"] = descriptor.download_location;
  }
  if (!descriptor.media_type.empty()) out["mediaType"] = descriptor.media_type;
  if (descriptor.annotations.is_object() && !descriptor.annotations.empty()) {
    out["annotations"] = descriptor.annotations;
  }
  return out;
}

Json StatementJson(const Statement& statement) {
  Json subjects = Json::array();
  for (const ResourceDescriptor& subject : statement.subject) {
    subjects.push_back(ResourceDescriptorJson(subject));
  }
  Json out = {{"_type", kStatementType},
              {"subject", std::move(subjects)},
              {"predicateType", statement.predicate_type}};
  if (!statement.predicate.is_null()) out["predicate"] = statement.predicate;
  return out;
}

std::string EncodeStatement(const Statement& statement) {
  return DumpJson(StatementJson(statement));
}

absl::StatusOr<ResourceDescriptor> ParseResourceDescriptor(const Json& descriptor) {
  return ParseResourceDescriptor(descriptor, "");
}

absl::StatusOr<ResourceDescriptor> ParseResourceDescriptor(const Json& json,
                                                           std::string_view path) {
  if (!json.is_object()) return Invalid(path, "a ResourceDescriptor must be an object");
  ResourceDescriptor out;
  TWI_ASSIGN_OR_RETURN(out.name, internal::OptionalString(json, "name", path));
  TWI_ASSIGN_OR_RETURN(out.uri, internal::OptionalString(json, "uri", path));
  TWI_ASSIGN_OR_RETURN(out.media_type, internal::OptionalString(json, "mediaType", path));
  TWI_ASSIGN_OR_RETURN(out.download_location,
                       internal::OptionalString(json, "downloadLocation", path));
  TWI_ASSIGN_OR_RETURN(const std::string content, internal::OptionalString(json, "content", path));
  if (!content.empty()) {
    absl::StatusOr<Bytes> bytes = DecodeDsseBase64(content);
    if (!bytes.ok()) return Invalid(MemberPath(path, "content"), "is not base64");
    out.content = *std::move(bytes);
  }
  TWI_ASSIGN_OR_RETURN(const Json* digest, internal::OptionalObject(json, "digest", path));
  if (digest != nullptr) {
    TWI_ASSIGN_OR_RETURN(out.digest, ParseDigestSet(*digest, MemberPath(path, "digest")));
  }
  TWI_ASSIGN_OR_RETURN(const Json* annotations,
                       internal::OptionalObject(json, "annotations", path));
  if (annotations != nullptr) out.annotations = *annotations;
  // resource_descriptor.md "Fields": at least one of uri, digest and content.
  if (out.uri.empty() && out.digest.empty() && out.content.empty()) {
    return Invalid(path, "a ResourceDescriptor needs one of \"uri\", \"digest\" or \"content\"");
  }
  return out;
}

absl::StatusOr<Statement> ParseStatement(std::string_view json) {
  TWI_ASSIGN_OR_RETURN(const Json parsed, internal::ParseDocumentJson(json));
  return ParseStatementJson(parsed);
}

absl::StatusOr<Statement> ParseStatementJson(const Json& json) {
  if (!json.is_object()) return Invalid("", "an in-toto Statement must be a JSON object");
  TWI_ASSIGN_OR_RETURN(const std::string type, internal::RequiredString(json, "_type", ""));
  if (type == kStatementTypeV01) {
    return Error(
        Reason::kProvenanceTypeUnsupported,
        absl::StrFormat("in-toto Statement %s is not supported (only %s)", type, kStatementType));
  }
  if (type != kStatementType) {
    return Invalid("_type", absl::StrFormat("\"%s\" is not %s", type, kStatementType));
  }
  Statement out;
  // statement.md: subject is required and each element MUST have digest set.
  TWI_ASSIGN_OR_RETURN(const Json* subjects, internal::RequiredArray(json, "subject", ""));
  if (subjects->empty()) return Invalid("subject", "is empty");
  for (size_t i = 0; i < subjects->size(); ++i) {
    const std::string path = internal::IndexPath("subject", i);
    const Json& entry = (*subjects)[i];
    // Said before the generic ResourceDescriptor check so the message names the member.
    if (entry.is_object() && (!entry.contains("digest") || entry["digest"].is_null() ||
                              (entry["digest"].is_object() && entry["digest"].empty()))) {
      return Invalid(path, "a subject needs a non-empty \"digest\"");
    }
    TWI_ASSIGN_OR_RETURN(ResourceDescriptor subject, ParseResourceDescriptor(entry, path));
    out.subject.push_back(std::move(subject));
  }
  TWI_ASSIGN_OR_RETURN(out.predicate_type, internal::RequiredString(json, "predicateType", ""));
  if (!internal::IsAbsoluteUri(out.predicate_type)) {
    return Invalid("predicateType", "is not an absolute URI");
  }
  TWI_ASSIGN_OR_RETURN(const Json* predicate, internal::OptionalObject(json, "predicate", ""));
  if (predicate != nullptr) out.predicate = *predicate;
  return out;
}

std::vector<std::string> DigestStrings(const std::map<std::string, std::string>& digest) {
  std::vector<std::string> out;
  out.reserve(digest.size());
  for (const auto& [algorithm, value] : digest) out.push_back(algorithm + ":" + value);
  return out;
}

}  // namespace twi::provenance
