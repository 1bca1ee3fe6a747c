// IssuanceLedger: the Credential Authority's append-only record of every credential it issued.
//
// The ledger answers "what did we issue, to whom, resting on which attestation result" for audit,
// revocation and incident response. It is append-only by contract (no update, no delete) and is
// not a transparency log: it holds no proofs and is trusted as far as its database is. Every
// backend implements it natively and must pass libs/storage/testing/issuance_ledger_conformance.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace twi::storage {

// One issued credential. All string fields are required (non-empty). Times are kept to the
// microsecond; finer parts are truncated towards the past.
struct IssuanceRecord {
  std::string credential_id;      // X.509: "x509:<serial hex>", WIT: "wit:<jti>"; unique
  std::string format;             // "x509-svid" | "wit"
  std::string subject;            // workload identifier (SPIFFE ID)
  std::string workload;           // workload policy name
  std::string key_thumbprint;     // RFC 7638 thumbprint (base64url) of the credential key
  std::string mechanism;          // "A" | "B" | ...
  std::string ear_digest;         // "sha256:<hex>" of the EAR the issuance rests on
  std::string credential_digest;  // "sha256:<hex>" of the DER certificate / compact JWS
  absl::Time issued_at;
  absl::Time not_before;
  absl::Time not_after;

  friend bool operator==(const IssuanceRecord&, const IssuanceRecord&) = default;
};

inline constexpr int kMaxLedgerListLimit = 10'000;

// Newest first by issued_at; records with equal issued_at come in reverse append order.
struct LedgerQuery {
  std::string subject;  // "" = any subject
  int limit = 100;      // 1..kMaxLedgerListLimit
};

// Thread-safety: every implementation is safe to call from any number of threads at once.
// Durability: Append has committed when it returns OK.
class IssuanceLedger {
 public:
  virtual ~IssuanceLedger() = default;

  // Appends all records of one issuance atomically: all are stored or none.
  // kInvalidArgument (nothing stored) for an empty batch, an empty required field, or a
  // credential_id that repeats inside the batch or already exists; kStorageError on failure.
  virtual absl::Status Append(const std::vector<IssuanceRecord>& records) = 0;

  // Records matching `query`, newest first. kInvalidArgument for a limit out of range;
  // kStorageError on failure.
  virtual absl::StatusOr<std::vector<IssuanceRecord>> List(const LedgerQuery& query) = 0;

  // Number of records. kStorageError on failure.
  virtual absl::StatusOr<int64_t> Count() = 0;

  // The record with `credential_id`, or nullopt. kStorageError on failure.
  virtual absl::StatusOr<std::optional<IssuanceRecord>> Find(std::string_view credential_id) = 0;
};

// --- For backends -------------------------------------------------------------------------------

// Checks a whole Append batch before any write: non-empty, every required field set, no
// credential_id twice. kInvalidArgument naming the first offending record and field.
absl::Status ValidateIssuanceBatch(const std::vector<IssuanceRecord>& records);

// kInvalidArgument unless 1 <= limit <= kMaxLedgerListLimit.
absl::Status ValidateLedgerQuery(const LedgerQuery& query);

}  // namespace twi::storage
