// The numbered schema migrations of the SQLite backend.
//
// Each migration runs once, in its own transaction, and is recorded in
// schema_migrations(version, applied_at). Released migrations are never edited or renumbered:
// schema changes append a new one.
#pragma once

#include <string_view>

#include "absl/types/span.h"

namespace twi::storage {

struct SqliteMigration {
  int version;  // 1, 2, 3, ... without gaps
  std::string_view description;
  std::string_view sql;  // a script of statements without results
};

// All migrations in ascending version order.
absl::Span<const SqliteMigration> SqliteMigrations();

// The newest schema version this binary knows (the last migration's version).
int LatestSqliteSchemaVersion();

}  // namespace twi::storage
