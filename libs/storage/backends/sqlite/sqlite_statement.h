// SqliteStatement: one prepared statement of a SqliteConnection's cache, lent out for one use.
//
// A thin adapter over the SQLite C API that turns result codes into Status. It is not a query
// builder and owns nothing: the connection keeps the sqlite3_stmt for reuse. Not thread-safe;
// use it only inside the SqliteDatabase::Run body that prepared it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

struct sqlite3;
struct sqlite3_stmt;

namespace twi::storage {

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  // Resets the statement and clears its bindings, returning it to the cache.
  ~SqliteStatement();

  // Bind the 1-based parameter `index`. kStorageError on failure (e.g. index out of range).
  absl::Status BindInt64(int index, int64_t value);
  absl::Status BindText(int index, std::string_view text);
  absl::Status BindBlob(int index, ByteView blob);

  // Advances: true when a row is available, false when the statement has finished.
  // kInvalidArgument for a primary-key or unique-constraint violation (callers turn that into
  // "already exists"); kStorageError for every other failure.
  absl::StatusOr<bool> Step();
  // Steps once more and requires the statement to finish there. In autocommit mode the implicit
  // commit happens now, so a failed commit surfaces here rather than going unnoticed in reset.
  absl::Status ExpectDone();

  // Rewinds the statement to run it again in the same lease; bindings are kept.
  // kStorageError on failure.
  absl::Status Reset();

  // Columns of the current row, 0-based. NULL reads as 0 / "".
  int64_t ColumnInt64(int column) const;
  std::string ColumnText(int column) const;
  // Valid until the next Step, Reset or destruction of this statement.
  ByteView ColumnBlob(int column) const;

 private:
  friend class SqliteConnection;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache entry's flag; cleared by the destructor
};

// The Status for SQLite result code `rc` on `db` (may be null), prefixed with `what`.
// PRIMARYKEY/UNIQUE constraint violations map to kInvalidArgument, everything else to
// kStorageError.
absl::Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

}  // namespace twi::storage
