// The SQLite backend of the storage contracts: one database file, opened natively through the
// SQLite C API, with numbered migrations (sqlite_migrations.h).
//
// It is meant for a single host: several processes may share the file (WAL mode, busy timeout),
// but not over a network file system. It is not a general SQL layer: stores are written against
// SQLite directly, and a PostgreSQL backend implements the same contracts natively.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/clock.h"
#include "libs/evidence/backends/tpm/tpm_verifier.h"
#include "libs/storage/backends/sqlite/sqlite_connection.h"
#include "libs/storage/issuance_ledger.h"
#include "libs/storage/log_store.h"
#include "libs/storage/nonce_store.h"
#include "libs/storage/provenance_store.h"

namespace twi::storage {

struct SqliteOptions {
  // "normal": WAL + synchronous=NORMAL — atomic, durable across process crashes, may lose the
  // last commits on power loss. "full": synchronous=FULL — durable across power loss, at the
  // price of an fsync per commit.
  std::string synchronous = "normal";
  // How long a statement waits for another connection's write lock before kStorageError.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Source of schema_migrations.applied_at; null means SystemClock(). Not owned.
  const Clock* clock = nullptr;
};

// Thread-safety: safe from any number of threads. Each object holds one connection behind a
// mutex, so calls on one object run one at a time. That is the simplest correct choice for the
// short statements of these stores (a few µs each) and keeps prepared statements per connection;
// more parallelism would not help anyway since SQLite admits one writer at a time. Separate
// objects (or processes) on the same file coordinate through SQLite's own locking.
class SqliteDatabase {
 public:
  // Opens or creates the database file (created with mode 0600; an existing file keeps its
  // mode), enables WAL, foreign keys, defensive mode and the busy timeout, and applies pending
  // migrations, each in its own transaction.
  // kInvalidArgument for bad options; kStorageError for any SQLite or file failure, including
  // "database was written by a newer twi" when its schema version is newer than this binary's.
  static absl::StatusOr<std::shared_ptr<SqliteDatabase>> Open(const std::string& path,
                                                              SqliteOptions options = {});

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs `body` with exclusive use of the connection, in autocommit mode: each statement is its
  // own transaction. For single-statement operations (the fast path). Returns body's status.
  absl::Status Run(absl::FunctionRef<absl::Status(SqliteConnection&)> body);

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back if body or COMMIT fails, so its
  // writes are all stored or none. IMMEDIATE takes the write lock up front, so the transaction
  // cannot fail half-way on a lock another connection holds. Returns body's status, or
  // kStorageError if BEGIN/COMMIT fails.
  absl::Status RunInTransaction(absl::FunctionRef<absl::Status(SqliteConnection&)> body);

  const std::string& path() const { return path_; }

 private:
  SqliteDatabase(std::string path, sqlite3* db);
  absl::Status Configure(const SqliteOptions& options);
  absl::Status ApplyMigrations(const Clock& clock);

  const std::string path_;
  std::mutex mu_;
  SqliteConnection connection_;  // guarded by mu_
};

// The stores over one database. Several stores may share a database. Thread-safe.
std::unique_ptr<NonceStore> NewSqliteNonceStore(std::shared_ptr<SqliteDatabase> db);
std::unique_ptr<IssuanceLedger> NewSqliteIssuanceLedger(std::shared_ptr<SqliteDatabase> db);
std::unique_ptr<LogStore> NewSqliteLogStore(std::shared_ptr<SqliteDatabase> db);
std::unique_ptr<ProvenanceStore> NewSqliteProvenanceStore(std::shared_ptr<SqliteDatabase> db);
// The Verifier's memory of each TPM AK's clock (libs/evidence/backends/tpm/tpm_verifier.h).
std::unique_ptr<evidence::tpm::TpmClockStore> NewSqliteTpmClockStore(
    std::shared_ptr<SqliteDatabase> db);

}  // namespace twi::storage
