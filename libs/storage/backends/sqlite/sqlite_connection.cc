#include "libs/storage/backends/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "libs/core/status.h"

namespace twi::storage {

SqliteConnection::SqliteConnection(sqlite3* db) : db_(db) {}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry->stmt);
  sqlite3_close_v2(db_);
}

absl::StatusOr<SqliteStatement> SqliteConnection::Prepare(std::string_view sql) {
  const absl::string_view key(sql.data(), sql.size());
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "prepare");
    const absl::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
    if (stmt == nullptr || !absl::StripAsciiWhitespace(rest).empty()) {
      sqlite3_finalize(stmt);
      return Error(Reason::kStorageError, "sqlite prepare: expected exactly one statement");
    }
    auto entry = std::make_unique<CachedStatement>();
    entry->stmt = stmt;
    it = cache_.emplace(std::string(sql), std::move(entry)).first;
  }
  CachedStatement& entry = *it->second;
  // Lending one sqlite3_stmt twice would interleave two queries' bindings and rows.
  if (entry.in_use) return Error(Reason::kStorageError, "sqlite prepare: statement already in use");
  entry.in_use = true;
  return SqliteStatement(db_, entry.stmt, &entry.in_use);
}

absl::Status SqliteConnection::Exec(std::string_view sql) {
  const std::string script(sql);  // sqlite3_exec needs NUL termination
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // sqlite3_errmsg still holds the same text
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteStatus(db_, rc, "exec");
}

int64_t SqliteConnection::Changes() const { return sqlite3_changes64(db_); }

bool SqliteConnection::Autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

}  // namespace twi::storage
