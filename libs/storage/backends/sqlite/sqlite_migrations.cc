#include "libs/storage/backends/sqlite/sqlite_migrations.h"

#include <iterator>

namespace twi::storage {
namespace {

// Times are INTEGER microseconds since the Unix epoch throughout.
constexpr SqliteMigration kMigrations[] = {
    {1, "nonce store",
     R"sql(
CREATE TABLE nonces (
  -- SHA-256 of the nonce, never the nonce itself (see libs/storage/nonce_store.h).
  nonce_hash BLOB PRIMARY KEY NOT NULL CHECK (length(nonce_hash) = 32),
  expires_at_us INTEGER NOT NULL,
  -- Consume attempts; exactly the one that moved this from 0 to 1 may succeed.
  consume_attempts INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX nonces_by_expiry ON nonces (expires_at_us);
)sql"},
    {2, "issuance ledger",
     R"sql(
CREATE TABLE issuances (
  -- Append order, to order ties in issued_at. Rows are never deleted, so the rowid (max + 1)
  -- only grows; AUTOINCREMENT would cost an extra page write per append for nothing.
  seq INTEGER PRIMARY KEY,
  credential_id TEXT NOT NULL UNIQUE CHECK (credential_id <> ''),
  format TEXT NOT NULL CHECK (format <> ''),
  subject TEXT NOT NULL CHECK (subject <> ''),
  workload TEXT NOT NULL CHECK (workload <> ''),
  key_thumbprint TEXT NOT NULL CHECK (key_thumbprint <> ''),
  mechanism TEXT NOT NULL CHECK (mechanism <> ''),
  ear_digest TEXT NOT NULL CHECK (ear_digest <> ''),
  credential_digest TEXT NOT NULL CHECK (credential_digest <> ''),
  issued_at_us INTEGER NOT NULL,
  not_before_us INTEGER NOT NULL,
  not_after_us INTEGER NOT NULL
);
CREATE INDEX issuances_by_time ON issuances (issued_at_us DESC, seq DESC);
CREATE INDEX issuances_by_subject ON issuances (subject, issued_at_us DESC, seq DESC);
)sql"},
    {3, "spent nonces instead of issued ones",
     R"sql(
DROP TABLE nonces;
-- Only nonces that have been answered (libs/storage/nonce_store.h). Keyed by expiry first, so new
-- records are appended at the end of one B-tree and a purge deletes a prefix of it.
CREATE TABLE spent_nonces (
  expires_at_us INTEGER NOT NULL,
  -- SHA-256 of the nonce, never the nonce itself.
  nonce_hash BLOB NOT NULL CHECK (length(nonce_hash) = 32),
  PRIMARY KEY (expires_at_us, nonce_hash)
) WITHOUT ROWID;
)sql"},
    {4, "issuance ledger indexes in ascending order",
     R"sql(
-- Ascending, so that a new issuance lands at the right edge of each index, where SQLite appends
-- to the last page; descending keys put it at the left edge, which splits pages on the way.
-- Newest-first queries read the same indexes backwards.
DROP INDEX issuances_by_time;
DROP INDEX issuances_by_subject;
CREATE INDEX issuances_by_time ON issuances (issued_at_us, seq);
CREATE INDEX issuances_by_subject ON issuances (subject, issued_at_us, seq);
)sql"},
    {5, "transparency log",
     R"sql(
-- Sequenced entries; idx is the log index, so an index can never be given twice.
CREATE TABLE log_entries (
  idx INTEGER PRIMARY KEY CHECK (idx >= 0),
  entry BLOB NOT NULL CHECK (length(entry) BETWEEN 1 AND 65535)
);
-- Hashes of the perfect subtrees, 256 consecutive nodes of one level per row (8 KiB when
-- full): a tile of the tlog-tiles API is one row at a level that is a multiple of 8, and a
-- batch rewrites only the last row of each level instead of inserting a row per node.
CREATE TABLE log_strata (
  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
  chunk INTEGER NOT NULL CHECK (chunk >= 0),
  hashes BLOB NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192),
  PRIMARY KEY (level, chunk)
) WITHOUT ROWID;
CREATE TABLE log_state (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  sequenced INTEGER NOT NULL CHECK (sequenced >= 0),
  integrated INTEGER NOT NULL CHECK (integrated BETWEEN 0 AND sequenced)
);
INSERT INTO log_state (id, sequenced, integrated) VALUES (0, 0, 0);
CREATE TABLE log_checkpoints (
  size INTEGER PRIMARY KEY CHECK (size >= 0),
  note TEXT NOT NULL,
  published_at_us INTEGER NOT NULL
);
)sql"},
    {6, "provenance",
     R"sql(
-- Workload Provenance documents, content-addressed and immutable.
CREATE TABLE provenance_documents (
  digest TEXT PRIMARY KEY NOT NULL CHECK (digest LIKE 'sha256:%'),
  kind TEXT NOT NULL CHECK (kind <> ''),
  media_type TEXT NOT NULL CHECK (media_type <> ''),
  spec_version TEXT NOT NULL,
  name TEXT NOT NULL,
  -- JSON array of "alg:hex" strings.
  subject_digests TEXT NOT NULL,
  content BLOB NOT NULL,
  added_at_us INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE provenance_links (
  seq INTEGER PRIMARY KEY,
  workload TEXT NOT NULL CHECK (workload <> ''),
  release TEXT NOT NULL CHECK (release <> ''),
  digest TEXT NOT NULL REFERENCES provenance_documents (digest),
  UNIQUE (workload, release, digest)
);
-- One Credential Provenance record per credential; digest is its log entry.
CREATE TABLE provenance_records (
  digest TEXT PRIMARY KEY NOT NULL CHECK (digest LIKE 'sha256:%'),
  credential_id TEXT NOT NULL UNIQUE CHECK (credential_id <> ''),
  log_index INTEGER NOT NULL UNIQUE CHECK (log_index >= 0),
  content_type TEXT NOT NULL CHECK (content_type <> ''),
  content BLOB NOT NULL,
  created_at_us INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    {7, "rowid tables for large rows",
     R"sql(
-- WITHOUT ROWID tables keep whole rows in their B-tree keys, so a lookup among rows of several
-- KiB reads their overflow pages too (SQLite withoutrowid.html §4): a 20-node proof read
-- hundreds of KiB. Keyed by one integer instead: (level << 56) | chunk.
CREATE TABLE log_strata_by_id (
  id INTEGER PRIMARY KEY CHECK (id >= 0),
  hashes BLOB NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192)
);
INSERT INTO log_strata_by_id (id, hashes) SELECT (level << 56) | chunk, hashes FROM log_strata;
DROP TABLE log_strata;
ALTER TABLE log_strata_by_id RENAME TO log_strata;
-- The same for the provenance tables, whose rows hold whole documents and envelopes.
CREATE TABLE provenance_documents_v2 (
  seq INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE CHECK (digest LIKE 'sha256:%'),
  kind TEXT NOT NULL CHECK (kind <> ''),
  media_type TEXT NOT NULL CHECK (media_type <> ''),
  spec_version TEXT NOT NULL,
  name TEXT NOT NULL,
  subject_digests TEXT NOT NULL,
  content BLOB NOT NULL,
  added_at_us INTEGER NOT NULL
);
INSERT INTO provenance_documents_v2 (digest, kind, media_type, spec_version, name,
                                     subject_digests, content, added_at_us)
  SELECT digest, kind, media_type, spec_version, name, subject_digests, content, added_at_us
  FROM provenance_documents;
CREATE TABLE provenance_links_v2 (
  seq INTEGER PRIMARY KEY,
  workload TEXT NOT NULL CHECK (workload <> ''),
  release TEXT NOT NULL CHECK (release <> ''),
  digest TEXT NOT NULL REFERENCES provenance_documents_v2 (digest),
  UNIQUE (workload, release, digest)
);
INSERT INTO provenance_links_v2 SELECT seq, workload, release, digest FROM provenance_links;
DROP TABLE provenance_links;
DROP TABLE provenance_documents;
ALTER TABLE provenance_documents_v2 RENAME TO provenance_documents;
ALTER TABLE provenance_links_v2 RENAME TO provenance_links;
CREATE TABLE provenance_records_v2 (
  seq INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE CHECK (digest LIKE 'sha256:%'),
  credential_id TEXT NOT NULL UNIQUE CHECK (credential_id <> ''),
  log_index INTEGER NOT NULL UNIQUE CHECK (log_index >= 0),
  content_type TEXT NOT NULL CHECK (content_type <> ''),
  content BLOB NOT NULL,
  created_at_us INTEGER NOT NULL
);
INSERT INTO provenance_records_v2 (digest, credential_id, log_index, content_type, content,
                                   created_at_us)
  SELECT digest, credential_id, log_index, content_type, content, created_at_us
  FROM provenance_records;
DROP TABLE provenance_records;
ALTER TABLE provenance_records_v2 RENAME TO provenance_records;
)sql"},
    {8, "TPM clocks",
     R"sql(
CREATE TABLE tpm_clocks (
  ak_name BLOB PRIMARY KEY,
  reset_count INTEGER NOT NULL CHECK (reset_count >= 0),
  restart_count INTEGER NOT NULL CHECK (restart_count >= 0),
  clock INTEGER NOT NULL CHECK (clock >= 0)
) WITHOUT ROWID;
)sql"},
};

}  // namespace

absl::Span<const SqliteMigration> SqliteMigrations() { return kMigrations; }

int LatestSqliteSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

}  // namespace twi::storage
