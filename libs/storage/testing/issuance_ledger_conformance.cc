#include "libs/storage/testing/issuance_ledger_conformance.h"

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"

namespace twi::storage {

void PrintTo(const IssuanceRecord& record, std::ostream* os) {
  *os << "{" << record.credential_id << ", " << record.format << ", " << record.subject << ", "
      << record.workload << ", " << record.key_thumbprint << ", " << record.mechanism << ", "
      << record.ear_digest << ", " << record.credential_digest
      << ", issued_at=" << absl::FormatTime(record.issued_at)
      << ", not_before=" << absl::FormatTime(record.not_before)
      << ", not_after=" << absl::FormatTime(record.not_after) << "}";
}

namespace testing {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::twi::testing::HasReason;

IssuanceLedgerBackend::IssuanceLedgerBackend(std::string name, IssuanceLedgerFactory factory)
    : name_(std::move(name)), factory_(std::move(factory)) {}

void IssuanceLedgerConformanceTest::SetUp() {
  ledger_ = GetParam().Make();
  ASSERT_NE(ledger_, nullptr) << "backend " << GetParam().name() << " made no ledger";
}

namespace {

// Whole seconds plus microseconds, so that a backend dropping sub-second parts fails.
const absl::Time kT0 = absl::FromUnixMicros(1'790'000'000'123'456);

IssuanceRecord MakeRecord(std::string credential_id, std::string subject, absl::Time issued_at) {
  IssuanceRecord record;
  record.credential_id = std::move(credential_id);
  record.format = "x509-svid";
  record.subject = std::move(subject);
  record.workload = "payments-api";
  record.key_thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
  record.mechanism = "A";
  record.ear_digest = "sha256:" + std::string(64, 'e');
  record.credential_digest = "sha256:" + std::string(64, 'c');
  record.issued_at = issued_at;
  record.not_before = issued_at - absl::Seconds(30) + absl::Microseconds(7);
  record.not_after = issued_at + absl::Hours(1) + absl::Microseconds(999'999);
  return record;
}

IssuanceRecord MakeRecord(std::string credential_id, absl::Time issued_at = kT0) {
  return MakeRecord(std::move(credential_id), "spiffe://example.org/payments", issued_at);
}

std::vector<std::string> Ids(const std::vector<IssuanceRecord>& records) {
  std::vector<std::string> ids;
  for (const IssuanceRecord& record : records) ids.push_back(record.credential_id);
  return ids;
}

// Spelled out because GCC warns on designated initializers that omit a member.
LedgerQuery Query(std::string subject, int limit = LedgerQuery().limit) {
  LedgerQuery query;
  query.subject = std::move(subject);
  query.limit = limit;
  return query;
}

int64_t CountOf(IssuanceLedger& ledger) {
  absl::StatusOr<int64_t> count = ledger.Count();
  EXPECT_OK(count);
  return count.value_or(-1);
}

TEST_P(IssuanceLedgerConformanceTest, EmptyLedgerHasNothing) {
  EXPECT_EQ(CountOf(*ledger_), 0);
  ASSERT_OK_AND_ASSIGN(const auto listed, ledger_->List({}));
  EXPECT_THAT(listed, IsEmpty());
  ASSERT_OK_AND_ASSIGN(const auto found, ledger_->Find("x509:01"));
  EXPECT_EQ(found, std::nullopt);
}

TEST_P(IssuanceLedgerConformanceTest, EveryFieldRoundTripsExactly) {
  IssuanceRecord record = MakeRecord("wit:3f6c0a4e-9b1d-4c57-a1e2-0d9e7c4b2a11",
                                     "spiffe://example.org/ns/prod/sa/zähler", kT0);
  record.format = "wit";
  record.workload = "name with 'quotes'; DROP TABLE issuances; --";
  record.mechanism = "B";
  record.not_before = absl::FromUnixMicros(1);
  record.not_after = absl::FromUnixMicros(4'102'444'800'000'001);  // year 2100
  ASSERT_OK(ledger_->Append({record}));

  ASSERT_OK_AND_ASSIGN(const auto found, ledger_->Find(record.credential_id));
  EXPECT_THAT(found, Optional(record));
  ASSERT_OK_AND_ASSIGN(const auto listed, ledger_->List({}));
  EXPECT_THAT(listed, ElementsAre(record));
}

TEST_P(IssuanceLedgerConformanceTest, FindOfUnknownIdIsEmpty) {
  ASSERT_OK(ledger_->Append({MakeRecord("x509:01")}));
  ASSERT_OK_AND_ASSIGN(const auto found, ledger_->Find("x509:02"));
  EXPECT_EQ(found, std::nullopt);
  ASSERT_OK_AND_ASSIGN(const auto prefix, ledger_->Find("x509:0"));
  EXPECT_EQ(prefix, std::nullopt);
}

TEST_P(IssuanceLedgerConformanceTest, BatchStoresEveryRecord) {
  IssuanceRecord wit = MakeRecord("wit:1");
  wit.format = "wit";
  ASSERT_OK(ledger_->Append({MakeRecord("x509:01"), wit}));
  ASSERT_OK(ledger_->Append({MakeRecord("x509:02")}));
  EXPECT_EQ(CountOf(*ledger_), 3);
  ASSERT_OK_AND_ASSIGN(const auto found, ledger_->Find("wit:1"));
  EXPECT_THAT(found, Optional(wit));
}

TEST_P(IssuanceLedgerConformanceTest, ListIsNewestFirst) {
  ASSERT_OK(ledger_->Append({MakeRecord("x509:01", kT0)}));
  ASSERT_OK(ledger_->Append({MakeRecord("x509:03", kT0 + absl::Microseconds(2))}));
  ASSERT_OK(ledger_->Append({MakeRecord("x509:02", kT0 + absl::Microseconds(1))}));
  ASSERT_OK_AND_ASSIGN(const auto listed, ledger_->List({}));
  EXPECT_THAT(Ids(listed), ElementsAre("x509:03", "x509:02", "x509:01"));
}

TEST_P(IssuanceLedgerConformanceTest, ListOrdersEqualTimesByReverseAppendOrder) {
  ASSERT_OK(ledger_->Append({MakeRecord("x509:0b"), MakeRecord("x509:0a")}));
  ASSERT_OK(ledger_->Append({MakeRecord("x509:0c")}));
  ASSERT_OK_AND_ASSIGN(const auto listed, ledger_->List({}));
  EXPECT_THAT(Ids(listed), ElementsAre("x509:0c", "x509:0a", "x509:0b"));
}

TEST_P(IssuanceLedgerConformanceTest, ListFiltersBySubject) {
  const std::string alice = "spiffe://example.org/alice";
  const std::string bob = "spiffe://example.org/bob";
  ASSERT_OK(ledger_->Append({MakeRecord("x509:01", alice, kT0)}));
  ASSERT_OK(ledger_->Append({MakeRecord("x509:02", bob, kT0 + absl::Seconds(1))}));
  ASSERT_OK(ledger_->Append({MakeRecord("x509:03", alice, kT0 + absl::Seconds(2))}));

  ASSERT_OK_AND_ASSIGN(const auto for_alice, ledger_->List(Query(alice)));
  EXPECT_THAT(Ids(for_alice), ElementsAre("x509:03", "x509:01"));
  ASSERT_OK_AND_ASSIGN(const auto for_bob, ledger_->List(Query(bob)));
  EXPECT_THAT(Ids(for_bob), ElementsAre("x509:02"));
  ASSERT_OK_AND_ASSIGN(const auto for_nobody, ledger_->List(Query("spiffe://example.org/alic")));
  EXPECT_THAT(for_nobody, IsEmpty());
}

TEST_P(IssuanceLedgerConformanceTest, ListHonoursLimit) {
  const std::string alice = "spiffe://example.org/alice";
  for (int i = 0; i < 5; ++i) {
    const std::string subject = i % 2 == 0 ? alice : "spiffe://example.org/bob";
    ASSERT_OK(ledger_->Append(
        {MakeRecord(absl::StrFormat("x509:%02d", i), subject, kT0 + absl::Seconds(i))}));
  }
  ASSERT_OK_AND_ASSIGN(const auto newest_two, ledger_->List(Query("", 2)));
  EXPECT_THAT(Ids(newest_two), ElementsAre("x509:04", "x509:03"));
  ASSERT_OK_AND_ASSIGN(const auto alice_one, ledger_->List(Query(alice, 1)));
  EXPECT_THAT(Ids(alice_one), ElementsAre("x509:04"));
  ASSERT_OK_AND_ASSIGN(const auto all, ledger_->List(Query("", kMaxLedgerListLimit)));
  EXPECT_EQ(all.size(), 5u);
}

TEST_P(IssuanceLedgerConformanceTest, ListRejectsLimitOutOfRange) {
  for (const int limit : {0, -1, kMaxLedgerListLimit + 1}) {
    SCOPED_TRACE(limit);
    EXPECT_THAT(ledger_->List(Query("", limit)), HasReason(Reason::kInvalidArgument));
  }
}

TEST_P(IssuanceLedgerConformanceTest, DuplicateInsideBatchStoresNothing) {
  IssuanceRecord again = MakeRecord("x509:01");
  again.subject = "spiffe://example.org/other";
  EXPECT_THAT(ledger_->Append({MakeRecord("x509:01"), MakeRecord("x509:02"), again}),
              HasReason(Reason::kInvalidArgument));
  EXPECT_EQ(CountOf(*ledger_), 0);
  ASSERT_OK_AND_ASSIGN(const auto found, ledger_->Find("x509:02"));
  EXPECT_EQ(found, std::nullopt);
}

TEST_P(IssuanceLedgerConformanceTest, DuplicateOfStoredRecordStoresNothingAndKeepsTheOriginal) {
  const IssuanceRecord original = MakeRecord("x509:01");
  ASSERT_OK(ledger_->Append({original}));
  IssuanceRecord again = original;
  again.subject = "spiffe://example.org/attacker";
  // The duplicate sits in the middle so that a backend has already written the first record.
  EXPECT_THAT(ledger_->Append({MakeRecord("x509:02"), again, MakeRecord("x509:03")}),
              HasReason(Reason::kInvalidArgument));

  EXPECT_EQ(CountOf(*ledger_), 1);
  ASSERT_OK_AND_ASSIGN(const auto first, ledger_->Find("x509:02"));
  EXPECT_EQ(first, std::nullopt);
  ASSERT_OK_AND_ASSIGN(const auto kept, ledger_->Find("x509:01"));
  EXPECT_THAT(kept, Optional(original));
  // The failed batch left nothing behind that blocks the next one.
  ASSERT_OK(ledger_->Append({MakeRecord("x509:02"), MakeRecord("x509:03")}));
  EXPECT_EQ(CountOf(*ledger_), 3);
}

TEST_P(IssuanceLedgerConformanceTest, EmptyRequiredFieldRejectsTheWholeBatch) {
  struct Field {
    const char* name;
    std::string IssuanceRecord::*member;
  };
  const Field fields[] = {
      {"credential_id", &IssuanceRecord::credential_id},
      {"format", &IssuanceRecord::format},
      {"subject", &IssuanceRecord::subject},
      {"workload", &IssuanceRecord::workload},
      {"key_thumbprint", &IssuanceRecord::key_thumbprint},
      {"mechanism", &IssuanceRecord::mechanism},
      {"ear_digest", &IssuanceRecord::ear_digest},
      {"credential_digest", &IssuanceRecord::credential_digest},
  };
  for (const Field& field : fields) {
    SCOPED_TRACE(field.name);
    IssuanceRecord bad = MakeRecord("x509:02");
    bad.*field.member = "";
    EXPECT_THAT(ledger_->Append({MakeRecord("x509:01"), bad}), HasReason(Reason::kInvalidArgument));
  }
  EXPECT_EQ(CountOf(*ledger_), 0);
}

TEST_P(IssuanceLedgerConformanceTest, EmptyBatchIsRejected) {
  EXPECT_THAT(ledger_->Append({}), HasReason(Reason::kInvalidArgument));
  EXPECT_EQ(CountOf(*ledger_), 0);
}

TEST_P(IssuanceLedgerConformanceTest, ConcurrentAppendsAreAllStored) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = absl::StrFormat("x509:%02x%02x", t, i);
        if (!ledger_->Append({MakeRecord(id), MakeRecord("wit:" + id)}).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  EXPECT_EQ(CountOf(*ledger_), 2 * kThreads * kPerThread);
}

}  // namespace
}  // namespace testing
}  // namespace twi::storage
