// SQLite-specific behaviour: files, durability, migrations, several connections on one file.
#include "libs/storage/backends/sqlite/sqlite_database.h"

#include <sys/stat.h>

#include <fstream>
#include <latch>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/storage/backends/sqlite/sqlite_migrations.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::storage {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::twi::testing::FakeClock;
using ::twi::testing::HasReason;
using ::twi::testing::TempDir;

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);

Bytes TestNonce(uint8_t id) { return Bytes(32, id); }

IssuanceRecord TestRecord(std::string credential_id) {
  return IssuanceRecord{.credential_id = std::move(credential_id),
                        .format = "x509-svid",
                        .subject = "spiffe://example.org/payments",
                        .workload = "payments-api",
                        .key_thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
                        .mechanism = "A",
                        .ear_digest = "sha256:" + std::string(64, 'e'),
                        .credential_digest = "sha256:" + std::string(64, 'c'),
                        .issued_at = kT0,
                        .not_before = kT0,
                        .not_after = kT0 + absl::Hours(1)};
}

// Reads one integer through the database's own helper (the statement cache included).
absl::StatusOr<int64_t> QueryInt(SqliteDatabase& db, std::string_view sql) {
  int64_t value = 0;
  TWI_RETURN_IF_ERROR(db.Run([&](SqliteConnection& connection) -> absl::Status {
    TWI_ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare(sql));
    TWI_ASSIGN_OR_RETURN(const bool row, statement.Step());
    if (!row) return Error(Reason::kNotFound, "no row");
    value = statement.ColumnInt64(0);
    return absl::OkStatus();
  }));
  return value;
}

// The details of EXPLAIN QUERY PLAN, one line per step.
absl::StatusOr<std::string> QueryPlan(SqliteDatabase& db, const std::string& sql) {
  std::string plan;
  TWI_RETURN_IF_ERROR(db.Run([&](SqliteConnection& connection) -> absl::Status {
    TWI_ASSIGN_OR_RETURN(SqliteStatement statement,
                         connection.Prepare("EXPLAIN QUERY PLAN " + sql));
    while (true) {
      TWI_ASSIGN_OR_RETURN(const bool row, statement.Step());
      if (!row) return absl::OkStatus();
      plan += std::string(statement.ColumnText(3)) + "\n";
    }
  }));
  return plan;
}

SqliteOptions Synchronous(std::string mode) {
  SqliteOptions options;
  options.synchronous = std::move(mode);
  return options;
}

MATCHER_P(Holds, expected, "is OK and holds " + ::testing::PrintToString(expected)) {
  if (!arg.ok()) {
    *result_listener << arg.status();
    return false;
  }
  return *arg == expected;
}

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::shared_ptr<SqliteDatabase>> Open(SqliteOptions options = {}) {
    if (options.clock == nullptr) options.clock = &clock_;
    return SqliteDatabase::Open(path_, options);
  }

  TempDir dir_;
  const std::string path_ = dir_.File("twi.db");
  FakeClock clock_{kT0};
};

TEST_F(SqliteDatabaseTest, DataSurvivesCloseAndReopen) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, Open());
    auto nonces = NewSqliteNonceStore(db);
    auto ledger = NewSqliteIssuanceLedger(db);
    ASSERT_OK(nonces->Spend(TestNonce(2), kT0 + absl::Minutes(5)));
    ASSERT_OK(ledger->Append({TestRecord("x509:01")}));
  }
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  auto nonces = NewSqliteNonceStore(db);
  auto ledger = NewSqliteIssuanceLedger(db);
  EXPECT_OK(nonces->Spend(TestNonce(1), kT0 + absl::Minutes(5)));
  EXPECT_THAT(nonces->Spend(TestNonce(2), kT0 + absl::Minutes(5)), HasReason(Reason::kNonceReused));
  ASSERT_OK_AND_ASSIGN(const auto found, ledger->Find("x509:01"));
  EXPECT_THAT(found, ::testing::Optional(TestRecord("x509:01")));
}

TEST_F(SqliteDatabaseTest, MigrationTableRecordsEveryVersionOnce) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  std::vector<int64_t> versions;
  std::vector<int64_t> applied_at;
  ASSERT_OK(db->Run([&](SqliteConnection& connection) -> absl::Status {
    TWI_ASSIGN_OR_RETURN(
        SqliteStatement select,
        connection.Prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version"));
    while (true) {
      TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
      if (!row) return absl::OkStatus();
      versions.push_back(select.ColumnInt64(0));
      applied_at.push_back(select.ColumnInt64(1));
    }
  }));
  std::vector<int64_t> expected;
  for (const SqliteMigration& migration : SqliteMigrations()) expected.push_back(migration.version);
  EXPECT_THAT(versions, ElementsAreArray(expected));
  EXPECT_EQ(versions.back(), LatestSqliteSchemaVersion());
  for (const int64_t at : applied_at) EXPECT_EQ(at, absl::ToUnixMicros(kT0));
}

TEST_F(SqliteDatabaseTest, MigrationsAreVersionedOneToLatestWithoutGaps) {
  int expected = 1;
  for (const SqliteMigration& migration : SqliteMigrations()) {
    EXPECT_EQ(migration.version, expected++);
    EXPECT_FALSE(migration.description.empty());
  }
}

TEST_F(SqliteDatabaseTest, ReopenAppliesNothingAgain) {
  { ASSERT_OK(Open()); }
  clock_.Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_OK_AND_ASSIGN(const int64_t rows, QueryInt(*db, "SELECT COUNT(*) FROM schema_migrations"));
  EXPECT_EQ(rows, LatestSqliteSchemaVersion());
  ASSERT_OK_AND_ASSIGN(const int64_t newest,
                       QueryInt(*db, "SELECT MAX(applied_at) FROM schema_migrations"));
  EXPECT_EQ(newest, absl::ToUnixMicros(kT0));
}

TEST_F(SqliteDatabaseTest, DatabaseFromNewerBinaryIsRefused) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, Open());
    ASSERT_OK(db->Run([](SqliteConnection& connection) {
      return connection.Exec(
          absl::StrFormat("INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0)",
                          LatestSqliteSchemaVersion() + 1));
    }));
  }
  const auto reopened = Open();
  EXPECT_THAT(reopened, HasReason(Reason::kStorageError));
  EXPECT_THAT(reopened.status().message(), HasSubstr("database was written by a newer twi"));
}

TEST_F(SqliteDatabaseTest, ConcurrentFirstOpensMigrateOnce) {
  constexpr int kOpeners = 4;
  std::vector<absl::Status> results(kOpeners);
  std::latch start(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = Open().status();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& result : results) EXPECT_OK(result);
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_OK_AND_ASSIGN(const int64_t rows, QueryInt(*db, "SELECT COUNT(*) FROM schema_migrations"));
  EXPECT_EQ(rows, LatestSqliteSchemaVersion());
}

TEST_F(SqliteDatabaseTest, TwoConnectionsOnOneFileSpendExactlyOnce) {
  ASSERT_OK_AND_ASSIGN(auto db_a, Open());
  ASSERT_OK_AND_ASSIGN(auto db_b, Open());  // like a second process
  const std::unique_ptr<NonceStore> stores[] = {NewSqliteNonceStore(db_a),
                                                NewSqliteNonceStore(db_b)};
  constexpr int kThreads = 16;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    const Bytes nonce = TestNonce(static_cast<uint8_t>(round + 1));
    std::vector<absl::Status> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        results[i] = stores[i % 2]->Spend(nonce, kT0 + absl::Minutes(5));
      });
    }
    for (std::thread& thread : threads) thread.join();
    int winners = 0;
    for (const absl::Status& result : results) {
      if (result.ok()) {
        ++winners;
      } else {
        EXPECT_THAT(result, HasReason(Reason::kNonceReused));
      }
    }
    EXPECT_EQ(winners, 1) << "round " << round;
  }
  // A nonce spent through one connection is spent for the other.
  ASSERT_OK(stores[0]->Spend(TestNonce(200), kT0 + absl::Minutes(5)));
  EXPECT_THAT(stores[1]->Spend(TestNonce(200), kT0 + absl::Minutes(5)),
              HasReason(Reason::kNonceReused));
}

TEST_F(SqliteDatabaseTest, FilesAreCreatedPrivate) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_OK(NewSqliteNonceStore(db)->Spend(TestNonce(1), kT0));  // a commit creates the WAL
  for (const std::string& file : {path_, path_ + "-wal", path_ + "-shm"}) {
    SCOPED_TRACE(file);
    struct stat info;
    ASSERT_EQ(stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
  }
}

TEST_F(SqliteDatabaseTest, NewestFirstLedgerListsReadAnIndexBackwardsWithoutSorting) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  const std::string order = " ORDER BY issued_at_us DESC, seq DESC LIMIT 10";
  ASSERT_OK_AND_ASSIGN(const std::string all, QueryPlan(*db, "SELECT * FROM issuances" + order));
  EXPECT_NE(all.find("issuances_by_time"), std::string::npos) << all;
  EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << all;
  ASSERT_OK_AND_ASSIGN(const std::string one,
                       QueryPlan(*db, "SELECT * FROM issuances WHERE subject = 'x'" + order));
  EXPECT_NE(one.find("issuances_by_subject"), std::string::npos) << one;
  EXPECT_EQ(one.find("TEMP B-TREE"), std::string::npos) << one;
}

TEST_F(SqliteDatabaseTest, StoresOnlyTheDigestOfANonce) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  const Bytes nonce = ToBytes("a-nonce-that-must-not-be-on-disk");
  ASSERT_OK(NewSqliteNonceStore(db)->Spend(nonce, kT0 + absl::Minutes(5)));

  ASSERT_OK_AND_ASSIGN(const int64_t matches,
                       QueryInt(*db, "SELECT COUNT(*) FROM spent_nonces WHERE nonce_hash = x'" +
                                         HexEncode(crypto::Sha256(nonce)) + "'"));
  EXPECT_EQ(matches, 1);
  for (const std::string& file : {path_, path_ + "-wal"}) {
    ASSERT_OK_AND_ASSIGN(const std::string contents, ReadFile(file, 64 << 20));
    EXPECT_EQ(contents.find(AsString(nonce)), std::string::npos) << file;
  }
}

TEST_F(SqliteDatabaseTest, AppliesJournalAndSynchronousSettings) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, Open());
    EXPECT_THAT(QueryInt(*db, "PRAGMA synchronous"), Holds(1));  // NORMAL
    EXPECT_THAT(QueryInt(*db, "PRAGMA foreign_keys"), Holds(1));
  }
  ASSERT_OK_AND_ASSIGN(auto db, Open(Synchronous("full")));
  EXPECT_THAT(QueryInt(*db, "PRAGMA synchronous"), Holds(2));  // FULL
  bool wal = false;
  ASSERT_OK(db->Run([&](SqliteConnection& connection) -> absl::Status {
    TWI_ASSIGN_OR_RETURN(SqliteStatement statement, connection.Prepare("PRAGMA journal_mode"));
    TWI_ASSIGN_OR_RETURN(const bool row, statement.Step());
    wal = row && statement.ColumnText(0) == "wal";
    return absl::OkStatus();
  }));
  EXPECT_TRUE(wal);
}

TEST_F(SqliteDatabaseTest, RejectsBadOptions) {
  EXPECT_THAT(Open(Synchronous("off")), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(Open(Synchronous("NORMAL")), HasReason(Reason::kInvalidArgument));
  SqliteOptions negative_timeout;
  negative_timeout.busy_timeout = absl::Seconds(-1);
  EXPECT_THAT(Open(negative_timeout), HasReason(Reason::kInvalidArgument));
}

TEST_F(SqliteDatabaseTest, MissingDirectoryIsAStorageError) {
  EXPECT_THAT(SqliteDatabase::Open(dir_.File("missing/twi.db")), HasReason(Reason::kStorageError));
}

TEST_F(SqliteDatabaseTest, FileThatIsNotADatabaseIsAStorageError) {
  ASSERT_OK(WriteFileAtomic(path_, std::string(4096, 'x'), 0600));
  EXPECT_THAT(Open(), HasReason(Reason::kStorageError));
}

TEST_F(SqliteDatabaseTest, FailedTransactionLeavesNothing) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  const absl::Status status = db->RunInTransaction([](SqliteConnection& connection) {
    TWI_RETURN_IF_ERROR(connection.Exec(
        "INSERT INTO spent_nonces (nonce_hash, expires_at_us) VALUES (zeroblob(32), 0)"));
    return Error(Reason::kInternal, "body failed after writing");
  });
  EXPECT_THAT(status, HasReason(Reason::kInternal));
  EXPECT_THAT(QueryInt(*db, "SELECT COUNT(*) FROM spent_nonces"), Holds(0));
  // The connection is usable again, outside any transaction.
  EXPECT_OK(db->RunInTransaction([](SqliteConnection&) { return absl::OkStatus(); }));
}

TEST_F(SqliteDatabaseTest, PrepareRejectsBadSqlAndDoubleLending) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_OK(db->Run([](SqliteConnection& connection) -> absl::Status {
    EXPECT_THAT(connection.Prepare("SELEC 1"), HasReason(Reason::kStorageError));
    EXPECT_THAT(connection.Prepare("SELECT 1; SELECT 2"), HasReason(Reason::kStorageError));
    EXPECT_THAT(connection.Prepare("   "), HasReason(Reason::kStorageError));
    TWI_ASSIGN_OR_RETURN(SqliteStatement first, connection.Prepare("SELECT 1"));
    EXPECT_THAT(connection.Prepare("SELECT 1"), HasReason(Reason::kStorageError));
    return absl::OkStatus();
  }));
  // Once the first lease ended, the statement can be lent again.
  EXPECT_THAT(QueryInt(*db, "SELECT 1"), Holds(1));
}

// The SQLite TPM clock memory keeps the order MemoryTpmClockStore keeps, across reopening.
TEST_F(SqliteDatabaseTest, TpmClocksOnlyMoveForward) {
  using evidence::tpm::TpmClock;
  const Bytes ak = {0x00, 0x0b, 1, 2, 3};
  const Bytes other = {0x00, 0x0b, 9};
  for (const bool reopen : {false, true}) {
    ASSERT_OK_AND_ASSIGN(auto db, Open());
    auto clocks = NewSqliteTpmClockStore(db);
    if (!reopen) {
      ASSERT_OK(clocks->Advance(ak, {.reset_count = 3, .restart_count = 1, .clock = 500}));
      EXPECT_OK(clocks->Advance(ak, {.reset_count = 3, .restart_count = 1, .clock = 500}));
      EXPECT_OK(clocks->Advance(ak, {.reset_count = 3, .restart_count = 1, .clock = 900}));
      EXPECT_OK(clocks->Advance(other, {.reset_count = 0, .restart_count = 0, .clock = 1}));
      continue;
    }
    EXPECT_THAT(clocks->Advance(ak, {.reset_count = 3, .restart_count = 1, .clock = 899}),
                HasReason(Reason::kTpmClockInvalid));
    EXPECT_THAT(clocks->Advance(ak, {.reset_count = 3, .restart_count = 0, .clock = 99999}),
                HasReason(Reason::kTpmClockInvalid));
    EXPECT_THAT(clocks->Advance(ak, {.reset_count = 2, .restart_count = 9, .clock = 99999}),
                HasReason(Reason::kTpmClockInvalid));
    // After a reboot the clock may be lower: the reset count went up.
    EXPECT_OK(clocks->Advance(ak, {.reset_count = 4, .restart_count = 0, .clock = 10}));
    EXPECT_THAT(clocks->Advance(ak, {.reset_count = 3, .restart_count = 1, .clock = 900}),
                HasReason(Reason::kTpmClockInvalid));
    EXPECT_OK(clocks->Advance(other, {.reset_count = 0, .restart_count = 0, .clock = 2}));
  }
}

}  // namespace
}  // namespace twi::storage
