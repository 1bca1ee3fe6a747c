// IssuanceLedger over SQLite. Append is one IMMEDIATE transaction; reads are single statements,
// each reading one consistent snapshot.
#include <utility>

#include "libs/core/status.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"

namespace twi::storage {
namespace {

// Column order shared by every SELECT and by ReadRecord.
#define TWI_ISSUANCE_COLUMNS                                                          \
  "credential_id, format, subject, workload, key_thumbprint, mechanism, ear_digest, " \
  "credential_digest, issued_at_us, not_before_us, not_after_us"

constexpr char kInsertSql[] = "INSERT INTO issuances (" TWI_ISSUANCE_COLUMNS
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr char kFindSql[] =
    "SELECT " TWI_ISSUANCE_COLUMNS " FROM issuances WHERE credential_id = ?1";
constexpr char kListAllSql[] =
    "SELECT " TWI_ISSUANCE_COLUMNS " FROM issuances ORDER BY issued_at_us DESC, seq DESC LIMIT ?1";
constexpr char kListSubjectSql[] =
    "SELECT " TWI_ISSUANCE_COLUMNS
    " FROM issuances WHERE subject = ?1 ORDER BY issued_at_us DESC, seq DESC LIMIT ?2";
constexpr char kCountSql[] = "SELECT COUNT(*) FROM issuances";

#undef TWI_ISSUANCE_COLUMNS

absl::Status BindRecord(SqliteStatement& insert, const IssuanceRecord& record) {
  TWI_RETURN_IF_ERROR(insert.BindText(1, record.credential_id));
  TWI_RETURN_IF_ERROR(insert.BindText(2, record.format));
  TWI_RETURN_IF_ERROR(insert.BindText(3, record.subject));
  TWI_RETURN_IF_ERROR(insert.BindText(4, record.workload));
  TWI_RETURN_IF_ERROR(insert.BindText(5, record.key_thumbprint));
  TWI_RETURN_IF_ERROR(insert.BindText(6, record.mechanism));
  TWI_RETURN_IF_ERROR(insert.BindText(7, record.ear_digest));
  TWI_RETURN_IF_ERROR(insert.BindText(8, record.credential_digest));
  TWI_RETURN_IF_ERROR(insert.BindInt64(9, absl::ToUnixMicros(record.issued_at)));
  TWI_RETURN_IF_ERROR(insert.BindInt64(10, absl::ToUnixMicros(record.not_before)));
  return insert.BindInt64(11, absl::ToUnixMicros(record.not_after));
}

IssuanceRecord ReadRecord(const SqliteStatement& row) {
  IssuanceRecord record;
  record.credential_id = row.ColumnText(0);
  record.format = row.ColumnText(1);
  record.subject = row.ColumnText(2);
  record.workload = row.ColumnText(3);
  record.key_thumbprint = row.ColumnText(4);
  record.mechanism = row.ColumnText(5);
  record.ear_digest = row.ColumnText(6);
  record.credential_digest = row.ColumnText(7);
  record.issued_at = absl::FromUnixMicros(row.ColumnInt64(8));
  record.not_before = absl::FromUnixMicros(row.ColumnInt64(9));
  record.not_after = absl::FromUnixMicros(row.ColumnInt64(10));
  return record;
}

absl::Status ReadAll(SqliteStatement& select, std::vector<IssuanceRecord>& out) {
  while (true) {
    TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
    if (!row) return absl::OkStatus();
    out.push_back(ReadRecord(select));
  }
}

class SqliteIssuanceLedger final : public IssuanceLedger {
 public:
  explicit SqliteIssuanceLedger(std::shared_ptr<SqliteDatabase> db) : db_(std::move(db)) {}

  absl::Status Append(const std::vector<IssuanceRecord>& records) override {
    TWI_RETURN_IF_ERROR(ValidateIssuanceBatch(records));
    absl::Status status = db_->RunInTransaction([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement insert, connection.Prepare(kInsertSql));
      for (const IssuanceRecord& record : records) {
        TWI_RETURN_IF_ERROR(BindRecord(insert, record));
        TWI_RETURN_IF_ERROR(insert.ExpectDone());
        TWI_RETURN_IF_ERROR(insert.Reset());
      }
      return absl::OkStatus();
    });
    // The batch was checked for internal repeats, so a unique violation means "already stored".
    if (GetReason(status) == Reason::kInvalidArgument) {
      return Error(Reason::kInvalidArgument, "credential_id already in the ledger");
    }
    return status;
  }

  absl::StatusOr<std::vector<IssuanceRecord>> List(const LedgerQuery& query) override {
    TWI_RETURN_IF_ERROR(ValidateLedgerQuery(query));
    std::vector<IssuanceRecord> records;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      const bool any_subject = query.subject.empty();
      TWI_ASSIGN_OR_RETURN(SqliteStatement select,
                           connection.Prepare(any_subject ? kListAllSql : kListSubjectSql));
      if (any_subject) {
        TWI_RETURN_IF_ERROR(select.BindInt64(1, query.limit));
      } else {
        TWI_RETURN_IF_ERROR(select.BindText(1, query.subject));
        TWI_RETURN_IF_ERROR(select.BindInt64(2, query.limit));
      }
      return ReadAll(select, records);
    }));
    return records;
  }

  absl::StatusOr<int64_t> Count() override {
    int64_t count = 0;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kCountSql));
      TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
      if (!row) return Error(Reason::kStorageError, "sqlite: COUNT returned no row");
      count = select.ColumnInt64(0);
      return absl::OkStatus();
    }));
    return count;
  }

  absl::StatusOr<std::optional<IssuanceRecord>> Find(std::string_view credential_id) override {
    std::optional<IssuanceRecord> found;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kFindSql));
      TWI_RETURN_IF_ERROR(select.BindText(1, credential_id));
      TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
      if (row) found = ReadRecord(select);
      return absl::OkStatus();
    }));
    return found;
  }

 private:
  std::shared_ptr<SqliteDatabase> db_;
};

}  // namespace

std::unique_ptr<IssuanceLedger> NewSqliteIssuanceLedger(std::shared_ptr<SqliteDatabase> db) {
  return std::make_unique<SqliteIssuanceLedger>(std::move(db));
}

}  // namespace twi::storage
