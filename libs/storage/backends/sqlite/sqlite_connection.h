// SqliteConnection: one open sqlite3 handle and its cache of prepared statements.
//
// Not thread-safe: SqliteDatabase owns the only instance per database object and lends it out
// under its mutex. Stores reach it only through SqliteDatabase::Run / RunInTransaction.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/storage/backends/sqlite/sqlite_statement.h"

namespace twi::storage {

class SqliteConnection {
 public:
  // Takes ownership of `db`.
  explicit SqliteConnection(sqlite3* db);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // The cached statement for `sql` (exactly one SQL statement), prepared on first use. Keyed by
  // the SQL text, so callers pass constant strings, never SQL built from data (bind instead).
  // kStorageError if it does not compile, holds more than one statement, or is already lent out.
  absl::StatusOr<SqliteStatement> Prepare(std::string_view sql);

  // Runs a script of statements without results, uncached (schema migrations, pragmas).
  // kStorageError on failure.
  absl::Status Exec(std::string_view sql);

  // Rows changed by the most recent finished INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // False while an explicit transaction is open.
  bool Autocommit() const;

  sqlite3* handle() const { return db_; }

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  sqlite3* db_;
  // unique_ptr keeps each entry's address stable across rehashing; leases point into it.
  absl::flat_hash_map<std::string, std::unique_ptr<CachedStatement>> cache_;
};

}  // namespace twi::storage
