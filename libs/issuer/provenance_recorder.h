// ProvenanceRecorder: the CA's side of Credential Provenance. For each credential it signs the
// record (libs/provenance/credential_record.h) as a DSSE envelope with the provenance signing
// key, appends SHA-256 of the envelope bytes to the transparency log, and stores the envelope
// beside the log, keyed by that digest and by the credential. With auditor keys, what is stored
// is the envelope sealed for them (libs/provenance/sealed_record.h); the log entry and the
// pointer stay the plain envelope's digest.
//
// Order and failure (docs/provenance.md "Atomicity"): Record returns only after the log entry
// is durably sequenced and the envelope is stored, so a credential that carries a pointer always
// has a record and, once integrated, an inclusion proof. A failure after the append leaves a
// log entry whose credential was never released; the log is append-only, so that is the only
// kind of leftover there can be, never a credential without a record.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/clock.h"
#include "libs/crypto/signature.h"
#include "libs/provenance/credential_record.h"
#include "libs/storage/provenance_store.h"
#include "libs/tlog/sequencer/transparency_log.h"

namespace twi::issuer {

struct RecordedProvenance {
  Bytes digest;  // SHA-256 of the envelope: the log entry
  std::string log_origin;
  uint64_t log_index = 0;
  std::string envelope;  // the DSSE envelope JSON (plain, also when stored sealed)
  bool sealed = false;   // stored encrypted to auditors
};

class ProvenanceRecorder {
 public:
  // None of the pointers is owned; all must outlive the recorder. `signer` signs the DSSE
  // envelopes (EC P-256 in the Key Store by default). Non-empty `auditors`: every record is
  // stored sealed for these keys (kInvalidArgument from Record for unusable keys).
  ProvenanceRecorder(const crypto::Signer* signer, tlog::TransparencyLog* log,
                     storage::ProvenanceStore* store, const Clock* clock,
                     std::vector<crypto::PublicKey> auditors = {});

  // Thread-safe. Errors: kInvalidArgument for an incomplete record; the signer's (Key Store
  // reasons); kLogOverloaded / kLogUnavailable (retryable: nothing was issued); kStorageError.
  absl::StatusOr<RecordedProvenance> Record(const provenance::CredentialRecord& record);

  // The provenance documents the owner linked to a workload release, as record references.
  absl::StatusOr<std::vector<provenance::DocumentReference>> WorkloadDocuments(
      std::string_view workload, std::string_view release);

  const crypto::PublicKey& public_key() const { return signer_->public_key(); }
  const std::string& log_origin() const { return log_->origin(); }

 private:
  const crypto::Signer* signer_;
  tlog::TransparencyLog* log_;
  storage::ProvenanceStore* store_;
  const Clock* clock_;
  std::string keyid_;  // RFC 7638 thumbprint of the signer's key, the DSSE keyid hint
  const std::vector<crypto::PublicKey> auditors_;
};

}  // namespace twi::issuer
