#include "libs/storage/issuance_ledger.h"

#include <set>
#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::storage {
namespace {

absl::Status ValidateRecord(const IssuanceRecord& record, size_t index) {
  const std::pair<const char*, const std::string*> required[] = {
      {"credential_id", &record.credential_id},
      {"format", &record.format},
      {"subject", &record.subject},
      {"workload", &record.workload},
      {"key_thumbprint", &record.key_thumbprint},
      {"mechanism", &record.mechanism},
      {"ear_digest", &record.ear_digest},
      {"credential_digest", &record.credential_digest},
  };
  for (const auto& [name, value] : required) {
    if (value->empty()) {
      return Error(Reason::kInvalidArgument,
                   absl::StrFormat("issuance record %d: %s is empty", index, name));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateIssuanceBatch(const std::vector<IssuanceRecord>& records) {
  // An issuance always produces at least one credential; storing nothing would hide a missing
  // ledger entry instead of reporting the caller's bug.
  if (records.empty()) return Error(Reason::kInvalidArgument, "empty issuance batch");
  std::set<std::string_view> ids;
  for (size_t i = 0; i < records.size(); ++i) {
    TWI_RETURN_IF_ERROR(ValidateRecord(records[i], i));
    if (!ids.insert(records[i].credential_id).second) {
      return Error(Reason::kInvalidArgument,
                   absl::StrFormat("issuance record %d: credential_id repeats in the batch", i));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLedgerQuery(const LedgerQuery& query) {
  if (query.limit < 1 || query.limit > kMaxLedgerListLimit) {
    return Error(Reason::kInvalidArgument,
                 absl::StrFormat("ledger query limit must be 1..%d, got %d", kMaxLedgerListLimit,
                                 query.limit));
  }
  return absl::OkStatus();
}

}  // namespace twi::storage
