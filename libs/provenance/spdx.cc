// SPDX 2.3 JSON: the members IngestDocument checks. Clause numbers are those of the SPDX 2.3
// specification (spdx.github.io/spdx-spec/v2.3); member names those of its JSON schema.
#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/provenance/document_internal.h"

namespace twi::provenance::internal {
namespace {

constexpr std::string_view kDocumentId = "SPDXRef-DOCUMENT";

// Clause 7.10 / 8.4 algorithms, hex lengths (0: any length from `min_length`, for the variable
// BLAKE3 and MD6) and the DigestSet name twi reports them under.
struct ChecksumAlgorithm {
  std::string_view name;
  size_t hex_length;
  size_t min_length;
  std::string_view digest_name;
};
constexpr ChecksumAlgorithm kChecksumAlgorithms[] = {
    {"SHA1", 40, 0, "sha1"},
    {"SHA224", 56, 0, "sha224"},
    {"SHA256", 64, 0, "sha256"},
    {"SHA384", 96, 0, "sha384"},
    {"SHA512", 128, 0, "sha512"},
    {"SHA3-256", 64, 0, "sha3_256"},
    {"SHA3-384", 96, 0, "sha3_384"},
    {"SHA3-512", 128, 0, "sha3_512"},
    {"BLAKE2b-256", 64, 0, "blake2b_256"},
    {"BLAKE2b-384", 96, 0, "blake2b_384"},
    {"BLAKE2b-512", 128, 0, "blake2b_512"},
    {"BLAKE3", 0, 64, "blake3"},  // at least 256 bits
    {"MD2", 32, 0, "md2"},
    {"MD4", 32, 0, "md4"},
    {"MD5", 32, 0, "md5"},
    {"MD6", 0, 1, "md6"},  // up to 512 bits
    {"ADLER32", 8, 0, "adler32"},
};

bool LengthFits(const ChecksumAlgorithm& algorithm, size_t length) {
  if (algorithm.hex_length != 0) return length == algorithm.hex_length;
  if (algorithm.name == "MD6") return length >= 1 && length <= 128;
  return length >= algorithm.min_length;
}

// Clause 3.2 idstring: "SPDXRef-" then letters, digits, '.' and '-'.
bool IsSpdxId(std::string_view id) {
  constexpr std::string_view kPrefix = "SPDXRef-";
  if (!id.starts_with(kPrefix) || id.size() == kPrefix.size()) return false;
  return std::all_of(id.begin() + kPrefix.size(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
  });
}

// Checks `element`'s "checksums" and returns them as "<alg>:<hex>".
absl::StatusOr<std::vector<std::string>> Checksums(const Json& element, std::string_view path) {
  std::vector<std::string> out;
  TWI_ASSIGN_OR_RETURN(const Json* checksums, OptionalArray(element, "checksums", path));
  if (checksums == nullptr) return out;
  const std::string list_path = MemberPath(path, "checksums");
  for (size_t i = 0; i < checksums->size(); ++i) {
    const Json& checksum = (*checksums)[i];
    const std::string item_path = IndexPath(list_path, i);
    if (!checksum.is_object()) return Invalid(item_path, "must be an object");
    TWI_ASSIGN_OR_RETURN(const std::string name, RequiredString(checksum, "algorithm", item_path));
    TWI_ASSIGN_OR_RETURN(const std::string value,
                         RequiredString(checksum, "checksumValue", item_path));
    const ChecksumAlgorithm* algorithm = nullptr;
    for (const ChecksumAlgorithm& known : kChecksumAlgorithms) {
      if (known.name == name) algorithm = &known;
    }
    if (algorithm == nullptr) {
      return Invalid(MemberPath(item_path, "algorithm"),
                     absl::StrFormat("\"%s\" is not an SPDX 2.3 checksum algorithm", name));
    }
    // Clause 7.10: the value is lower case hexadecimal.
    if (!IsLowerHex(value) || !LengthFits(*algorithm, value.size())) {
      return Invalid(MemberPath(item_path, "checksumValue"),
                     absl::StrFormat("is not a valid %s value (lowercase hex of its length)", name),
                     Reason::kProvenanceDigestMismatch);
    }
    AddDigest(out, absl::StrFormat("%s:%s", algorithm->digest_name, value));
  }
  return out;
}

struct Element {
  std::string id;
  std::vector<std::string> digests;
};

// Packages (clause 7: SPDXID, name, downloadLocation) or files (clause 8: SPDXID, fileName).
absl::Status CheckElements(const Json& document, std::string_view member,
                           std::string_view name_member,
                           const std::vector<std::string_view>& required,
                           std::vector<Element>* out) {
  TWI_ASSIGN_OR_RETURN(const Json* list, OptionalArray(document, member, ""));
  if (list == nullptr) return absl::OkStatus();
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& element = (*list)[i];
    const std::string path = IndexPath(member, i);
    if (!element.is_object()) return Invalid(path, "must be an object");
    Element checked;
    TWI_ASSIGN_OR_RETURN(checked.id, RequiredString(element, "SPDXID", path));
    if (!IsSpdxId(checked.id)) {
      return Invalid(MemberPath(path, "SPDXID"),
                     absl::StrFormat("\"%s\" is not SPDXRef-<id>", checked.id));
    }
    TWI_RETURN_IF_ERROR(RequiredString(element, name_member, path).status());
    for (std::string_view name : required) {
      TWI_RETURN_IF_ERROR(RequiredString(element, name, path).status());
    }
    TWI_ASSIGN_OR_RETURN(checked.digests, Checksums(element, path));
    out->push_back(std::move(checked));
  }
  return absl::OkStatus();
}

// The ids the document DESCRIBES: documentDescribes, and relationships (clause 11) DESCRIBES
// from the document or DESCRIBED_BY towards it.
absl::StatusOr<std::set<std::string>> Described(const Json& document) {
  std::set<std::string> out;
  TWI_ASSIGN_OR_RETURN(const Json* describes, OptionalArray(document, "documentDescribes", ""));
  if (describes != nullptr) {
    for (size_t i = 0; i < describes->size(); ++i) {
      if (!(*describes)[i].is_string()) {
        return Invalid(IndexPath("documentDescribes", i), "must be a string");
      }
      out.insert((*describes)[i].get<std::string>());
    }
  }
  TWI_ASSIGN_OR_RETURN(const Json* relationships, OptionalArray(document, "relationships", ""));
  if (relationships == nullptr) return out;
  for (size_t i = 0; i < relationships->size(); ++i) {
    const Json& relationship = (*relationships)[i];
    const std::string path = IndexPath("relationships", i);
    if (!relationship.is_object()) return Invalid(path, "must be an object");
    TWI_ASSIGN_OR_RETURN(const std::string from,
                         RequiredString(relationship, "spdxElementId", path));
    TWI_ASSIGN_OR_RETURN(const std::string type,
                         RequiredString(relationship, "relationshipType", path));
    TWI_ASSIGN_OR_RETURN(const std::string to,
                         RequiredString(relationship, "relatedSpdxElement", path));
    if (type == "DESCRIBES" && from == kDocumentId) out.insert(to);
    if (type == "DESCRIBED_BY" && to == kDocumentId) out.insert(from);
  }
  return out;
}

}  // namespace

absl::StatusOr<Description> DescribeSpdx(const Json& document) {
  Description out;
  // Clause 6.1.
  TWI_ASSIGN_OR_RETURN(out.spec_version, RequiredString(document, "spdxVersion", ""));
  if (out.spec_version != "SPDX-2.3") {
    return Error(
        Reason::kProvenanceTypeUnsupported,
        absl::StrFormat("spdxVersion \"%s\" is not supported (SPDX-2.3)", out.spec_version));
  }
  // Clause 6.2: the data licence MUST be CC0-1.0.
  TWI_ASSIGN_OR_RETURN(const std::string license, RequiredString(document, "dataLicense", ""));
  if (license != "CC0-1.0") return Invalid("dataLicense", "must be \"CC0-1.0\"");
  // Clause 6.3.
  TWI_ASSIGN_OR_RETURN(const std::string id, RequiredString(document, "SPDXID", ""));
  if (id != kDocumentId) return Invalid("SPDXID", "must be \"SPDXRef-DOCUMENT\"");
  // Clause 6.4.
  TWI_ASSIGN_OR_RETURN(out.name, RequiredString(document, "name", ""));
  // Clause 6.5: an absolute URI that does not contain '#'.
  TWI_ASSIGN_OR_RETURN(const std::string space, RequiredString(document, "documentNamespace", ""));
  if (!IsAbsoluteUri(space) || space.find('#') != std::string::npos) {
    return Invalid("documentNamespace", "is not an absolute URI without '#'");
  }
  // Clauses 6.8 and 6.9.
  TWI_ASSIGN_OR_RETURN(const Json* creation, RequiredObject(document, "creationInfo", ""));
  TWI_ASSIGN_OR_RETURN(const std::string created,
                       RequiredString(*creation, "created", "creationInfo"));
  if (!IsRfc3339(created, /*utc_only=*/true)) {
    return Invalid("creationInfo.created", "is not a YYYY-MM-DDThh:mm:ssZ date");
  }
  TWI_ASSIGN_OR_RETURN(const Json* creators, RequiredArray(*creation, "creators", "creationInfo"));
  if (creators->empty()) return Invalid("creationInfo.creators", "is empty");
  for (size_t i = 0; i < creators->size(); ++i) {
    if (!(*creators)[i].is_string()) {
      return Invalid(IndexPath("creationInfo.creators", i), "must be a string");
    }
  }

  std::vector<Element> elements;
  TWI_RETURN_IF_ERROR(CheckElements(document, "packages", "name", {"downloadLocation"}, &elements));
  TWI_RETURN_IF_ERROR(CheckElements(document, "files", "fileName", {}, &elements));
  TWI_ASSIGN_OR_RETURN(const std::set<std::string> described, Described(document));
  for (const Element& element : elements) {
    if (!described.contains(element.id)) continue;
    for (const std::string& digest : element.digests) AddDigest(out.subject_digests, digest);
  }
  return out;
}

}  // namespace twi::provenance::internal
