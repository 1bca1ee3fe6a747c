#include "libs/storage/testing/log_store_conformance.h"

#include <algorithm>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"

namespace twi::storage::testing {

using ::testing::ElementsAre;
using ::testing::Optional;
using ::twi::testing::HasReason;
using ::twi::testing::IsOkAndHolds;

LogStoreBackend::LogStoreBackend(std::string name, LogStoreFactory factory)
    : name_(std::move(name)), factory_(std::move(factory)) {}

void LogStoreConformanceTest::SetUp() {
  store_ = GetParam().Make();
  ASSERT_NE(store_, nullptr) << "backend " << GetParam().name() << " made no store";
}

namespace {

Bytes Entry(uint64_t i) { return Bytes{static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 7}; }

std::vector<Bytes> Entries(uint64_t from, uint64_t count) {
  std::vector<Bytes> entries;
  for (uint64_t i = from; i < from + count; ++i) entries.push_back(Entry(i));
  return entries;
}

// The store computes nothing, so any hash that identifies its node will do.
LogHash FakeHash(uint8_t level, uint64_t index) {
  LogHash hash{};
  hash[0] = level;
  for (int i = 0; i < 8; ++i) hash[1 + i] = static_cast<uint8_t>(index >> (8 * i));
  hash[31] = 0xa5;
  return hash;
}

std::vector<LogNode> FakeNodes(uint64_t from_size, uint64_t to_size) {
  std::vector<LogNode> nodes;
  for (const LogNodeId& id : NewLogNodes(from_size, to_size)) {
    nodes.push_back({.level = id.level, .index = id.index, .hash = FakeHash(id.level, id.index)});
  }
  return nodes;
}

absl::Status SequenceAndIntegrate(LogStore& store, uint64_t from, uint64_t to) {
  const std::vector<Bytes> entries = Entries(from, to - from);
  TWI_RETURN_IF_ERROR(store.Sequence(entries).status());
  return store.Integrate(from, to, FakeNodes(from, to));
}

LogCheckpoint Checkpoint(uint64_t size, std::string note) {
  return {
      .size = size, .note = std::move(note), .published_at = absl::FromUnixSeconds(1'790'000'000)};
}

TEST_P(LogStoreConformanceTest, SequenceGivesConsecutiveIndexes) {
  EXPECT_THAT(store_->SequencedSize(), IsOkAndHolds(0u));
  EXPECT_THAT(store_->Sequence(Entries(0, 3)), IsOkAndHolds(0u));
  EXPECT_THAT(store_->Sequence(Entries(3, 2)), IsOkAndHolds(3u));
  EXPECT_THAT(store_->SequencedSize(), IsOkAndHolds(5u));
  EXPECT_THAT(store_->IntegratedSize(), IsOkAndHolds(0u));
  ASSERT_OK_AND_ASSIGN(const std::vector<Bytes> read, store_->ReadEntries(1, 4));
  EXPECT_EQ(read, Entries(1, 4));
}

TEST_P(LogStoreConformanceTest, BadBatchesStoreNothing) {
  EXPECT_THAT(store_->Sequence({}), HasReason(Reason::kInvalidArgument));
  std::vector<Bytes> batch = Entries(0, 2);
  batch.push_back(Bytes());
  EXPECT_THAT(store_->Sequence(batch), HasReason(Reason::kInvalidArgument));
  batch.back() = Bytes(kMaxLogEntryBytes + 1, 1);
  EXPECT_THAT(store_->Sequence(batch), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->SequencedSize(), IsOkAndHolds(0u));
  batch.back() = Bytes(kMaxLogEntryBytes, 1);
  EXPECT_THAT(store_->Sequence(batch), IsOkAndHolds(0u));
}

TEST_P(LogStoreConformanceTest, ReadsPastTheEndAreNotFound) {
  ASSERT_OK(store_->Sequence(Entries(0, 3)).status());
  EXPECT_THAT(store_->ReadEntries(2, 2), HasReason(Reason::kLogEntryNotFound));
  EXPECT_THAT(store_->ReadEntries(3, 1), HasReason(Reason::kLogEntryNotFound));
  EXPECT_THAT(store_->ReadEntries(0, 0), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->ReadEntries(UINT64_MAX, 2), HasReason(Reason::kLogEntryNotFound));
}

TEST_P(LogStoreConformanceTest, IntegrateStoresEveryNewNode) {
  // Sizes that end mid-chunk and cross the 256-node rows of a backend that groups them.
  uint64_t size = 0;
  for (const uint64_t next : {1u, 2u, 7u, 255u, 256u, 300u, 513u, 1000u}) {
    ASSERT_OK(SequenceAndIntegrate(*store_, size, next));
    size = next;
    EXPECT_THAT(store_->IntegratedSize(), IsOkAndHolds(size));
  }
  std::vector<LogNodeId> all = NewLogNodes(0, size);
  ASSERT_OK_AND_ASSIGN(const std::vector<LogHash> hashes, store_->ReadNodes(all));
  ASSERT_EQ(hashes.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(hashes[i], FakeHash(all[i].level, all[i].index))
        << int(all[i].level) << "/" << all[i].index;
  }
  ASSERT_OK_AND_ASSIGN(const std::vector<LogHash> level0, store_->ReadLevel(0, 250, 20));
  for (uint64_t i = 0; i < 20; ++i) EXPECT_EQ(level0[i], FakeHash(0, 250 + i));
  ASSERT_OK_AND_ASSIGN(const std::vector<LogHash> level3, store_->ReadLevel(3, 0, 1000 >> 3));
  EXPECT_EQ(level3.back(), FakeHash(3, (1000 >> 3) - 1));
}

TEST_P(LogStoreConformanceTest, NodesOutsideTheTreeAreNotFound) {
  ASSERT_OK(SequenceAndIntegrate(*store_, 0, 6));
  const LogNodeId incomplete[] = {{.level = 2, .index = 1}};  // leaves 4..7 of 6
  EXPECT_THAT(store_->ReadNodes(incomplete), HasReason(Reason::kLogEntryNotFound));
  const LogNodeId beyond[] = {{.level = 0, .index = 6}};
  EXPECT_THAT(store_->ReadNodes(beyond), HasReason(Reason::kLogEntryNotFound));
  const LogNodeId too_high[] = {{.level = 64, .index = 0}};
  EXPECT_THAT(store_->ReadNodes(too_high), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->ReadLevel(1, 2, 2), HasReason(Reason::kLogEntryNotFound));
  EXPECT_THAT(store_->ReadLevel(1, 0, 3), ::twi::testing::IsOk());
}

TEST_P(LogStoreConformanceTest, IntegrateIsCompareAndSwap) {
  ASSERT_OK(store_->Sequence(Entries(0, 10)).status());
  ASSERT_OK(store_->Integrate(0, 4, FakeNodes(0, 4)));
  // A second sequencer that still believes the tree is empty.
  EXPECT_THAT(store_->Integrate(0, 6, FakeNodes(0, 6)), HasReason(Reason::kLogConflict));
  EXPECT_THAT(store_->IntegratedSize(), IsOkAndHolds(4u));
  EXPECT_THAT(store_->Integrate(4, 11, FakeNodes(4, 11)), HasReason(Reason::kInvalidArgument));
  std::vector<LogNode> missing = FakeNodes(4, 8);
  missing.pop_back();
  EXPECT_THAT(store_->Integrate(4, 8, missing), HasReason(Reason::kInvalidArgument));
  std::vector<LogNode> foreign = FakeNodes(4, 8);
  foreign[0].index = 99;
  EXPECT_THAT(store_->Integrate(4, 8, foreign), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->Integrate(4, 4, {}), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->IntegratedSize(), IsOkAndHolds(4u));
  // Any order of the right nodes is accepted.
  std::vector<LogNode> reversed = FakeNodes(4, 8);
  std::reverse(reversed.begin(), reversed.end());
  ASSERT_OK(store_->Integrate(4, 8, reversed));
  const LogNodeId root[] = {{.level = 3, .index = 0}};
  EXPECT_THAT(store_->ReadNodes(root), IsOkAndHolds(ElementsAre(FakeHash(3, 0))));
}

TEST_P(LogStoreConformanceTest, CheckpointsOnlyMoveForward) {
  EXPECT_THAT(store_->LatestCheckpoint(), IsOkAndHolds(std::nullopt));
  ASSERT_OK(SequenceAndIntegrate(*store_, 0, 5));
  EXPECT_THAT(store_->PublishCheckpoint(Checkpoint(6, "six")), HasReason(Reason::kInvalidArgument));
  ASSERT_OK(store_->PublishCheckpoint(Checkpoint(0, "zero")));
  ASSERT_OK(store_->PublishCheckpoint(Checkpoint(3, "three")));
  ASSERT_OK(store_->PublishCheckpoint(Checkpoint(3, "three")));  // the same again
  EXPECT_THAT(store_->PublishCheckpoint(Checkpoint(3, "other")),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->PublishCheckpoint(Checkpoint(5, "")), HasReason(Reason::kInvalidArgument));
  ASSERT_OK(store_->PublishCheckpoint(Checkpoint(5, "five")));
  EXPECT_THAT(store_->PublishCheckpoint(Checkpoint(4, "four")),
              HasReason(Reason::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(const std::optional<LogCheckpoint> latest, store_->LatestCheckpoint());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->size, 5u);
  EXPECT_EQ(latest->note, "five");
  EXPECT_EQ(latest->published_at, absl::FromUnixSeconds(1'790'000'000));
  ASSERT_OK_AND_ASSIGN(const std::optional<LogCheckpoint> three, store_->CheckpointAt(3));
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->note, "three");
  EXPECT_THAT(store_->CheckpointAt(4), IsOkAndHolds(std::nullopt));
}

TEST_P(LogStoreConformanceTest, ConcurrentSequencingNeverReusesAnIndex) {
  constexpr int kThreads = 4;
  constexpr int kBatches = 50;
  std::vector<std::vector<uint64_t>> firsts(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        const std::vector<Bytes> batch = {Entry(t), Entry(b), Entry(t * 1000 + b)};
        absl::StatusOr<uint64_t> first = store_->Sequence(batch);
        ASSERT_TRUE(first.ok()) << first.status();
        firsts[t].push_back(*first);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<uint64_t> seen;
  for (const auto& list : firsts) {
    for (const uint64_t first : list) {
      EXPECT_EQ(first % 3, 0u);
      EXPECT_TRUE(seen.insert(first).second) << "index " << first << " given twice";
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kBatches));
  EXPECT_EQ(*seen.rbegin(), 3u * (kThreads * kBatches - 1));
  EXPECT_THAT(store_->SequencedSize(), IsOkAndHolds(3u * kThreads * kBatches));
}

}  // namespace
}  // namespace twi::storage::testing
