#include "libs/storage/backends/sqlite/sqlite_statement.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::storage {

SqliteStatement::SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use)
    : db_(db), stmt_(stmt), in_use_(in_use) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)) {}

SqliteStatement::~SqliteStatement() {
  if (stmt_ == nullptr) return;
  // reset() repeats the last step's error, which Step() has already reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

absl::Status SqliteStatement::BindInt64(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteStatus(db_, rc, "bind");
}

absl::Status SqliteStatement::BindText(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer may die before the step.
  const int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteStatus(db_, rc, "bind");
}

absl::Status SqliteStatement::BindBlob(int index, ByteView blob) {
  const int rc = sqlite3_bind_blob64(stmt_, index, blob.data(), blob.size(), SQLITE_TRANSIENT);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteStatus(db_, rc, "bind");
}

absl::StatusOr<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db_, rc, "step");
}

absl::Status SqliteStatement::ExpectDone() {
  TWI_ASSIGN_OR_RETURN(const bool row, Step());
  if (row) return Error(Reason::kStorageError, "sqlite: statement returned an unexpected row");
  return absl::OkStatus();
}

absl::Status SqliteStatement::Reset() {
  const int rc = sqlite3_reset(stmt_);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteStatus(db_, rc, "reset");
}

int64_t SqliteStatement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::ColumnText(int column) const {
  // text() before bytes(): bytes() then reports the size of the UTF-8 form just produced.
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return text == nullptr ? std::string() : std::string(text, static_cast<size_t>(size));
}

ByteView SqliteStatement::ColumnBlob(int column) const {
  // blob() before bytes(), as for text.
  const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return blob == nullptr ? ByteView() : ByteView(blob, static_cast<size_t>(size));
}

absl::Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string message =
      absl::StrFormat("sqlite %s: %s (%s, code %d)", what, detail, sqlite3_errstr(rc), rc);
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Error(Reason::kInvalidArgument, message);
  }
  return Error(Reason::kStorageError, message);
}

}  // namespace twi::storage
