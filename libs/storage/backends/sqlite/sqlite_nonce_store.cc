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

  absl::Status Put(ByteView nonce, absl::Time expires_at) override {
    TWI_RETURN_IF_ERROR(ValidateNonce(nonce));
    const Bytes key = NonceKey(nonce);
    absl::Status status = db_->Run([&](SqliteConnection& connection) -> absl::Status {
      // Plain INSERT: an existing nonce violates the primary key instead of being reset.
      TWI_ASSIGN_OR_RETURN(SqliteStatement insert,
                           connection.Prepare("INSERT INTO nonces (nonce_hash, expires_at_us) "
                                              "VALUES (?1, ?2)"));
      TWI_RETURN_IF_ERROR(insert.BindBlob(1, key));
      TWI_RETURN_IF_ERROR(insert.BindInt64(2, absl::ToUnixMicros(expires_at)));
      return insert.ExpectDone();
    });
    if (GetReason(status) == Reason::kInvalidArgument) {
      return Error(Reason::kInvalidArgument, "nonce already exists");
    }
    return status;
  }

  absl::Status Consume(ByteView nonce, absl::Time now) override {
    // A nonce of invalid length was never stored, so it is unknown rather than malformed.
    if (!ValidateNonce(nonce).ok()) return Error(Reason::kNonceUnknown, "nonce unknown");
    const Bytes key = NonceKey(nonce);
    bool found = false;
    int64_t attempts = 0;
    int64_t expires_at_us = 0;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      // One statement counts the attempt and reads the result, so no second caller (thread or
      // process) can see the counter at 0: only the attempt that moved it to 1 may succeed.
      TWI_ASSIGN_OR_RETURN(
          SqliteStatement update,
          connection.Prepare("UPDATE nonces SET consume_attempts = consume_attempts + 1 "
                             "WHERE nonce_hash = ?1 RETURNING consume_attempts, expires_at_us"));
      TWI_RETURN_IF_ERROR(update.BindBlob(1, key));
      TWI_ASSIGN_OR_RETURN(found, update.Step());
      if (found) {
        attempts = update.ColumnInt64(0);
        expires_at_us = update.ColumnInt64(1);
      }
      return update.ExpectDone();
    }));
    if (!found) return Error(Reason::kNonceUnknown, "nonce unknown");
    if (attempts != 1) return Error(Reason::kNonceReused, "nonce already used");
    // The first attempt at or after expiry has consumed the nonce all the same, so a later call
    // with an earlier `now` cannot revive it.
    if (absl::ToUnixMicros(now) >= expires_at_us) {
      return Error(Reason::kNonceExpired, "nonce expired");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> PurgeExpired(absl::Time cutoff) override {
    int64_t deleted = 0;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement purge,
                           connection.Prepare("DELETE FROM nonces WHERE expires_at_us < ?1"));
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
