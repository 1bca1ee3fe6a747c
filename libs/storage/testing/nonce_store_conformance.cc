#include "libs/storage/testing/nonce_store_conformance.h"

#include <latch>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"

namespace twi::storage::testing {

using ::twi::testing::HasReason;

NonceStoreBackend::NonceStoreBackend(std::string name, NonceStoreFactory factory)
    : name_(std::move(name)), factory_(std::move(factory)) {}

void NonceStoreConformanceTest::SetUp() {
  store_ = GetParam().Make();
  ASSERT_NE(store_, nullptr) << "backend " << GetParam().name() << " made no store";
}

namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);
const absl::Time kExpiry = kT0 + absl::Minutes(5);

// Distinct, deterministic nonces: `id` in the first bytes, a fixed filler after.
Bytes TestNonce(uint32_t id, size_t size = 32) {
  Bytes nonce(size, 0xA5);
  for (size_t i = 0; i < 4 && i < size; ++i) nonce[i] = static_cast<uint8_t>(id >> (8 * i));
  return nonce;
}

TEST_P(NonceStoreConformanceTest, SpendSucceedsOnceThenReportsReuse) {
  const Bytes nonce = TestNonce(1);
  EXPECT_OK(store_->Spend(nonce, kExpiry));
  EXPECT_THAT(store_->Spend(nonce, kExpiry), HasReason(Reason::kNonceReused));
  EXPECT_THAT(store_->Spend(nonce, kExpiry), HasReason(Reason::kNonceReused));
}

TEST_P(NonceStoreConformanceTest, SpendingOneNonceLeavesOthersUnspent) {
  ASSERT_OK(store_->Spend(TestNonce(1), kExpiry));
  EXPECT_OK(store_->Spend(TestNonce(2), kExpiry));
  EXPECT_OK(store_->Spend(TestNonce(3), kExpiry + absl::Seconds(1)));
}

TEST_P(NonceStoreConformanceTest, SpendRejectsLengthsOutsideBounds) {
  for (const size_t size : {size_t{0}, kMinNonceSize - 1, kMaxNonceSize + 1, size_t{4096}}) {
    SCOPED_TRACE(size);
    EXPECT_THAT(store_->Spend(TestNonce(1, size), kExpiry), HasReason(Reason::kInvalidArgument));
  }
}

TEST_P(NonceStoreConformanceTest, SpendAcceptsBoundaryLengths) {
  for (const size_t size : {kMinNonceSize, kMaxNonceSize}) {
    SCOPED_TRACE(size);
    const Bytes nonce = TestNonce(1, size);
    EXPECT_OK(store_->Spend(nonce, kExpiry));
    EXPECT_THAT(store_->Spend(nonce, kExpiry), HasReason(Reason::kNonceReused));
  }
}

TEST_P(NonceStoreConformanceTest, SimilarNoncesAreDistinct) {
  const Bytes nonce = TestNonce(1, 16);
  Bytes longer = nonce;
  longer.push_back(0);
  Bytes flipped = nonce;
  flipped.back() ^= 0x01;
  const Bytes prefix(nonce.begin(), nonce.begin() + kMinNonceSize);
  ASSERT_OK(store_->Spend(nonce, kExpiry));
  EXPECT_OK(store_->Spend(longer, kExpiry));
  EXPECT_OK(store_->Spend(flipped, kExpiry));
  EXPECT_OK(store_->Spend(prefix, kExpiry));
  EXPECT_THAT(store_->Spend(nonce, kExpiry), HasReason(Reason::kNonceReused));
}

TEST_P(NonceStoreConformanceTest, ConcurrentSpendersHaveExactlyOneWinner) {
  constexpr int kThreads = 16;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    const Bytes nonce = TestNonce(100 + round);
    std::vector<absl::Status> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();  // all threads race for the same record at once
        results[i] = store_->Spend(nonce, kExpiry);
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
}

TEST_P(NonceStoreConformanceTest, ConcurrentSpendsOfDistinctNoncesAllSucceed) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const Bytes nonce = TestNonce(static_cast<uint32_t>(1000 * (t + 1) + i));
        if (!store_->Spend(nonce, kExpiry + absl::Microseconds(i)).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

TEST_P(NonceStoreConformanceTest, PurgeExpiredDeletesOnlyRecordsExpiringBeforeCutoff) {
  const absl::Time cutoff = kT0;
  const Bytes long_expired = TestNonce(1);
  const Bytes just_expired = TestNonce(2);
  const Bytes at_cutoff = TestNonce(3);
  const Bytes live = TestNonce(4);
  ASSERT_OK(store_->Spend(long_expired, cutoff - absl::Hours(1)));
  ASSERT_OK(store_->Spend(just_expired, cutoff - absl::Microseconds(1)));
  ASSERT_OK(store_->Spend(at_cutoff, cutoff));
  ASSERT_OK(store_->Spend(live, cutoff + absl::Hours(1)));

  ASSERT_OK_AND_ASSIGN(const int64_t purged, store_->PurgeExpired(cutoff));
  EXPECT_EQ(purged, 2);
  ASSERT_OK_AND_ASSIGN(const int64_t purged_again, store_->PurgeExpired(cutoff));
  EXPECT_EQ(purged_again, 0);

  // What was purged is forgotten; what was kept is still spent.
  EXPECT_OK(store_->Spend(long_expired, cutoff - absl::Hours(1)));
  EXPECT_OK(store_->Spend(just_expired, cutoff - absl::Microseconds(1)));
  EXPECT_THAT(store_->Spend(at_cutoff, cutoff), HasReason(Reason::kNonceReused));
  EXPECT_THAT(store_->Spend(live, cutoff + absl::Hours(1)), HasReason(Reason::kNonceReused));
}

TEST_P(NonceStoreConformanceTest, PurgeExpiredOnEmptyStoreDeletesNothing) {
  ASSERT_OK_AND_ASSIGN(const int64_t purged, store_->PurgeExpired(kT0));
  EXPECT_EQ(purged, 0);
}

}  // namespace
}  // namespace twi::storage::testing
