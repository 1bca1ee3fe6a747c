#include "libs/storage/backends/sqlite/sqlite_database.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/storage/backends/sqlite/sqlite_migrations.h"

namespace twi::storage {
namespace {

constexpr char kComponent[] = "storage";

// SQLite creates a missing file with mode 0644; creating it first keeps it private. The WAL and
// shared-memory files inherit the database file's mode.
absl::Status CreateFileIfMissing(const std::string& path) {
  int fd;
  do {
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return Error(Reason::kStorageError,
                 absl::StrFormat("cannot open database file %s: %s", path, strerror(errno)));
  }
  close(fd);
  return absl::OkStatus();
}

// Runs one statement without result rows, through the statement cache.
absl::Status Execute(SqliteConnection& connection, std::string_view sql) {
  TWI_ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare(sql));
  return statement.ExpectDone();
}

absl::StatusOr<int64_t> SchemaVersion(SqliteConnection& connection) {
  TWI_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  TWI_ASSIGN_OR_RETURN(const bool row, statement.Step());
  if (!row) return Error(Reason::kStorageError, "sqlite: schema version query returned no row");
  return statement.ColumnInt64(0);
}

absl::Status CheckNotNewer(int64_t version) {
  if (version <= LatestSqliteSchemaVersion()) return absl::OkStatus();
  return Error(Reason::kStorageError,
               absl::StrFormat("database was written by a newer twi (schema version %d; this "
                               "binary knows up to %d)",
                               version, LatestSqliteSchemaVersion()));
}

// Switching a fresh file to WAL needs an exclusive lock. Two connections doing it at once can
// each hold a shared lock and want the other's gone; SQLite then answers SQLITE_BUSY at once
// instead of calling the busy handler (deadlock avoidance), so the wait is ours to do.
absl::Status EnableWal(SqliteConnection& connection, absl::Duration busy_timeout) {
  const absl::Time deadline = absl::Now() + busy_timeout;
  while (true) {
    absl::Status status = [&]() -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement statement,
                           connection.Prepare("PRAGMA journal_mode = WAL"));
      TWI_ASSIGN_OR_RETURN(const bool row, statement.Step());
      if (!row || statement.ColumnText(0) != "wal") {
        return Error(Reason::kStorageError, "sqlite: cannot enable WAL journal mode");
      }
      return absl::OkStatus();
    }();
    const bool busy = (sqlite3_errcode(connection.handle()) & 0xff) == SQLITE_BUSY;
    if (status.ok() || !busy || absl::Now() >= deadline) return status;
    absl::SleepFor(absl::Milliseconds(2));
  }
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, sqlite3* db)
    : path_(std::move(path)), connection_(db) {}

absl::StatusOr<std::shared_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                                     SqliteOptions options) {
  if (options.synchronous != "normal" && options.synchronous != "full") {
    return Error(Reason::kInvalidArgument,
                 absl::StrFormat("sqlite synchronous must be \"normal\" or \"full\", got \"%s\"",
                                 options.synchronous));
  }
  if (options.busy_timeout < absl::ZeroDuration()) {
    return Error(Reason::kInvalidArgument, "sqlite busy_timeout must not be negative");
  }
  TWI_RETURN_IF_ERROR(CreateFileIfMissing(path));

  sqlite3* handle = nullptr;
  // NOMUTEX: SqliteDatabase serializes all use of the connection itself.
  const int rc = sqlite3_open_v2(
      path.c_str(), &handle,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  // The object owns the handle from here on, also on failure (it then only carries the error).
  std::shared_ptr<SqliteDatabase> db(new SqliteDatabase(path, handle));
  if (rc != SQLITE_OK) return Annotate(SqliteStatus(handle, rc, "open"), path);
  TWI_RETURN_IF_ERROR(Annotate(db->Configure(options), path));
  TWI_RETURN_IF_ERROR(Annotate(
      db->ApplyMigrations(options.clock != nullptr ? *options.clock : SystemClock()), path));
  return db;
}

absl::Status SqliteDatabase::Configure(const SqliteOptions& options) {
  return Run([&](SqliteConnection& connection) -> absl::Status {
    sqlite3* handle = connection.handle();
    // Defensive mode refuses statements that could corrupt the file (writable_schema & co.);
    // an untrusted schema may not run SQL functions with side effects.
    if (sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr) != SQLITE_OK ||
        sqlite3_db_config(handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr) != SQLITE_OK) {
      return Error(Reason::kStorageError, "sqlite: cannot set defensive configuration");
    }
    const int64_t timeout_ms = std::min<int64_t>(absl::ToInt64Milliseconds(options.busy_timeout),
                                                 std::numeric_limits<int>::max());
    if (const int rc = sqlite3_busy_timeout(handle, static_cast<int>(timeout_ms));
        rc != SQLITE_OK) {
      return SqliteStatus(handle, rc, "busy_timeout");
    }
    TWI_RETURN_IF_ERROR(EnableWal(connection, options.busy_timeout));
    return connection.Exec(options.synchronous == "full"
                               ? "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                               : "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
  });
}

absl::Status SqliteDatabase::ApplyMigrations(const Clock& clock) {
  int64_t version = 0;
  TWI_RETURN_IF_ERROR(Run([&](SqliteConnection& connection) -> absl::Status {
    TWI_RETURN_IF_ERROR(
        connection.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)"));
    TWI_ASSIGN_OR_RETURN(version, SchemaVersion(connection));
    return absl::OkStatus();
  }));
  TWI_RETURN_IF_ERROR(CheckNotNewer(version));

  for (const SqliteMigration& migration : SqliteMigrations()) {
    if (migration.version <= version) continue;
    bool applied = false;
    absl::Status status = RunInTransaction([&](SqliteConnection& connection) -> absl::Status {
      // Another process may have migrated between our read and our write lock.
      TWI_ASSIGN_OR_RETURN(const int64_t current, SchemaVersion(connection));
      TWI_RETURN_IF_ERROR(CheckNotNewer(current));
      if (current >= migration.version) return absl::OkStatus();
      TWI_RETURN_IF_ERROR(connection.Exec(migration.sql));
      TWI_ASSIGN_OR_RETURN(
          SqliteStatement insert,
          connection.Prepare(
              "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)"));
      TWI_RETURN_IF_ERROR(insert.BindInt64(1, migration.version));
      TWI_RETURN_IF_ERROR(insert.BindInt64(2, absl::ToUnixMicros(clock.Now())));
      TWI_RETURN_IF_ERROR(insert.ExpectDone());
      applied = true;
      return absl::OkStatus();
    });
    if (!status.ok()) {
      return Annotate(status, absl::StrFormat("schema migration %d (%s)", migration.version,
                                              migration.description));
    }
    if (applied) {
      LogInfo(kComponent, absl::StrFormat("%s: applied schema migration %d (%s)", path_,
                                          migration.version, migration.description));
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteDatabase::Run(absl::FunctionRef<absl::Status(SqliteConnection&)> body) {
  std::lock_guard<std::mutex> lock(mu_);
  return body(connection_);
}

absl::Status SqliteDatabase::RunInTransaction(
    absl::FunctionRef<absl::Status(SqliteConnection&)> body) {
  std::lock_guard<std::mutex> lock(mu_);
  TWI_RETURN_IF_ERROR(Execute(connection_, "BEGIN IMMEDIATE"));
  absl::Status status = body(connection_);
  if (status.ok()) status = Execute(connection_, "COMMIT");
  // A failed COMMIT may leave the transaction open; never leave it to the next caller.
  if (!status.ok() && !connection_.Autocommit()) {
    if (absl::Status rollback = Execute(connection_, "ROLLBACK"); !rollback.ok()) {
      LogError(kComponent, absl::StrFormat("%s: rollback failed: %s", path_, rollback.message()));
    }
  }
  return status;
}

}  // namespace twi::storage
