// The log role over a real SQLite store: concurrent appends, checkpoints, proofs, tiles,
// recovery after a crash between sequencing and integration, back-pressure and store failures.
#include "libs/tlog/sequencer/transparency_log.h"

#include <atomic>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/keys.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"
#include "libs/tlog/tiles.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::tlog {
namespace {

using ::twi::testing::HasReason;
using ::twi::testing::IsOkAndHolds;

constexpr char kOrigin[] = "td.example/twi/log";

std::unique_ptr<crypto::Signer> Ed25519Signer(const crypto::PrivateKey& key) {
  absl::StatusOr<std::unique_ptr<crypto::Signer>> signer =
      crypto::NewSoftwareSigner(key, crypto::SignatureAlgorithm::kEd25519);
  EXPECT_TRUE(signer.ok()) << signer.status();
  return signer.ok() ? *std::move(signer) : nullptr;
}

Bytes EntryFor(int i) {
  const std::string text = "record-" + std::to_string(i);
  return Bytes(text.begin(), text.end());
}

// Lets a test hold the worker inside Sequence, or make the store fail, around a real store.
class GatedStore final : public storage::LogStore {
 public:
  explicit GatedStore(std::shared_ptr<storage::LogStore> inner) : inner_(std::move(inner)) {}

  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void WaitUntilEntered() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return entered_ > 0; });
  }
  std::atomic<bool> fail_sequence{false};

  absl::StatusOr<uint64_t> Sequence(std::span<const Bytes> entries) override {
    {
      std::unique_lock lock(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return open_; });
    }
    if (fail_sequence) return Error(Reason::kStorageError, "disk full");
    return inner_->Sequence(entries);
  }
  absl::StatusOr<uint64_t> SequencedSize() override { return inner_->SequencedSize(); }
  absl::StatusOr<std::vector<Bytes>> ReadEntries(uint64_t from, uint64_t count) override {
    return inner_->ReadEntries(from, count);
  }
  absl::StatusOr<uint64_t> IntegratedSize() override { return inner_->IntegratedSize(); }
  absl::Status Integrate(uint64_t from, uint64_t to,
                         std::span<const storage::LogNode> nodes) override {
    return inner_->Integrate(from, to, nodes);
  }
  absl::StatusOr<std::vector<storage::LogHash>> ReadNodes(
      std::span<const storage::LogNodeId> ids) override {
    return inner_->ReadNodes(ids);
  }
  absl::StatusOr<std::vector<storage::LogHash>> ReadLevel(uint8_t level, uint64_t from,
                                                          uint64_t count) override {
    return inner_->ReadLevel(level, from, count);
  }
  absl::Status PublishCheckpoint(const storage::LogCheckpoint& checkpoint) override {
    return inner_->PublishCheckpoint(checkpoint);
  }
  absl::StatusOr<std::optional<storage::LogCheckpoint>> LatestCheckpoint() override {
    return inner_->LatestCheckpoint();
  }
  absl::StatusOr<std::optional<storage::LogCheckpoint>> CheckpointAt(uint64_t size) override {
    return inner_->CheckpointAt(size);
  }

 private:
  std::shared_ptr<storage::LogStore> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  int entered_ = 0;
};

class TransparencyLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(key_, crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
    ASSERT_OK_AND_ASSIGN(db_, storage::SqliteDatabase::Open(dir_.File("log.db")));
    store_ = storage::NewSqliteLogStore(db_);
  }

  absl::StatusOr<std::unique_ptr<TransparencyLog>> OpenLog(std::shared_ptr<storage::LogStore> store,
                                                           LogOptions options = {}) {
    if (options.origin.empty()) options.origin = kOrigin;
    return TransparencyLog::Open(std::move(store), Ed25519Signer(*key_), std::move(options));
  }

  ::twi::testing::TempDir dir_;
  std::optional<crypto::PrivateKey> key_;
  std::shared_ptr<storage::SqliteDatabase> db_;
  std::shared_ptr<storage::LogStore> store_;
};

TEST_F(TransparencyLogTest, ConcurrentAppendsGetDistinctIndexesAndProofs) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(store_));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::vector<std::pair<int, uint64_t>>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int id = t * kPerThread + i;
        absl::StatusOr<uint64_t> index = log->Append(EntryFor(id));
        ASSERT_TRUE(index.ok()) << index.status();
        got[t].emplace_back(id, *index);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  constexpr uint64_t kTotal = kThreads * kPerThread;
  ASSERT_OK_AND_ASSIGN(const uint64_t size, log->WaitForCheckpoint(kTotal, absl::Seconds(30)));
  EXPECT_EQ(size, kTotal);

  // The tree the log signed is the tree of the entries at the indexes it returned.
  std::vector<Bytes> by_index(kTotal);
  std::set<uint64_t> seen;
  for (const auto& list : got) {
    for (const auto& [id, index] : list) {
      ASSERT_LT(index, kTotal);
      ASSERT_TRUE(seen.insert(index).second) << "index " << index << " given twice";
      by_index[index] = EntryFor(id);
    }
  }
  MemoryTree reference;
  for (const Bytes& entry : by_index) reference.Append(LeafHash(entry));
  ASSERT_OK_AND_ASSIGN(const std::string note, log->LatestCheckpoint());
  ASSERT_OK_AND_ASSIGN(const Checkpoint checkpoint, OpenCheckpoint(note, log->verifier(), kOrigin));
  EXPECT_EQ(checkpoint.size, kTotal);
  EXPECT_THAT(reference.Root(kTotal), IsOkAndHolds(checkpoint.root));

  for (uint64_t index = 0; index < kTotal; index += 7) {
    ASSERT_OK_AND_ASSIGN(const std::vector<Hash> proof, log->InclusionProof(index, kTotal));
    EXPECT_OK(VerifyInclusion(index, kTotal, LeafHash(by_index[index]), proof, checkpoint.root));
    ASSERT_OK_AND_ASSIGN(const ProofBundle bundle, log->ProveEntry(index));
    EXPECT_OK(
        VerifyProofBundle(bundle, LeafHash(by_index[index]), log->verifier(), kOrigin).status());
    EXPECT_THAT(VerifyProofBundle(bundle, LeafHash(EntryFor(-1)), log->verifier(), kOrigin),
                HasReason(Reason::kInclusionProofInvalid));
  }
  EXPECT_THAT(log->InclusionProof(0, kTotal + 1), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(log->ProveEntry(kTotal), HasReason(Reason::kTreeSizeInvalid));
}

TEST_F(TransparencyLogTest, EveryPublishedCheckpointIsConsistentWithTheLatest) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(store_));
  std::vector<uint64_t> sizes;
  for (int i = 0; i < 40; ++i) {
    ASSERT_OK_AND_ASSIGN(const uint64_t index, log->Append(EntryFor(i)));
    ASSERT_OK_AND_ASSIGN(const uint64_t size, log->WaitForCheckpoint(index + 1, absl::Seconds(30)));
    sizes.push_back(size);
  }
  ASSERT_OK_AND_ASSIGN(const Checkpoint latest,
                       OpenCheckpoint(*log->LatestCheckpoint(), log->verifier(), kOrigin));
  EXPECT_EQ(latest.size, 40u);
  for (const uint64_t size : sizes) {
    ASSERT_OK_AND_ASSIGN(const std::string note, log->CheckpointAt(size));
    ASSERT_OK_AND_ASSIGN(const Checkpoint old, OpenCheckpoint(note, log->verifier(), kOrigin));
    ASSERT_OK_AND_ASSIGN(const std::vector<Hash> proof, log->ConsistencyProof(size, latest.size));
    EXPECT_OK(VerifyConsistency(size, latest.size, proof, old.root, latest.root)) << size;
  }
  EXPECT_THAT(log->ConsistencyProof(0, 5), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(log->ConsistencyProof(5, 41), HasReason(Reason::kTreeSizeInvalid));
}

TEST_F(TransparencyLogTest, CheckpointsWaitForTheIntervalUnlessSomeoneAsks) {
  LogOptions options;
  options.checkpoint_interval = absl::Hours(1);
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(store_, options));
    auto latest_size = [&] {
      absl::StatusOr<std::string> note = log->LatestCheckpoint();
      EXPECT_OK(note);
      absl::StatusOr<Checkpoint> opened = OpenCheckpoint(*note, log->verifier(), kOrigin);
      EXPECT_OK(opened);
      return opened.ok() ? opened->size : ~uint64_t{0};
    };
    EXPECT_EQ(latest_size(), 0u);  // published when the log opens
    for (int i = 0; i < 3; ++i) ASSERT_OK(log->Append(EntryFor(i)));
    // Sequenced, integrated moments later, but not signed before the interval has passed.
    EXPECT_EQ(latest_size(), 0u);
    // A waiter does not wait for the interval.
    ASSERT_OK_AND_ASSIGN(const uint64_t size, log->WaitForCheckpoint(3, absl::Seconds(30)));
    EXPECT_EQ(size, 3u);
    EXPECT_EQ(latest_size(), 3u);
    ASSERT_OK(log->Append(EntryFor(3)));
  }
  // Closing publishes the last integrated size.
  ASSERT_OK_AND_ASSIGN(const std::optional<storage::LogCheckpoint> last,
                       store_->LatestCheckpoint());
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->size, 4u);
}

TEST_F(TransparencyLogTest, TilesServeTheTree) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(store_));
  constexpr int kCount = 300;
  MemoryTree reference;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_OK(log->Append(EntryFor(i)).status());
    reference.Append(LeafHash(EntryFor(i)));
  }
  ASSERT_OK(log->WaitForCheckpoint(kCount, absl::Seconds(30)).status());
  ASSERT_OK_AND_ASSIGN(const std::string full, log->ReadTile("tile/0/000"));
  ASSERT_EQ(full.size(), 256u * 32);
  const Hash leaf255 = LeafHash(EntryFor(255));
  EXPECT_EQ(full.substr(255 * 32), std::string(leaf255.begin(), leaf255.end()));
  ASSERT_OK_AND_ASSIGN(const std::string partial, log->ReadTile("tile/0/001.p/44"));
  EXPECT_EQ(partial.size(), 44u * 32);
  ASSERT_OK_AND_ASSIGN(const std::string level1, log->ReadTile("tile/1/000.p/1"));
  ASSERT_OK_AND_ASSIGN(const Hash first256, reference.Node({.level = 8, .index = 0}));
  EXPECT_EQ(level1, std::string(first256.begin(), first256.end()));
  ASSERT_OK_AND_ASSIGN(const std::string bundle, log->ReadTile("tile/entries/001.p/44"));
  ASSERT_OK_AND_ASSIGN(const std::vector<Bytes> entries, DecodeEntryBundle(AsBytes(bundle)));
  ASSERT_EQ(entries.size(), 44u);
  EXPECT_EQ(entries.front(), EntryFor(256));
  EXPECT_THAT(log->ReadTile("tile/0/001.p/45"), HasReason(Reason::kLogEntryNotFound));
  EXPECT_THAT(log->ReadTile("tile/0/001"), HasReason(Reason::kLogEntryNotFound));
  EXPECT_THAT(log->ReadTile("tile/0/01"), HasReason(Reason::kRequestInvalid));
}

TEST_F(TransparencyLogTest, OpeningIntegratesWhatACrashLeftSequenced) {
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(store_));
    for (int i = 0; i < 5; ++i) ASSERT_OK(log->Append(EntryFor(i)).status());
    ASSERT_OK(log->WaitForCheckpoint(5, absl::Seconds(30)).status());
  }
  ASSERT_OK_AND_ASSIGN(const std::optional<storage::LogCheckpoint> stored,
                       store_->LatestCheckpoint());
  ASSERT_TRUE(stored.has_value());
  const std::string before = stored->note;
  // What a crash after the sequencing commit and before integration leaves.
  const std::vector<Bytes> orphans = {EntryFor(5), EntryFor(6), EntryFor(7)};
  ASSERT_OK(store_->Sequence(orphans).status());
  EXPECT_THAT(store_->IntegratedSize(), IsOkAndHolds(5u));

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(store_));
  ASSERT_OK_AND_ASSIGN(const Checkpoint latest,
                       OpenCheckpoint(*log->LatestCheckpoint(), log->verifier(), kOrigin));
  EXPECT_EQ(latest.size, 8u);
  ASSERT_OK_AND_ASSIGN(const Checkpoint old, OpenCheckpoint(before, log->verifier(), kOrigin));
  ASSERT_OK_AND_ASSIGN(const std::vector<Hash> proof, log->ConsistencyProof(5, 8));
  EXPECT_OK(VerifyConsistency(5, 8, proof, old.root, latest.root));
  ASSERT_OK_AND_ASSIGN(const uint64_t next, log->Append(EntryFor(8)));
  EXPECT_EQ(next, 8u);
}

TEST_F(TransparencyLogTest, AFullQueueRefusesAtOnce) {
  auto gated = std::make_shared<GatedStore>(store_);
  LogOptions options;
  options.max_pending = 1;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(gated, options));
  gated->Close();
  std::thread first([&] { EXPECT_OK(log->Append(EntryFor(0)).status()); });
  gated->WaitUntilEntered();  // the worker holds entry 0 inside Sequence
  std::thread second([&] { EXPECT_OK(log->Append(EntryFor(1)).status()); });
  while (log->queued() < 1) std::this_thread::yield();
  EXPECT_THAT(log->Append(EntryFor(2)), HasReason(Reason::kLogOverloaded));
  gated->Open();
  first.join();
  second.join();
  EXPECT_THAT(store_->SequencedSize(), IsOkAndHolds(2u));
}

TEST_F(TransparencyLogTest, AStoreFailureIsRetryableAndStoresNothing) {
  auto gated = std::make_shared<GatedStore>(store_);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(gated));
  gated->fail_sequence = true;
  EXPECT_THAT(log->Append(EntryFor(0)), HasReason(Reason::kLogUnavailable));
  EXPECT_THAT(store_->SequencedSize(), IsOkAndHolds(0u));
  gated->fail_sequence = false;
  EXPECT_THAT(log->Append(EntryFor(0)), IsOkAndHolds(0u));
}

TEST_F(TransparencyLogTest, TwoSequencersOnOneDatabaseNeverFork) {
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<storage::SqliteDatabase> other_db,
                       storage::SqliteDatabase::Open(dir_.File("log.db")));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> a, OpenLog(store_));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> b,
                       OpenLog(storage::NewSqliteLogStore(other_db)));
  std::set<uint64_t> indexes;
  for (int i = 0; i < 20; ++i) {
    TransparencyLog& log = i % 2 == 0 ? *a : *b;
    ASSERT_OK_AND_ASSIGN(const uint64_t index, log.Append(EntryFor(i)));
    EXPECT_TRUE(indexes.insert(index).second);
    ASSERT_OK(log.WaitForCheckpoint(index + 1, absl::Seconds(30)).status());
  }
  ASSERT_OK_AND_ASSIGN(const Checkpoint latest,
                       OpenCheckpoint(*a->LatestCheckpoint(), a->verifier(), kOrigin));
  EXPECT_EQ(latest.size, 20u);
  MemoryTree reference;
  for (uint64_t index = 0; index < 20; ++index) {
    ASSERT_OK_AND_ASSIGN(const Bytes entry, a->Entry(index));
    reference.Append(LeafHash(entry));
  }
  EXPECT_THAT(reference.Root(20), IsOkAndHolds(latest.root));
}

TEST_F(TransparencyLogTest, RefusesAnotherKeysHistoryAndNonEd25519Signers) {
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<TransparencyLog> log, OpenLog(store_));
    ASSERT_OK(log->Append(EntryFor(0)).status());
    ASSERT_OK(log->WaitForCheckpoint(1, absl::Seconds(30)).status());
  }
  ASSERT_OK_AND_ASSIGN(key_, crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
  EXPECT_THAT(OpenLog(store_), HasReason(Reason::kNoteUntrusted));

  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey ec,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<crypto::Signer> es256,
                       crypto::NewSoftwareSigner(ec, crypto::SignatureAlgorithm::kEcdsaP256Sha256));
  LogOptions options;
  options.origin = kOrigin;
  EXPECT_THAT(TransparencyLog::Open(store_, std::move(es256), options),
              HasReason(Reason::kUnsupportedAlgorithm));
}

}  // namespace
}  // namespace twi::tlog
