// CycloneDX 1.5 / 1.6 JSON: the members IngestDocument checks, following the official JSON
// schemas (CycloneDX/specification schema/bom-1.5.schema.json, bom-1.6.schema.json).
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/provenance/document_internal.h"

namespace twi::provenance::internal {
namespace {

// definitions/hash-alg, with the hex length of each algorithm's output and the DigestSet name
// (in-toto digest_set.md) twi reports it under. BLAKE3 is an XOF: the schema's hash-content
// pattern allows 64, 96 or 128 hex digits for it (length 0 here).
struct HashAlgorithm {
  std::string_view name;
  size_t hex_length;
  std::string_view digest_name;
};
constexpr HashAlgorithm kHashAlgorithms[] = {
    {"MD5", 32, "md5"},
    {"SHA-1", 40, "sha1"},
    {"SHA-256", 64, "sha256"},
    {"SHA-384", 96, "sha384"},
    {"SHA-512", 128, "sha512"},
    {"SHA3-256", 64, "sha3_256"},
    {"SHA3-384", 96, "sha3_384"},
    {"SHA3-512", 128, "sha3_512"},
    {"BLAKE2b-256", 64, "blake2b_256"},
    {"BLAKE2b-384", 96, "blake2b_384"},
    {"BLAKE2b-512", 128, "blake2b_512"},
    {"BLAKE3", 0, "blake3"},
};

// definitions/component/properties/type/enum; 1.6 added "cryptographic-asset".
constexpr std::string_view kComponentTypes[] = {
    "application",
    "framework",
    "library",
    "container",
    "platform",
    "operating-system",
    "device",
    "device-driver",
    "firmware",
    "file",
    "machine-learning-model",
    "data",
};
constexpr std::string_view kComponentTypesAdded16[] = {"cryptographic-asset"};

template <typename List>
bool Contains(const List& list, std::string_view value) {
  return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

class Checker {
 public:
  explicit Checker(std::string spec_version) : spec_version_(std::move(spec_version)) {}

  // definitions/hash: {alg, content}, both required.
  absl::Status CheckHashes(const Json& parent, std::string_view parent_path,
                           std::vector<std::string>* digests) {
    TWI_ASSIGN_OR_RETURN(const Json* hashes, OptionalArray(parent, "hashes", parent_path));
    if (hashes == nullptr) return absl::OkStatus();
    const std::string list_path = MemberPath(parent_path, "hashes");
    for (size_t i = 0; i < hashes->size(); ++i) {
      const Json& hash = (*hashes)[i];
      const std::string path = IndexPath(list_path, i);
      if (!hash.is_object()) return Invalid(path, "must be an object");
      TWI_ASSIGN_OR_RETURN(const std::string alg, RequiredString(hash, "alg", path));
      TWI_ASSIGN_OR_RETURN(std::string content, RequiredString(hash, "content", path));
      const HashAlgorithm* algorithm = nullptr;
      for (const HashAlgorithm& known : kHashAlgorithms) {
        if (known.name == alg) algorithm = &known;
      }
      if (algorithm == nullptr) {
        return Invalid(path, absl::StrFormat("\"%s\" is not a CycloneDX hash algorithm", alg));
      }
      const bool length_ok =
          algorithm->hex_length == 0
              ? content.size() == 64 || content.size() == 96 || content.size() == 128
              : content.size() == algorithm->hex_length;
      if (!IsHex(content) || !length_ok) {
        return Invalid(
            MemberPath(path, "content"),
            absl::StrFormat("is not a valid %s value (hex, %s digits)", alg,
                            algorithm->hex_length == 0 ? std::string("64, 96 or 128")
                                                       : std::to_string(algorithm->hex_length)),
            Reason::kProvenanceDigestMismatch);
      }
      if (digests != nullptr) {
        std::transform(content.begin(), content.end(), content.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        AddDigest(*digests, absl::StrFormat("%s:%s", algorithm->digest_name, content));
      }
    }
    return absl::OkStatus();
  }

  // definitions/externalReference: url and type required; hashes checked.
  absl::Status CheckExternalReferences(const Json& parent, std::string_view parent_path) {
    TWI_ASSIGN_OR_RETURN(const Json* references,
                         OptionalArray(parent, "externalReferences", parent_path));
    if (references == nullptr) return absl::OkStatus();
    const std::string list_path = MemberPath(parent_path, "externalReferences");
    for (size_t i = 0; i < references->size(); ++i) {
      const Json& reference = (*references)[i];
      const std::string path = IndexPath(list_path, i);
      if (!reference.is_object()) return Invalid(path, "must be an object");
      TWI_RETURN_IF_ERROR(RequiredString(reference, "url", path).status());
      TWI_RETURN_IF_ERROR(RequiredString(reference, "type", path).status());
      TWI_RETURN_IF_ERROR(CheckHashes(reference, path, nullptr));
    }
    return absl::OkStatus();
  }

  // definitions/component: type and name required; nested components checked the same way.
  // The JSON depth bound (kMaxDocumentDepth) bounds this recursion.
  absl::Status CheckComponent(const Json& component, std::string_view path,
                              std::vector<std::string>* digests) {
    if (!component.is_object()) return Invalid(path, "must be an object");
    TWI_ASSIGN_OR_RETURN(const std::string type, RequiredString(component, "type", path));
    if (!Contains(kComponentTypes, type) &&
        !(spec_version_ == "1.6" && Contains(kComponentTypesAdded16, type))) {
      return Invalid(
          MemberPath(path, "type"),
          absl::StrFormat("\"%s\" is not a CycloneDX %s component type", type, spec_version_));
    }
    TWI_RETURN_IF_ERROR(RequiredString(component, "name", path).status());
    TWI_RETURN_IF_ERROR(CheckHashes(component, path, digests));
    TWI_RETURN_IF_ERROR(CheckExternalReferences(component, path));
    return CheckComponents(component, path);
  }

  absl::Status CheckComponents(const Json& parent, std::string_view parent_path) {
    TWI_ASSIGN_OR_RETURN(const Json* components, OptionalArray(parent, "components", parent_path));
    if (components == nullptr) return absl::OkStatus();
    const std::string list_path = MemberPath(parent_path, "components");
    for (size_t i = 0; i < components->size(); ++i) {
      TWI_RETURN_IF_ERROR(CheckComponent((*components)[i], IndexPath(list_path, i), nullptr));
    }
    return absl::OkStatus();
  }

  // definitions/metadata. tools is an object {components, services} since 1.5, or the
  // deprecated array of tool objects (which carry hashes too).
  absl::Status CheckMetadata(const Json& bom, Description* out) {
    TWI_ASSIGN_OR_RETURN(const Json* metadata, OptionalObject(bom, "metadata", ""));
    if (metadata == nullptr) return absl::OkStatus();
    // definitions/metadata/timestamp: JSON schema "date-time", i.e. RFC 3339.
    TWI_ASSIGN_OR_RETURN(const std::string timestamp,
                         OptionalString(*metadata, "timestamp", "metadata"));
    if (!timestamp.empty() && !IsRfc3339(timestamp, /*utc_only=*/false)) {
      return Invalid("metadata.timestamp", "is not an RFC 3339 date-time");
    }
    TWI_ASSIGN_OR_RETURN(const Json* component, OptionalObject(*metadata, "component", "metadata"));
    if (component != nullptr) {
      TWI_RETURN_IF_ERROR(CheckComponent(*component, "metadata.component", &out->subject_digests));
      out->name = component->at("name").get<std::string>();
    }
    const auto tools = metadata->find("tools");
    if (tools == metadata->end() || tools->is_null()) return absl::OkStatus();
    if (tools->is_object()) return CheckComponents(*tools, "metadata.tools");
    if (!tools->is_array()) return Invalid("metadata.tools", "must be an object or an array");
    for (size_t i = 0; i < tools->size(); ++i) {
      const std::string path = IndexPath("metadata.tools", i);
      if (!(*tools)[i].is_object()) return Invalid(path, "must be an object");
      TWI_RETURN_IF_ERROR(CheckHashes((*tools)[i], path, nullptr));
    }
    return absl::OkStatus();
  }

 private:
  std::string spec_version_;
};

bool IsUuidUrn(std::string_view text) {
  // The schema's serialNumber pattern: ^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-
  // [0-9a-f]{4}-[0-9a-f]{12}$.
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (text.size() != kPrefix.size() + 36 || !text.starts_with(kPrefix)) return false;
  text.remove_prefix(kPrefix.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !IsLowerHex(text.substr(i, 1))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Description> DescribeCycloneDx(const Json& bom) {
  TWI_ASSIGN_OR_RETURN(const std::string format, RequiredString(bom, "bomFormat", ""));
  if (format != "CycloneDX") {
    return Invalid("bomFormat", absl::StrFormat("\"%s\" is not \"CycloneDX\"", format));
  }
  Description out;
  TWI_ASSIGN_OR_RETURN(out.spec_version, RequiredString(bom, "specVersion", ""));
  if (out.spec_version != "1.5" && out.spec_version != "1.6") {
    return Error(Reason::kProvenanceTypeUnsupported,
                 absl::StrFormat("CycloneDX specVersion \"%s\" is not supported (1.5, 1.6)",
                                 out.spec_version));
  }
  if (bom.contains("version")) {
    const Json& version = bom["version"];
    if (!version.is_number_integer() || version.get<int64_t>() < 1) {
      return Invalid("version", "must be an integer >= 1");
    }
  }
  TWI_ASSIGN_OR_RETURN(const std::string serial, OptionalString(bom, "serialNumber", ""));
  if (bom.contains("serialNumber") && !IsUuidUrn(serial)) {
    return Invalid("serialNumber", "is not a urn:uuid: with a lowercase RFC 4122 UUID");
  }
  Checker checker(out.spec_version);
  TWI_RETURN_IF_ERROR(checker.CheckMetadata(bom, &out));
  TWI_RETURN_IF_ERROR(checker.CheckComponents(bom, ""));
  TWI_RETURN_IF_ERROR(checker.CheckExternalReferences(bom, ""));
  return out;
}

}  // namespace twi::provenance::internal
