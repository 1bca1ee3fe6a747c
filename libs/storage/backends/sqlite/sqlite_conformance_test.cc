// Runs the backend-independent conformance suites against SQLite.
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"
#include "libs/storage/testing/issuance_ledger_conformance.h"
#include "libs/storage/testing/log_store_conformance.h"
#include "libs/storage/testing/nonce_store_conformance.h"
#include "libs/storage/testing/provenance_store_conformance.h"
#include "testing/temp_dir.h"

namespace twi::storage {
namespace {

using testing::IssuanceLedgerBackend;
using testing::IssuanceLedgerConformanceTest;
using testing::LogStoreBackend;
using testing::LogStoreConformanceTest;
using testing::NonceStoreBackend;
using testing::NonceStoreConformanceTest;
using testing::ProvenanceStoreBackend;
using testing::ProvenanceStoreConformanceTest;

// A fresh database per call, in one directory removed when the test binary exits.
std::shared_ptr<SqliteDatabase> OpenFreshDatabase() {
  static ::twi::testing::TempDir dir;
  static std::atomic<int> next{0};
  absl::StatusOr<std::shared_ptr<SqliteDatabase>> db =
      SqliteDatabase::Open(dir.File(absl::StrFormat("conformance-%d.db", next++)));
  if (!db.ok()) {
    ADD_FAILURE() << db.status();
    return nullptr;
  }
  return *std::move(db);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, NonceStoreConformanceTest,
                         ::testing::Values(NonceStoreBackend("sqlite", []() {
                           std::shared_ptr<SqliteDatabase> db = OpenFreshDatabase();
                           return db ? NewSqliteNonceStore(db) : nullptr;
                         })));

INSTANTIATE_TEST_SUITE_P(Sqlite, IssuanceLedgerConformanceTest,
                         ::testing::Values(IssuanceLedgerBackend("sqlite", []() {
                           std::shared_ptr<SqliteDatabase> db = OpenFreshDatabase();
                           return db ? NewSqliteIssuanceLedger(db) : nullptr;
                         })));

INSTANTIATE_TEST_SUITE_P(Sqlite, LogStoreConformanceTest,
                         ::testing::Values(LogStoreBackend("sqlite", []() {
                           std::shared_ptr<SqliteDatabase> db = OpenFreshDatabase();
                           return db ? NewSqliteLogStore(db) : nullptr;
                         })));

INSTANTIATE_TEST_SUITE_P(Sqlite, ProvenanceStoreConformanceTest,
                         ::testing::Values(ProvenanceStoreBackend("sqlite", []() {
                           std::shared_ptr<SqliteDatabase> db = OpenFreshDatabase();
                           return db ? NewSqliteProvenanceStore(db) : nullptr;
                         })));

}  // namespace
}  // namespace twi::storage
