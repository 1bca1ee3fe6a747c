// Workload Provenance documents: the SBOMs, build provenance and compliance documents a Workload
// Owner registers for a workload, checked on the way in and described by content address.
//
// IngestDocument is a gate, not an appraisal: it refuses documents that are not what they claim
// to be (missing or mistyped members, digests of the wrong shape, unsupported versions) so that
// what twi stores and later links from credential provenance records is well formed. It does not
// decide whether a document is good news (vulnerabilities, licences, builders are policy), and it
// does NOT verify DSSE signatures on enveloped build provenance: twi does not know the builder's
// key. It reports the envelope's keyids so a later step that does can pick the key (VerifyDsse).
//
// Specs: CycloneDX 1.5 and 1.6 JSON schemas (bom-1.x.schema.json); SPDX 2.3 (spdx.github.io/
// spdx-spec/v2.3, clauses 6 to 8 and 11, and its JSON schema); in-toto attestation v1
// (in_toto.h); DSSE v1.0.0 (dsse.h); SLSA Provenance v1 (slsa.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

namespace twi::provenance {

enum class DocumentKind { kCycloneDx, kSpdx, kInTotoStatement, kSlsaProvenance, kCompliance };

// "cyclonedx", "spdx", "in-toto", "slsa-provenance", "compliance".
std::string_view DocumentKindName(DocumentKind kind);
// Inverse of DocumentKindName; nullopt for other names.
std::optional<DocumentKind> DocumentKindFromName(std::string_view name);

inline constexpr char kCycloneDxMediaType[] = "application/vnd.cyclonedx+json";
inline constexpr char kSpdxMediaType[] = "application/spdx+json";
inline constexpr char kComplianceMediaType[] = "application/json";
inline constexpr size_t kMaxComplianceTypeSize = 256;

struct WorkloadDocument {
  DocumentKind kind = DocumentKind::kCompliance;
  // kCycloneDxMediaType, kSpdxMediaType, kInTotoPayloadType (a plain Statement), kDsseMediaType
  // (an enveloped one), kComplianceMediaType.
  std::string media_type{};
  // CycloneDX "1.5" / "1.6"; SPDX "SPDX-2.3"; in-toto: the predicateType; compliance: the
  // declared compliance_type.
  std::string spec_version{};
  std::string digest{};  // "sha256:<hex>" of the exact bytes ingested: the content address
  // CycloneDX metadata.component.name; SPDX document name; in-toto the first subject's name;
  // compliance a top-level string "name". Empty when absent.
  std::string name{};
  bool enveloped = false;  // a DSSE-enveloped in-toto Statement
  // What the document describes, as "<alg>:<lowercase hex>", unique, in document order (one
  // in-toto subject's digests by algorithm name):
  // in-toto subjects (DigestSet names as written: "sha256", "gitCommit"); CycloneDX
  // metadata.component hashes and SPDX checksums of the packages and files the document
  // DESCRIBES, with algorithm names mapped to in-toto's ("SHA-256"/"SHA256" -> "sha256",
  // "SHA3-256" -> "sha3_256", "BLAKE2b-256" -> "blake2b_256", "BLAKE3" -> "blake3", ...).
  std::vector<std::string> subject_digests{};
  std::vector<std::string> keyids{};  // enveloped: the signatures' keyids (unauthenticated hints)
};

struct IngestOptions {
  // The owner's word for what the document is; detected from its members when unset.
  std::optional<DocumentKind> declared_kind = std::nullopt;
  // Required for kCompliance, ignored otherwise: a URI or a name for the kind of compliance
  // document ("https://example.org/soc2-report/v1", "iso27001-certificate"); at most
  // kMaxComplianceTypeSize bytes, no whitespace or control characters.
  std::string compliance_type{};
  size_t max_bytes = 16 << 20;
};

// Checks and describes one document (all formats are JSON; repeated member names and nesting
// beyond 64 levels are refused). Detection, when no kind is declared: "bomFormat" -> CycloneDX,
// "spdxVersion" -> SPDX, "_type" -> in-toto Statement, "payloadType" -> DSSE envelope of one;
// a Statement whose predicateType is kSlsaProvenanceV1 is kSlsaProvenance. Compliance documents
// are never detected: they must be declared.
//
// CycloneDX: bomFormat "CycloneDX"; specVersion "1.5" or "1.6"; version >= 1 and serialNumber
// urn:uuid if present; every component (metadata.component, metadata.tools.components,
// components, nested components) with a "type" from the version's enum and a string "name";
// every hashes entry {alg from the hash-alg enum, content hex of the alg's length (BLAKE3: 64,
// 96 or 128)}, also in externalReferences. SPDX 2.3: spdxVersion "SPDX-2.3", dataLicense
// "CC0-1.0", SPDXID "SPDXRef-DOCUMENT", name, documentNamespace (an absolute URI without '#'),
// creationInfo {created, creators: non-empty array of strings}; packages with SPDXID
// "SPDXRef-...", name, downloadLocation; files with SPDXID, fileName; checksums {algorithm from
// the 2.3 list, checksumValue lowercase hex of its length}; relationships with the three
// members. in-toto: ParseStatement, plain or in a DSSE envelope (ParseDsse) whose payloadType
// is kInTotoPayloadType; SLSA v1 predicates CheckSlsaProvenance (also when declared in-toto).
//
// Errors: kBodyTooLarge over options.max_bytes; kMalformedJson if not a JSON object;
// kProvenanceTypeUnsupported for an undetectable document, an unsupported version (CycloneDX
// other than 1.5/1.6, SPDX other than 2.3, in-toto v0.1), a DSSE payloadType other than in-toto,
// or a declared kSlsaProvenance with another predicateType; kProvenanceDigestMismatch for a
// CycloneDX hash or SPDX checksum value that is not hex of the algorithm's length;
// kDsseMalformed for a broken envelope; kInvalidArgument for a compliance document without a
// (valid) compliance_type; kProvenanceDocumentInvalid naming the member otherwise.
// Thread-safe.
absl::StatusOr<WorkloadDocument> IngestDocument(ByteView bytes, const IngestOptions& options);

}  // namespace twi::provenance
