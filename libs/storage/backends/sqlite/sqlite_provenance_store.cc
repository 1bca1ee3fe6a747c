// ProvenanceStore over SQLite: one statement per call, except linking (check + insert in one
// transaction). Subject digests are kept as a JSON array: they are read back, never queried.
#include <utility>

#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"

namespace twi::storage {
namespace {

constexpr char kInsertDocumentSql[] =
    "INSERT OR IGNORE INTO provenance_documents (digest, kind, media_type, spec_version, name, "
    "subject_digests, content, added_at_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr char kGetDocumentSql[] =
    "SELECT digest, kind, media_type, spec_version, name, subject_digests, added_at_us, content "
    "FROM provenance_documents WHERE digest = ?1";
constexpr char kDocumentExistsSql[] = "SELECT 1 FROM provenance_documents WHERE digest = ?1";
constexpr char kLinkSql[] =
    "INSERT OR IGNORE INTO provenance_links (workload, release, digest) VALUES (?1, ?2, ?3)";
constexpr char kLinkedSql[] =
    "SELECT d.digest, d.kind, d.media_type, d.spec_version, d.name, d.subject_digests, "
    "d.added_at_us FROM provenance_links l JOIN provenance_documents d ON d.digest = l.digest "
    "WHERE l.workload = ?1 AND l.release = ?2 ORDER BY l.seq";
constexpr char kInsertRecordSql[] =
    "INSERT INTO provenance_records (digest, credential_id, log_index, content_type, content, "
    "created_at_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
#define TWI_RECORD_COLUMNS "digest, credential_id, log_index, content_type, content, created_at_us"
constexpr char kRecordByDigestSql[] =
    "SELECT " TWI_RECORD_COLUMNS " FROM provenance_records WHERE digest = ?1";
constexpr char kRecordByCredentialSql[] =
    "SELECT " TWI_RECORD_COLUMNS " FROM provenance_records WHERE credential_id = ?1";
#undef TWI_RECORD_COLUMNS

// Columns 0..6 as in kLinkedSql; column 7, when present, is the content.
ProvenanceDocument ReadDocument(const SqliteStatement& row, bool with_content) {
  ProvenanceDocument document;
  document.digest = row.ColumnText(0);
  document.kind = row.ColumnText(1);
  document.media_type = row.ColumnText(2);
  document.spec_version = row.ColumnText(3);
  document.name = row.ColumnText(4);
  absl::StatusOr<Json> subjects = ParseJson(row.ColumnText(5));
  if (subjects.ok() && subjects->is_array()) {
    for (const Json& subject : *subjects) {
      if (subject.is_string()) document.subject_digests.push_back(subject.get<std::string>());
    }
  }
  document.added_at = absl::FromUnixMicros(row.ColumnInt64(6));
  if (with_content) {
    const ByteView content = row.ColumnBlob(7);
    document.content.assign(content.begin(), content.end());
  }
  return document;
}

absl::StatusOr<std::optional<CredentialProvenanceRecord>> ReadRecord(SqliteStatement& select) {
  TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
  if (!row) return std::nullopt;
  CredentialProvenanceRecord record;
  record.digest = select.ColumnText(0);
  record.credential_id = select.ColumnText(1);
  record.log_index = static_cast<uint64_t>(select.ColumnInt64(2));
  record.content_type = select.ColumnText(3);
  const ByteView content = select.ColumnBlob(4);
  record.content.assign(content.begin(), content.end());
  record.created_at = absl::FromUnixMicros(select.ColumnInt64(5));
  return record;
}

class SqliteProvenanceStore final : public ProvenanceStore {
 public:
  explicit SqliteProvenanceStore(std::shared_ptr<SqliteDatabase> db) : db_(std::move(db)) {}

  absl::Status PutDocument(const ProvenanceDocument& document) override {
    TWI_RETURN_IF_ERROR(ValidateProvenanceDocument(document));
    Json subjects = Json::array();
    for (const std::string& subject : document.subject_digests) subjects.push_back(subject);
    return db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement insert, connection.Prepare(kInsertDocumentSql));
      TWI_RETURN_IF_ERROR(insert.BindText(1, document.digest));
      TWI_RETURN_IF_ERROR(insert.BindText(2, document.kind));
      TWI_RETURN_IF_ERROR(insert.BindText(3, document.media_type));
      TWI_RETURN_IF_ERROR(insert.BindText(4, document.spec_version));
      TWI_RETURN_IF_ERROR(insert.BindText(5, document.name));
      TWI_RETURN_IF_ERROR(insert.BindText(6, DumpJson(subjects)));
      TWI_RETURN_IF_ERROR(insert.BindBlob(7, document.content));
      TWI_RETURN_IF_ERROR(insert.BindInt64(8, absl::ToUnixMicros(document.added_at)));
      return insert.ExpectDone();
    });
  }

  absl::StatusOr<std::optional<ProvenanceDocument>> GetDocument(std::string_view digest) override {
    std::optional<ProvenanceDocument> found;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kGetDocumentSql));
      TWI_RETURN_IF_ERROR(select.BindText(1, digest));
      TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
      if (row) found = ReadDocument(select, /*with_content=*/true);
      return absl::OkStatus();
    }));
    return found;
  }

  absl::Status LinkDocument(std::string_view workload, std::string_view release,
                            std::string_view digest) override {
    if (workload.empty() || release.empty()) {
      return Error(Reason::kInvalidArgument, "provenance: a link names a workload and a release");
    }
    return db_->RunInTransaction([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement exists, connection.Prepare(kDocumentExistsSql));
      TWI_RETURN_IF_ERROR(exists.BindText(1, digest));
      TWI_ASSIGN_OR_RETURN(const bool row, exists.Step());
      if (!row) return Error(Reason::kInvalidArgument, "provenance: no such document stored");
      TWI_ASSIGN_OR_RETURN(SqliteStatement insert, connection.Prepare(kLinkSql));
      TWI_RETURN_IF_ERROR(insert.BindText(1, workload));
      TWI_RETURN_IF_ERROR(insert.BindText(2, release));
      TWI_RETURN_IF_ERROR(insert.BindText(3, digest));
      return insert.ExpectDone();
    });
  }

  absl::StatusOr<std::vector<ProvenanceDocument>> LinkedDocuments(
      std::string_view workload, std::string_view release) override {
    std::vector<ProvenanceDocument> documents;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kLinkedSql));
      TWI_RETURN_IF_ERROR(select.BindText(1, workload));
      TWI_RETURN_IF_ERROR(select.BindText(2, release));
      while (true) {
        TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
        if (!row) return absl::OkStatus();
        documents.push_back(ReadDocument(select, /*with_content=*/false));
      }
    }));
    return documents;
  }

  absl::Status PutRecord(const CredentialProvenanceRecord& record) override {
    TWI_RETURN_IF_ERROR(ValidateProvenanceRecord(record));
    absl::Status status = db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement insert, connection.Prepare(kInsertRecordSql));
      TWI_RETURN_IF_ERROR(insert.BindText(1, record.digest));
      TWI_RETURN_IF_ERROR(insert.BindText(2, record.credential_id));
      TWI_RETURN_IF_ERROR(insert.BindInt64(3, static_cast<int64_t>(record.log_index)));
      TWI_RETURN_IF_ERROR(insert.BindText(4, record.content_type));
      TWI_RETURN_IF_ERROR(insert.BindBlob(5, record.content));
      TWI_RETURN_IF_ERROR(insert.BindInt64(6, absl::ToUnixMicros(record.created_at)));
      return insert.ExpectDone();
    });
    if (GetReason(status) == Reason::kInvalidArgument) {
      return Error(Reason::kInvalidArgument,
                   "provenance: a record with that digest, credential or log index exists");
    }
    return status;
  }

  absl::StatusOr<std::optional<CredentialProvenanceRecord>> FindRecord(
      std::string_view digest) override {
    return Find(kRecordByDigestSql, digest);
  }

  absl::StatusOr<std::optional<CredentialProvenanceRecord>> FindRecordByCredential(
      std::string_view credential_id) override {
    return Find(kRecordByCredentialSql, credential_id);
  }

 private:
  absl::StatusOr<std::optional<CredentialProvenanceRecord>> Find(const char* sql,
                                                                 std::string_view key) {
    std::optional<CredentialProvenanceRecord> found;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(sql));
      TWI_RETURN_IF_ERROR(select.BindText(1, key));
      TWI_ASSIGN_OR_RETURN(found, ReadRecord(select));
      return absl::OkStatus();
    }));
    return found;
  }

  std::shared_ptr<SqliteDatabase> db_;
};

}  // namespace

std::unique_ptr<ProvenanceStore> NewSqliteProvenanceStore(std::shared_ptr<SqliteDatabase> db) {
  return std::make_unique<SqliteProvenanceStore>(std::move(db));
}

}  // namespace twi::storage
