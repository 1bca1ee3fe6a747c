// Fetching a credential's provenance from a twi server (services/log_service.h): the record
// envelope and an offline proof, ready for VerifyProvenance. Nothing fetched is trusted: the
// caller verifies it with keys it holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/net/client.h"
#include "libs/rp/provenance_check.h"

namespace twi::rp {

struct FetchedProvenance {
  std::string envelope;      // DSSE JSON exactly as stored, or the record sealed for auditors
  bool sealed = false;       // content type storage::kRecordSealedType
  Bytes digest;              // the server's word for the log entry (checked by the proof)
  std::string proof_bundle;  // c2sp.org/tlog-proof@v1
  uint64_t log_index = 0;
};

// GET /v1/provenance/record?credential=... then /v1/log/proof/bundle?index=... Errors: the
// server's problem reason (kProvenanceRecordNotFound, kTreeSizeInvalid, ...), kTransportError.
absl::StatusOr<FetchedProvenance> FetchProvenance(net::HttpsClient& client,
                                                  std::string_view credential_id);

// The DSSE envelope of a fetched record: as fetched, or opened with `auditor` when it is
// sealed (libs/provenance/sealed_record.h). kProvenanceRecordSealed for a sealed record and no
// auditor key (or one it is not sealed for); OpenSealedRecord's errors.
absl::StatusOr<std::string> PlainEnvelope(const FetchedProvenance& fetched,
                                          const crypto::PrivateKey* auditor);

// GET /log/checkpoint (unverified text).
absl::StatusOr<std::string> FetchCheckpoint(net::HttpsClient& client);

// A readable account of a verified record: which evidence, policies and documents the
// credential rests on, and where the log holds it.
std::string DescribeProvenance(const VerifiedProvenance& verified);
Json ProvenanceJson(const VerifiedProvenance& verified);

}  // namespace twi::rp
