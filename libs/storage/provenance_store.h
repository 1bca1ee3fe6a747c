// ProvenanceStore: Workload Provenance documents the owner ingested, their links to workload
// releases, and the Credential Provenance record of every issuance (docs/provenance.md).
//
// Documents are content-addressed (digest = "sha256:<hex>" of their bytes) and immutable; a
// document may be linked to any number of (workload, release) pairs. Records are append-only:
// one per credential issued, keyed by the digest of the stored envelope, which is also the
// record's transparency log entry. Nothing is ever updated or deleted.
//
// Thread-safety: every implementation is safe from any number of threads and processes.
// Durability: a call that returned OK has committed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"

namespace twi::storage {

inline constexpr size_t kMaxProvenanceDocumentBytes = 16 << 20;
inline constexpr size_t kMaxProvenanceRecordBytes = 1 << 20;
// The two forms of a stored record. The digest is always that of the plain envelope (the log
// entry); only for the plain form can the store check it against the content.
inline constexpr char kRecordPlainType[] = "application/vnd.dsse.envelope.v1+json";
inline constexpr char kRecordSealedType[] = "application/vnd.twi.sealed-record+json";

struct ProvenanceDocument {
  std::string digest;        // "sha256:<64 hex>" of content; required
  std::string kind;          // "cyclonedx" | "spdx" | "in-toto" | "slsa-provenance" | "compliance"
  std::string media_type;    // required
  std::string spec_version;  // e.g. "1.6", "SPDX-2.3", a predicate type, a compliance type
  std::string name;          // may be empty
  std::vector<std::string> subject_digests;  // what the document describes ("alg:hex")
  Bytes content;                             // the exact bytes ingested; empty in listings
  absl::Time added_at;

  friend bool operator==(const ProvenanceDocument&, const ProvenanceDocument&) = default;
};

struct CredentialProvenanceRecord {
  std::string digest;         // "sha256:<hex>" of content (= the log entry); required, unique
  std::string credential_id;  // "x509:<serial hex>" | "wit:<jti>"; required, unique
  uint64_t log_index = 0;
  std::string content_type;  // kRecordPlainType, or kRecordSealedType for a record encrypted
                             // to auditors (libs/provenance/sealed_record.h)
  Bytes content;             // the envelope (or its encryption) exactly as stored
  absl::Time created_at;

  friend bool operator==(const CredentialProvenanceRecord&,
                         const CredentialProvenanceRecord&) = default;
};

class ProvenanceStore {
 public:
  virtual ~ProvenanceStore() = default;

  // Stores a document. The same digest again is a no-op (content addressing). kInvalidArgument
  // (nothing stored) for a missing required field, a digest that is not "sha256:<64 lower
  // hex>" of the content, or content over kMaxProvenanceDocumentBytes; kStorageError.
  virtual absl::Status PutDocument(const ProvenanceDocument& document) = 0;

  // The document with `digest`, or nullopt. kStorageError on failure.
  virtual absl::StatusOr<std::optional<ProvenanceDocument>> GetDocument(
      std::string_view digest) = 0;

  // Links a stored document to a workload release; linking twice is a no-op.
  // kInvalidArgument for an empty workload or release or a digest not stored; kStorageError.
  virtual absl::Status LinkDocument(std::string_view workload, std::string_view release,
                                    std::string_view digest) = 0;

  // Documents linked to (workload, release), without content, oldest link first.
  // kStorageError on failure.
  virtual absl::StatusOr<std::vector<ProvenanceDocument>> LinkedDocuments(
      std::string_view workload, std::string_view release) = 0;

  // Appends a record. kInvalidArgument (nothing stored) for a missing field, another content
  // type, a plain record's digest that is not that of the content (a sealed record's that is
  // not sha256:<hex>), content over kMaxProvenanceRecordBytes, or a digest, credential id or
  // log index already stored; kStorageError on failure.
  virtual absl::Status PutRecord(const CredentialProvenanceRecord& record) = 0;

  // The record with `digest` / for `credential_id`, or nullopt. kStorageError on failure.
  virtual absl::StatusOr<std::optional<CredentialProvenanceRecord>> FindRecord(
      std::string_view digest) = 0;
  virtual absl::StatusOr<std::optional<CredentialProvenanceRecord>> FindRecordByCredential(
      std::string_view credential_id) = 0;
};

// --- For backends -------------------------------------------------------------------------------

absl::Status ValidateProvenanceDocument(const ProvenanceDocument& document);
absl::Status ValidateProvenanceRecord(const CredentialProvenanceRecord& record);

}  // namespace twi::storage
