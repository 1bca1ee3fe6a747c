#include "libs/issuer/provenance_recorder.h"

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/jose/jwk.h"
#include "libs/provenance/dsse.h"

namespace twi::issuer {

ProvenanceRecorder::ProvenanceRecorder(const crypto::Signer* signer, tlog::TransparencyLog* log,
                                       storage::ProvenanceStore* store, const Clock* clock)
    : signer_(signer),
      log_(log),
      store_(store),
      clock_(clock),
      keyid_(jose::Jwk::FromPublicKey(signer->public_key()).Thumbprint()) {}

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
  // The log entry is the envelope's digest; the envelope itself is stored beside the log.
  TWI_ASSIGN_OR_RETURN(out.log_index, log_->Append(out.digest));
  storage::CredentialProvenanceRecord stored;
  stored.digest = "sha256:" + HexEncode(out.digest);
  stored.credential_id = record.credential_id;
  stored.log_index = out.log_index;
  stored.content_type = provenance::kDsseMediaType;
  stored.content = ToBytes(out.envelope);
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
