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

TEST_P(NonceStoreConformanceTest, ConsumeSucceedsOnceThenReportsReuse) {
  const Bytes nonce = TestNonce(1);
  ASSERT_OK(store_->Put(nonce, kExpiry));
  EXPECT_OK(store_->Consume(nonce, kT0));
  EXPECT_THAT(store_->Consume(nonce, kT0), HasReason(Reason::kNonceReused));
  EXPECT_THAT(store_->Consume(nonce, kT0 + absl::Seconds(1)), HasReason(Reason::kNonceReused));
}

TEST_P(NonceStoreConformanceTest, NeverIssuedNonceIsUnknown) {
  ASSERT_OK(store_->Put(TestNonce(1), kExpiry));
  EXPECT_THAT(store_->Consume(TestNonce(2), kT0), HasReason(Reason::kNonceUnknown));
}

TEST_P(NonceStoreConformanceTest, ConsumeAtExactExpiryIsExpired) {
  const Bytes nonce = TestNonce(1);
  ASSERT_OK(store_->Put(nonce, kExpiry));
  EXPECT_THAT(store_->Consume(nonce, kExpiry), HasReason(Reason::kNonceExpired));
}

TEST_P(NonceStoreConformanceTest, ConsumeOneMicrosecondBeforeExpirySucceeds) {
  const Bytes nonce = TestNonce(1);
  ASSERT_OK(store_->Put(nonce, kExpiry));
  EXPECT_OK(store_->Consume(nonce, kExpiry - absl::Microseconds(1)));
}

TEST_P(NonceStoreConformanceTest, ExpiredNonceNeverSucceedsLater) {
  const Bytes nonce = TestNonce(1);
  ASSERT_OK(store_->Put(nonce, kExpiry));
  EXPECT_THAT(store_->Consume(nonce, kExpiry + absl::Seconds(1)), HasReason(Reason::kNonceExpired));
  // Not even with a clock that has gone back to before the expiry.
  EXPECT_THAT(store_->Consume(nonce, kT0), HasReason(Reason::kNonceReused));
  EXPECT_THAT(store_->Consume(nonce, kExpiry + absl::Hours(1)), HasReason(Reason::kNonceReused));
}

TEST_P(NonceStoreConformanceTest, PutRejectsLengthsOutsideBounds) {
  for (const size_t size : {size_t{0}, kMinNonceSize - 1, kMaxNonceSize + 1, size_t{4096}}) {
    SCOPED_TRACE(size);
    EXPECT_THAT(store_->Put(TestNonce(1, size), kExpiry), HasReason(Reason::kInvalidArgument));
  }
}

TEST_P(NonceStoreConformanceTest, PutAcceptsBoundaryLengths) {
  for (const size_t size : {kMinNonceSize, kMaxNonceSize}) {
    SCOPED_TRACE(size);
    const Bytes nonce = TestNonce(1, size);
    ASSERT_OK(store_->Put(nonce, kExpiry));
    EXPECT_OK(store_->Consume(nonce, kT0));
  }
}

TEST_P(NonceStoreConformanceTest, ConsumeOfInvalidLengthIsUnknown) {
  for (const size_t size : {size_t{0}, kMinNonceSize - 1, kMaxNonceSize + 1}) {
    SCOPED_TRACE(size);
    EXPECT_THAT(store_->Consume(TestNonce(1, size), kT0), HasReason(Reason::kNonceUnknown));
  }
}

TEST_P(NonceStoreConformanceTest, DuplicatePutIsRejectedAndKeepsTheOriginalExpiry) {
  const Bytes nonce = TestNonce(1);
  ASSERT_OK(store_->Put(nonce, kExpiry));
  EXPECT_THAT(store_->Put(nonce, kExpiry + absl::Hours(1)), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->Consume(nonce, kExpiry + absl::Seconds(1)), HasReason(Reason::kNonceExpired));
}

TEST_P(NonceStoreConformanceTest, DuplicatePutDoesNotResetAConsumedNonce) {
  const Bytes nonce = TestNonce(1);
  ASSERT_OK(store_->Put(nonce, kExpiry));
  ASSERT_OK(store_->Consume(nonce, kT0));
  EXPECT_THAT(store_->Put(nonce, kExpiry), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->Consume(nonce, kT0), HasReason(Reason::kNonceReused));
}

TEST_P(NonceStoreConformanceTest, SimilarNoncesAreDistinct) {
  const Bytes nonce = TestNonce(1, 16);
  Bytes longer = nonce;
  longer.push_back(0);
  Bytes flipped = nonce;
  flipped.back() ^= 0x01;
  const Bytes prefix(nonce.begin(), nonce.begin() + kMinNonceSize);
  ASSERT_OK(store_->Put(nonce, kExpiry));
  ASSERT_OK(store_->Put(longer, kExpiry));

  EXPECT_THAT(store_->Consume(flipped, kT0), HasReason(Reason::kNonceUnknown));
  EXPECT_THAT(store_->Consume(prefix, kT0), HasReason(Reason::kNonceUnknown));
  EXPECT_OK(store_->Consume(nonce, kT0));
  EXPECT_OK(store_->Consume(longer, kT0));
}

TEST_P(NonceStoreConformanceTest, ConcurrentConsumersHaveExactlyOneWinner) {
  constexpr int kThreads = 16;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    const Bytes nonce = TestNonce(100 + round);
    ASSERT_OK(store_->Put(nonce, kExpiry));
    std::vector<absl::Status> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();  // all threads race for the same row at once
        results[i] = store_->Consume(nonce, kT0);
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

TEST_P(NonceStoreConformanceTest, ConcurrentPutsAndConsumesOfDistinctNoncesAllSucceed) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const Bytes nonce = TestNonce(static_cast<uint32_t>(1000 * (t + 1) + i));
        if (!store_->Put(nonce, kExpiry).ok() || !store_->Consume(nonce, kT0).ok()) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

TEST_P(NonceStoreConformanceTest, PurgeExpiredDeletesOnlyNoncesExpiringBeforeCutoff) {
  const absl::Time cutoff = kT0;
  const Bytes long_expired = TestNonce(1);
  const Bytes just_expired = TestNonce(2);
  const Bytes consumed_expired = TestNonce(3);
  const Bytes at_cutoff = TestNonce(4);
  const Bytes live_consumed = TestNonce(5);
  const Bytes live = TestNonce(6);
  const absl::Time before = cutoff - absl::Hours(2);
  ASSERT_OK(store_->Put(long_expired, cutoff - absl::Hours(1)));
  ASSERT_OK(store_->Put(just_expired, cutoff - absl::Microseconds(1)));
  ASSERT_OK(store_->Put(consumed_expired, cutoff - absl::Minutes(1)));
  ASSERT_OK(store_->Consume(consumed_expired, before));
  ASSERT_OK(store_->Put(at_cutoff, cutoff));
  ASSERT_OK(store_->Put(live_consumed, cutoff + absl::Hours(1)));
  ASSERT_OK(store_->Consume(live_consumed, before));
  ASSERT_OK(store_->Put(live, cutoff + absl::Hours(1)));

  ASSERT_OK_AND_ASSIGN(const int64_t purged, store_->PurgeExpired(cutoff));
  EXPECT_EQ(purged, 3);
  ASSERT_OK_AND_ASSIGN(const int64_t purged_again, store_->PurgeExpired(cutoff));
  EXPECT_EQ(purged_again, 0);

  EXPECT_THAT(store_->Consume(long_expired, before), HasReason(Reason::kNonceUnknown));
  EXPECT_THAT(store_->Consume(just_expired, before), HasReason(Reason::kNonceUnknown));
  EXPECT_THAT(store_->Consume(consumed_expired, before), HasReason(Reason::kNonceUnknown));
  EXPECT_OK(store_->Consume(at_cutoff, before));
  EXPECT_THAT(store_->Consume(live_consumed, before), HasReason(Reason::kNonceReused));
  EXPECT_OK(store_->Consume(live, before));
}

TEST_P(NonceStoreConformanceTest, PurgeExpiredOnEmptyStoreDeletesNothing) {
  ASSERT_OK_AND_ASSIGN(const int64_t purged, store_->PurgeExpired(kT0));
  EXPECT_EQ(purged, 0);
}

}  // namespace
}  // namespace twi::storage::testing
