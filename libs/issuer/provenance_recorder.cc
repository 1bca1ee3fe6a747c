#include "libs/issuer/provenance_recorder.h"

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/jose/jwk.h"
#include "libs/provenance/dsse.h"
#include "libs/provenance/sealed_record.h"

namespace twi::issuer {

ProvenanceRecorder::ProvenanceRecorder(const crypto::Signer* signer, tlog::TransparencyLog* log,
                                       storage::ProvenanceStore* store, const Clock* clock,
                                       std::vector<crypto::PublicKey> auditors)
    : signer_(signer),
      log_(log),
      store_(store),
      clock_(clock),
      keyid_(jose::Jwk::FromPublicKey(signer->public_key()).Thumbprint()),
      auditors_(std::move(auditors)) {}

absl::StatusOr<RecordedProvenance> ProvenanceRecorder::Record(
    const provenance::CredentialRecord& record) {
  TWI_ASSIGN_OR_RETURN(const std::string payload, provenance::EncodeCredentialRecord(record));
  TWI_ASSIGN_OR_RETURN(
      const provenance::DsseEnvelope envelope,
      provenance::SignDsse(provenance::kInTotoPayloadType, AsBytes(payload), *signer_, keyid_));
  RecordedProvenance out;
  out.envelope = provenance::EncodeDsse(envelope);
  out.digest = crypto::Sha256(AsBytes(out.envelope));
  out.log_origin = log_->origin();
  storage::CredentialProvenanceRecord stored;
  stored.content_type = storage::kRecordPlainType;
  if (!auditors_.empty()) {
    // Sealed before the append, so a key that cannot be encrypted to leaves no log entry.
    TWI_ASSIGN_OR_RETURN(const std::string sealed, provenance::SealRecord(out.envelope, auditors_));
    stored.content = ToBytes(sealed);
    stored.content_type = storage::kRecordSealedType;
    out.sealed = true;
  } else {
    stored.content = ToBytes(out.envelope);
  }
  // The log entry is the envelope's digest; the envelope itself is stored beside the log.
  TWI_ASSIGN_OR_RETURN(out.log_index, log_->Append(out.digest));
  stored.digest = "sha256:" + HexEncode(out.digest);
  stored.credential_id = record.credential_id;
  stored.log_index = out.log_index;
  stored.created_at = clock_->Now();
  if (absl::Status status = store_->PutRecord(stored); !status.ok()) {
    LogError("ca", absl::StrCat("provenance record for log entry ", out.log_index,
                                " not stored, nothing issued: ", status.message()));
    return Error(Reason::kStorageError, "provenance store unavailable; retry later");
  }
  return out;
}

absl::StatusOr<std::vector<provenance::DocumentReference>> ProvenanceRecorder::WorkloadDocuments(
    std::string_view workload, std::string_view release) {
  TWI_ASSIGN_OR_RETURN(const std::vector<storage::ProvenanceDocument> documents,
                       store_->LinkedDocuments(workload, release));
  std::vector<provenance::DocumentReference> refs;
  refs.reserve(documents.size());
  for (const storage::ProvenanceDocument& d : documents) {
    refs.push_back({.digest = d.digest,
                    .kind = d.kind,
                    .media_type = d.media_type,
                    .spec_version = d.spec_version,
                    .name = d.name});
  }
  return refs;
}

}  // namespace twi::issuer
