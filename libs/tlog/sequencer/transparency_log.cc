#include "libs/tlog/sequencer/transparency_log.h"

#include <chrono>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/tlog/tiles.h"

namespace twi::tlog {

struct TransparencyLog::Pending {
  Bytes entry;
  std::promise<absl::StatusOr<uint64_t>> index;
};

namespace {

constexpr char kComponent[] = "tlog";

storage::LogHash ToStore(const Hash& hash) {
  storage::LogHash out;
  std::copy(hash.begin(), hash.end(), out.begin());
  return out;
}

Hash FromStore(const storage::LogHash& hash) {
  Hash out;
  std::copy(hash.begin(), hash.end(), out.begin());
  return out;
}

absl::StatusOr<std::vector<Hash>> ReadNodes(storage::LogStore& store,
                                            const std::vector<NodeId>& ids) {
  std::vector<storage::LogNodeId> store_ids;
  store_ids.reserve(ids.size());
  for (const NodeId& id : ids) store_ids.push_back({.level = id.level, .index = id.index});
  TWI_ASSIGN_OR_RETURN(const std::vector<storage::LogHash> hashes, store.ReadNodes(store_ids));
  std::vector<Hash> out;
  out.reserve(hashes.size());
  for (const storage::LogHash& hash : hashes) out.push_back(FromStore(hash));
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TransparencyLog>> TransparencyLog::Open(
    std::shared_ptr<storage::LogStore> store, std::unique_ptr<crypto::Signer> signer,
    LogOptions options) {
  if (store == nullptr || signer == nullptr) {
    return Error(Reason::kInvalidArgument, "log: a store and a signer are required");
  }
  if (signer->algorithm() != crypto::SignatureAlgorithm::kEd25519) {
    return Error(Reason::kUnsupportedAlgorithm, "log: checkpoints are signed with Ed25519");
  }
  if (options.max_batch == 0 || options.max_pending == 0) {
    return Error(Reason::kInvalidArgument, "log: max_batch and max_pending must be positive");
  }
  TWI_ASSIGN_OR_RETURN(NoteVerifier verifier,
                       NoteVerifier::FromPublicKey(options.origin, signer->public_key()));
  std::unique_ptr<TransparencyLog> log(new TransparencyLog(
      std::move(store), std::move(signer), std::move(verifier), std::move(options)));
  TWI_ASSIGN_OR_RETURN(log->integrated_, log->store_->IntegratedSize());
  TWI_RETURN_IF_ERROR(log->LoadEdge());
  TWI_ASSIGN_OR_RETURN(const std::optional<storage::LogCheckpoint> latest,
                       log->store_->LatestCheckpoint());
  if (latest.has_value()) {
    // A checkpoint of another log (or key) in this store would be a fork of its history.
    TWI_RETURN_IF_ERROR(
        OpenCheckpoint(latest->note, log->verifier_, log->options_.origin).status());
    log->published_size_ = latest->size;
    log->published_any_ = true;
  }
  // Recovery before the first append: sequenced entries the crash left unintegrated, and the
  // checkpoint for a size integrated but not yet signed.
  TWI_RETURN_IF_ERROR(log->IntegrateAll());
  TWI_RETURN_IF_ERROR(log->PublishCheckpoint());
  log->worker_ = std::thread([raw = log.get()] { raw->Run(); });
  return log;
}

TransparencyLog::TransparencyLog(std::shared_ptr<storage::LogStore> store,
                                 std::unique_ptr<crypto::Signer> signer, NoteVerifier verifier,
                                 LogOptions options)
    : store_(std::move(store)),
      signer_(std::move(signer)),
      verifier_(std::move(verifier)),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : SystemClock()),
      checkpoint_every_(absl::ToChronoNanoseconds(options_.checkpoint_interval)) {}

TransparencyLog::~TransparencyLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  if (worker_.joinable()) worker_.join();
}

absl::StatusOr<uint64_t> TransparencyLog::Append(Bytes entry) {
  if (entry.empty() || entry.size() > storage::kMaxLogEntryBytes) {
    return Error(Reason::kInvalidArgument, "log: an entry is 1 to 65535 bytes");
  }
  auto pending = std::make_shared<Pending>();
  pending->entry = std::move(entry);
  std::future<absl::StatusOr<uint64_t>> index = pending->index.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Error(Reason::kLogUnavailable, "log: closing");
    if (pending_.size() >= options_.max_pending) {
      return Error(Reason::kLogOverloaded,
                   absl::StrCat("log: ", pending_.size(), " appends queued; retry later"));
    }
    pending_.push_back(std::move(pending));
  }
  work_.notify_one();
  if (index.wait_for(absl::ToChronoMilliseconds(options_.append_timeout)) !=
      std::future_status::ready) {
    return Error(Reason::kLogUnavailable, "log: append timed out");
  }
  return index.get();
}

size_t TransparencyLog::queued() {
  std::lock_guard lock(mu_);
  return pending_.size();
}

absl::StatusOr<uint64_t> TransparencyLog::WaitForCheckpoint(uint64_t size, absl::Duration timeout) {
  std::unique_lock lock(mu_);
  ++waiters_;
  work_.notify_all();
  const bool reached = published_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] {
    return published_any_ && published_size_ >= size;
  });
  --waiters_;
  if (!reached) {
    return Error(Reason::kLogUnavailable,
                 absl::StrCat("log: no checkpoint of size ", size, " yet"));
  }
  return published_size_;
}

absl::StatusOr<std::string> TransparencyLog::LatestCheckpoint() {
  TWI_ASSIGN_OR_RETURN(const std::optional<storage::LogCheckpoint> latest,
                       store_->LatestCheckpoint());
  if (!latest.has_value()) return Error(Reason::kLogUnavailable, "log: no checkpoint yet");
  return latest->note;
}

absl::StatusOr<std::string> TransparencyLog::CheckpointAt(uint64_t size) {
  TWI_ASSIGN_OR_RETURN(const std::optional<storage::LogCheckpoint> at, store_->CheckpointAt(size));
  if (!at.has_value()) {
    return Error(Reason::kLogEntryNotFound, absl::StrCat("log: no checkpoint of size ", size));
  }
  return at->note;
}

absl::StatusOr<std::vector<Hash>> TransparencyLog::InclusionProof(uint64_t index, uint64_t size) {
  TWI_ASSIGN_OR_RETURN(const uint64_t integrated, store_->IntegratedSize());
  if (size > integrated) {
    return Error(Reason::kTreeSizeInvalid,
                 absl::StrCat("log: the tree has ", integrated, " entries, not ", size));
  }
  TWI_ASSIGN_OR_RETURN(const std::vector<NodeId> ids, InclusionProofNodes(index, size));
  TWI_ASSIGN_OR_RETURN(const std::vector<Hash> hashes, ReadNodes(*store_, ids));
  return InclusionProofFromNodes(index, size, hashes);
}

absl::StatusOr<std::vector<Hash>> TransparencyLog::ConsistencyProof(uint64_t size1,
                                                                    uint64_t size2) {
  TWI_ASSIGN_OR_RETURN(const uint64_t integrated, store_->IntegratedSize());
  if (size2 > integrated) {
    return Error(Reason::kTreeSizeInvalid,
                 absl::StrCat("log: the tree has ", integrated, " entries, not ", size2));
  }
  TWI_ASSIGN_OR_RETURN(const std::vector<NodeId> ids, ConsistencyProofNodes(size1, size2));
  TWI_ASSIGN_OR_RETURN(const std::vector<Hash> hashes, ReadNodes(*store_, ids));
  return ConsistencyProofFromNodes(size1, size2, hashes);
}

absl::StatusOr<ProofBundle> TransparencyLog::ProveEntry(uint64_t index) {
  TWI_ASSIGN_OR_RETURN(std::string note, LatestCheckpoint());
  std::optional<Checkpoint> opened;
  {
    std::lock_guard lock(mu_);
    if (opened_checkpoint_.has_value() && opened_note_ == note) opened = opened_checkpoint_;
  }
  if (!opened.has_value()) {
    TWI_ASSIGN_OR_RETURN(opened, OpenCheckpoint(note, verifier_, origin()));
    std::lock_guard lock(mu_);
    opened_note_ = note;
    opened_checkpoint_ = opened;
  }
  const Checkpoint& checkpoint = *opened;
  if (index >= checkpoint.size) {
    return Error(Reason::kTreeSizeInvalid,
                 absl::StrCat("log: entry ", index, " is not in the latest checkpoint (size ",
                              checkpoint.size, ") yet"));
  }
  TWI_ASSIGN_OR_RETURN(std::vector<Hash> path, InclusionProof(index, checkpoint.size));
  return ProofBundle{.extra = std::nullopt,
                     .index = index,
                     .path = std::move(path),
                     .checkpoint = std::move(note)};
}

absl::StatusOr<Bytes> TransparencyLog::Entry(uint64_t index) {
  TWI_ASSIGN_OR_RETURN(std::vector<Bytes> entries, store_->ReadEntries(index, 1));
  return std::move(entries.front());
}

absl::StatusOr<std::string> TransparencyLog::ReadTile(std::string_view path) {
  TWI_ASSIGN_OR_RETURN(const ParsedTilePath parsed, ParseTilePath(path));
  const uint64_t first = parsed.tile.index * kTileWidth;
  std::string body;
  if (parsed.entries) {
    // Entry bundles cover integrated entries only, like hash tiles.
    TWI_ASSIGN_OR_RETURN(const uint64_t integrated, store_->IntegratedSize());
    if (first + parsed.tile.width > integrated) {
      return Error(Reason::kLogEntryNotFound, "log: that entry bundle is not complete yet");
    }
    TWI_ASSIGN_OR_RETURN(const std::vector<Bytes> entries,
                         store_->ReadEntries(first, parsed.tile.width));
    return EncodeEntryBundle(entries);
  }
  TWI_ASSIGN_OR_RETURN(const std::vector<storage::LogHash> hashes,
                       store_->ReadLevel(static_cast<uint8_t>(parsed.tile.level * kTileHeight),
                                         first, parsed.tile.width));
  body.reserve(hashes.size() * 32);
  for (const storage::LogHash& hash : hashes) body.append(hash.begin(), hash.end());
  return body;
}

absl::Status TransparencyLog::LoadEdge() {
  const std::vector<NodeId> ids = RootNodes(integrated_);
  TWI_ASSIGN_OR_RETURN(const std::vector<Hash> hashes, ReadNodes(*store_, ids));
  edge_.clear();
  for (size_t i = 0; i < ids.size(); ++i) {
    edge_.push_back({.level = ids[i].level, .index = ids[i].index, .hash = hashes[i]});
  }
  return absl::OkStatus();
}

Hash TransparencyLog::EdgeRoot() const {
  if (edge_.empty()) return EmptyRoot();
  // RFC 9162 §2.1.1: the left subtree is always the largest perfect one, so the root folds the
  // right edge from the smallest subtree leftwards.
  Hash root = edge_.back().hash;
  for (size_t i = edge_.size() - 1; i-- > 0;) root = NodeHash(edge_[i].hash, root);
  return root;
}

bool TransparencyLog::CheckpointDue() {
  const bool unpublished = !published_any_ || published_size_ != integrated_size_;
  return unpublished && (waiters_ > 0 || stopping_ ||
                         std::chrono::steady_clock::now() >= last_published_ + checkpoint_every_);
}

bool TransparencyLog::NextWork(std::vector<std::shared_ptr<Pending>>& batch) {
  std::unique_lock lock(mu_);
  while (pending_.empty()) {
    if (CheckpointDue() && !(stopping_ && final_publish_tried_)) {
      final_publish_tried_ = stopping_;
      return true;
    }
    if (stopping_) return false;
    if (published_any_ && published_size_ == integrated_size_) {
      work_.wait(lock);
    } else {
      work_.wait_until(lock, last_published_ + checkpoint_every_);
    }
  }
  while (!pending_.empty() && batch.size() < options_.max_batch) {
    batch.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  return true;
}

void TransparencyLog::Run() {
  while (true) {
    std::vector<std::shared_ptr<Pending>> batch;
    if (!NextWork(batch)) return;  // stopping, and everything queued was handled
    absl::Status status = absl::OkStatus();
    if (!batch.empty()) {
      SequenceBatch(std::move(batch));
      // The entries are sequenced; a failed integration is retried by the next batch (or the
      // next start).
      status = IntegrateAll();
    }
    bool due = false;
    {
      std::lock_guard lock(mu_);
      due = CheckpointDue();
    }
    if (status.ok() && due) status = PublishCheckpoint();
    if (!status.ok()) {
      LogWarning(kComponent, absl::StrCat("integration failed: ", status.ToString()));
    }
  }
}

void TransparencyLog::SequenceBatch(std::vector<std::shared_ptr<Pending>> batch) {
  std::vector<Bytes> entries;
  entries.reserve(batch.size());
  for (const auto& pending : batch) entries.push_back(pending->entry);
  absl::StatusOr<uint64_t> first = store_->Sequence(entries);
  if (!first.ok()) {
    const absl::Status failed =
        Error(Reason::kLogUnavailable,
              absl::StrCat("log: sequencing failed: ", first.status().message()));
    for (const auto& pending : batch) pending->index.set_value(failed);
    return;
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i]->index.set_value(*first + i);
}

absl::Status TransparencyLog::IntegrateAll() {
  TWI_ASSIGN_OR_RETURN(const uint64_t sequenced, store_->SequencedSize());
  while (integrated_ < sequenced) {
    const uint64_t count = std::min<uint64_t>(sequenced - integrated_, storage::kMaxLogReadCount);
    TWI_ASSIGN_OR_RETURN(std::vector<Bytes> entries, store_->ReadEntries(integrated_, count));
    absl::Status status = IntegrateRange(integrated_, std::move(entries));
    if (GetReason(status) == Reason::kLogConflict) {
      // Another sequencer moved the tree on: continue from its state.
      TWI_ASSIGN_OR_RETURN(integrated_, store_->IntegratedSize());
      TWI_RETURN_IF_ERROR(LoadEdge());
      continue;
    }
    TWI_RETURN_IF_ERROR(status);
  }
  std::lock_guard lock(mu_);
  integrated_size_ = integrated_;
  return absl::OkStatus();
}

absl::Status TransparencyLog::IntegrateRange(uint64_t from, std::vector<Bytes> entries) {
  std::vector<EdgeNode> edge = edge_;
  std::vector<storage::LogNode> nodes;
  nodes.reserve(2 * entries.size() + 64);
  for (size_t i = 0; i < entries.size(); ++i) {
    EdgeNode node{.level = 0, .index = from + i, .hash = LeafHash(entries[i])};
    nodes.push_back({.level = node.level, .index = node.index, .hash = ToStore(node.hash)});
    // Two perfect subtrees of one level side by side complete their parent.
    while (!edge.empty() && edge.back().level == node.level) {
      node = {.level = static_cast<uint8_t>(node.level + 1),
              .index = node.index / 2,
              .hash = NodeHash(edge.back().hash, node.hash)};
      edge.pop_back();
      nodes.push_back({.level = node.level, .index = node.index, .hash = ToStore(node.hash)});
    }
    edge.push_back(node);
  }
  TWI_RETURN_IF_ERROR(store_->Integrate(from, from + entries.size(), nodes));
  integrated_ = from + entries.size();
  edge_ = std::move(edge);
  return absl::OkStatus();
}

absl::Status TransparencyLog::PublishCheckpoint() {
  {
    std::lock_guard lock(mu_);
    if (published_any_ && published_size_ == integrated_) return absl::OkStatus();
  }
  const std::string text = CheckpointText(Checkpoint{
      .origin = options_.origin, .size = integrated_, .root = EdgeRoot(), .extensions = {}});
  TWI_ASSIGN_OR_RETURN(NoteSignature signature, SignNote(text, options_.origin, *signer_));
  const std::string note = EncodeNote(Note{.text = text, .signatures = {std::move(signature)}});
  TWI_RETURN_IF_ERROR(
      store_->PublishCheckpoint({.size = integrated_, .note = note, .published_at = clock_.Now()}));
  {
    std::lock_guard lock(mu_);
    published_size_ = integrated_;
    published_any_ = true;
    last_published_ = std::chrono::steady_clock::now();
  }
  published_.notify_all();
  return absl::OkStatus();
}

}  // namespace twi::tlog
