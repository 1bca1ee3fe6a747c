// TpmClockStore over SQLite: one conditional upsert, so concurrent attestations of one TPM
// cannot both pass with clocks out of order.
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"

namespace twi::storage {
namespace {

class SqliteTpmClockStore final : public evidence::tpm::TpmClockStore {
 public:
  explicit SqliteTpmClockStore(std::shared_ptr<SqliteDatabase> db) : db_(std::move(db)) {}

  absl::Status Advance(ByteView ak_name, const evidence::tpm::TpmClock& clock) override {
    if (ak_name.empty() || ak_name.size() > 66 ||
        clock.clock > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Error(Reason::kInvalidArgument, "TPM clock: bad AK Name or clock");
    }
    int64_t changes = 0;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      // The row moves only forward in (resetCount, restartCount, clock) order; an older clock
      // changes nothing, which is how it is told apart.
      TWI_ASSIGN_OR_RETURN(
          SqliteStatement upsert,
          connection.Prepare(
              "INSERT INTO tpm_clocks (ak_name, reset_count, restart_count, clock) "
              "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (ak_name) DO UPDATE SET "
              "reset_count = excluded.reset_count, restart_count = excluded.restart_count, "
              "clock = excluded.clock WHERE (excluded.reset_count, excluded.restart_count, "
              "excluded.clock) >= (reset_count, restart_count, clock)"));
      TWI_RETURN_IF_ERROR(upsert.BindBlob(1, ak_name));
      TWI_RETURN_IF_ERROR(upsert.BindInt64(2, clock.reset_count));
      TWI_RETURN_IF_ERROR(upsert.BindInt64(3, clock.restart_count));
      TWI_RETURN_IF_ERROR(upsert.BindInt64(4, static_cast<int64_t>(clock.clock)));
      TWI_RETURN_IF_ERROR(upsert.ExpectDone());
      changes = connection.Changes();
      return absl::OkStatus();
    }));
    if (changes == 0) {
      return Error(Reason::kTpmClockInvalid,
                   absl::StrFormat("the TPM's clock went back (reset %d restart %d clock %d is "
                                   "older than a quote seen before): rolled-back state or an old "
                                   "quote",
                                   clock.reset_count, clock.restart_count, clock.clock));
    }
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<SqliteDatabase> db_;
};

}  // namespace

std::unique_ptr<evidence::tpm::TpmClockStore> NewSqliteTpmClockStore(
    std::shared_ptr<SqliteDatabase> db) {
  return std::make_unique<SqliteTpmClockStore>(std::move(db));
}

}  // namespace twi::storage
