#include "libs/provenance/workload_document.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/provenance/document_internal.h"
#include "libs/provenance/dsse.h"
#include "libs/provenance/in_toto.h"
#include "libs/provenance/slsa.h"

namespace twi::provenance {
namespace {

constexpr std::pair<DocumentKind, std::string_view> kKindNames[] = {
    {DocumentKind::kCycloneDx, "cyclonedx"},     {DocumentKind::kSpdx, "spdx"},
    {DocumentKind::kInTotoStatement, "in-toto"}, {DocumentKind::kSlsaProvenance, "slsa-provenance"},
    {DocumentKind::kCompliance, "compliance"},
};

bool IsStatementKind(DocumentKind kind) {
  return kind == DocumentKind::kInTotoStatement || kind == DocumentKind::kSlsaProvenance;
}

// Detection looks only at the member each format makes mandatory and unique to it; anything
// else must be declared, so that a document is never checked against a format it did not claim.
absl::StatusOr<DocumentKind> Detect(const Json& json) {
  if (json.contains("bomFormat")) return DocumentKind::kCycloneDx;
  if (json.contains("spdxVersion")) return DocumentKind::kSpdx;
  if (json.contains("_type") || json.contains("payloadType")) {
    return DocumentKind::kInTotoStatement;  // refined to SLSA once the predicateType is known
  }
  if (json.contains("@context") && json.contains("@graph")) {
    return Error(Reason::kProvenanceTypeUnsupported,
                 "JSON-LD documents (SPDX 3) are not supported; SPDX 2.3 JSON is");
  }
  return Error(Reason::kProvenanceTypeUnsupported,
               "unrecognised document: no \"bomFormat\" (CycloneDX), \"spdxVersion\" (SPDX), "
               "\"_type\" (in-toto) or \"payloadType\" (DSSE); declare compliance documents "
               "with a compliance type");
}

absl::Status CheckComplianceType(std::string_view type) {
  if (type.empty()) {
    return Error(Reason::kInvalidArgument, "a compliance document needs a declared type");
  }
  if (type.size() > kMaxComplianceTypeSize) {
    return Error(
        Reason::kInvalidArgument,
        absl::StrFormat("compliance type is longer than %d bytes", kMaxComplianceTypeSize));
  }
  if (std::any_of(type.begin(), type.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return Error(Reason::kInvalidArgument,
                 "compliance type contains whitespace or control characters");
  }
  return absl::OkStatus();
}

absl::Status DescribeStatement(const Json& json, std::optional<DocumentKind> declared,
                               WorkloadDocument* out) {
  Statement statement;
  if (json.contains("payloadType") && !json.contains("_type")) {
    TWI_ASSIGN_OR_RETURN(const DsseEnvelope envelope, ParseDsseJson(json));
    if (envelope.payload_type != kInTotoPayloadType) {
      return Error(Reason::kProvenanceTypeUnsupported,
                   absl::StrFormat("DSSE payloadType \"%s\" is not %s", envelope.payload_type,
                                   kInTotoPayloadType));
    }
    // The payload is another JSON text: the same bounded, duplicate-refusing parse.
    TWI_ASSIGN_OR_RETURN(statement, ParseStatement(AsString(envelope.payload)));
    out->media_type = kDsseMediaType;
    out->enveloped = true;
    for (const DsseSignature& signature : envelope.signatures) {
      out->keyids.push_back(signature.keyid);
    }
  } else {
    TWI_ASSIGN_OR_RETURN(statement, ParseStatementJson(json));
    out->media_type = kInTotoPayloadType;
  }
  const bool slsa = statement.predicate_type == kSlsaProvenanceV1;
  if (declared == DocumentKind::kSlsaProvenance && !slsa) {
    return Error(Reason::kProvenanceTypeUnsupported,
                 absl::StrFormat("predicateType \"%s\" is not %s", statement.predicate_type,
                                 kSlsaProvenanceV1));
  }
  // A SLSA predicate is checked whatever the owner declared: declaring "in-toto" must not be a
  // way around the check.
  if (slsa) TWI_RETURN_IF_ERROR(CheckSlsaProvenance(statement.predicate).status());
  out->kind =
      declared.value_or(slsa ? DocumentKind::kSlsaProvenance : DocumentKind::kInTotoStatement);
  out->spec_version = statement.predicate_type;
  out->name = statement.subject.front().name;
  for (const ResourceDescriptor& subject : statement.subject) {
    for (std::string& digest : DigestStrings(subject.digest)) {
      internal::AddDigest(out->subject_digests, std::move(digest));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view DocumentKindName(DocumentKind kind) {
  for (const auto& [known, name] : kKindNames) {
    if (known == kind) return name;
  }
  return "unknown";
}

std::optional<DocumentKind> DocumentKindFromName(std::string_view name) {
  for (const auto& [kind, known] : kKindNames) {
    if (known == name) return kind;
  }
  return std::nullopt;
}

absl::StatusOr<WorkloadDocument> IngestDocument(ByteView bytes, const IngestOptions& options) {
  if (bytes.size() > options.max_bytes) {
    return Error(Reason::kBodyTooLarge,
                 absl::StrFormat("document is larger than %d bytes", options.max_bytes));
  }
  if (options.declared_kind == DocumentKind::kCompliance) {
    TWI_RETURN_IF_ERROR(CheckComplianceType(options.compliance_type));
  }
  TWI_ASSIGN_OR_RETURN(const Json json, internal::ParseDocumentJson(AsString(bytes)));
  DocumentKind kind;
  if (options.declared_kind.has_value()) {
    kind = *options.declared_kind;
  } else {
    TWI_ASSIGN_OR_RETURN(kind, Detect(json));
  }

  WorkloadDocument out;
  out.kind = kind;
  out.digest = crypto::Sha256Id(bytes);
  if (IsStatementKind(kind)) {
    TWI_RETURN_IF_ERROR(DescribeStatement(json, options.declared_kind, &out));
    return out;
  }
  if (kind == DocumentKind::kCompliance) {
    out.media_type = kComplianceMediaType;
    out.spec_version = options.compliance_type;
    // Any JSON object is a compliance document: a "name" that is not a string is just not one.
    const auto name = json.find("name");
    if (name != json.end() && name->is_string()) out.name = name->get<std::string>();
    return out;
  }
  internal::Description description;
  if (kind == DocumentKind::kCycloneDx) {
    TWI_ASSIGN_OR_RETURN(description, internal::DescribeCycloneDx(json));
    out.media_type = kCycloneDxMediaType;
  } else {
    TWI_ASSIGN_OR_RETURN(description, internal::DescribeSpdx(json));
    out.media_type = kSpdxMediaType;
  }
  out.spec_version = std::move(description.spec_version);
  out.name = std::move(description.name);
  out.subject_digests = std::move(description.subject_digests);
  return out;
}

}  // namespace twi::provenance
