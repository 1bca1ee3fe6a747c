// NonceStore over SQLite. Each operation is a single statement in autocommit mode, so it is one
// atomic transaction without an explicit BEGIN/COMMIT round trip.
#include <utility>

#include "libs/core/status.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"

namespace twi::storage {
namespace {

class SqliteNonceStore final : public NonceStore {
 public:
  explicit SqliteNonceStore(std::shared_ptr<SqliteDatabase> db) : db_(std::move(db)) {}

  absl::Status Spend(ByteView nonce, absl::Time expires_at) override {
    TWI_RETURN_IF_ERROR(ValidateNonce(nonce));
    const Bytes key = NonceKey(nonce);
    absl::Status status = db_->Run([&](SqliteConnection& connection) -> absl::Status {
      // A plain INSERT: the primary key makes exactly one of any concurrent callers succeed.
      TWI_ASSIGN_OR_RETURN(
          SqliteStatement insert,
          connection.Prepare("INSERT INTO spent_nonces (expires_at_us, nonce_hash) "
                             "VALUES (?1, ?2)"));
      TWI_RETURN_IF_ERROR(insert.BindInt64(1, absl::ToUnixMicros(expires_at)));
      TWI_RETURN_IF_ERROR(insert.BindBlob(2, key));
      return insert.ExpectDone();
    });
    // The backend reports a constraint violation as kInvalidArgument.
    if (GetReason(status) == Reason::kInvalidArgument) {
      return Error(Reason::kNonceReused, "nonce already used");
    }
    return status;
  }

  absl::StatusOr<int64_t> PurgeExpired(absl::Time cutoff) override {
    int64_t deleted = 0;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement purge,
                           connection.Prepare("DELETE FROM spent_nonces WHERE expires_at_us < ?1"));
      TWI_RETURN_IF_ERROR(purge.BindInt64(1, absl::ToUnixMicros(cutoff)));
      TWI_RETURN_IF_ERROR(purge.ExpectDone());
      deleted = connection.Changes();
      return absl::OkStatus();
    }));
    return deleted;
  }

 private:
  std::shared_ptr<SqliteDatabase> db_;
};

}  // namespace

std::unique_ptr<NonceStore> NewSqliteNonceStore(std::shared_ptr<SqliteDatabase> db) {
  return std::make_unique<SqliteNonceStore>(std::move(db));
}

}  // namespace twi::storage
