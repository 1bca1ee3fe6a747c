// TransparencyLog: the log role. Appends entries, integrates them into an RFC 9162 tree in
// batches, signs a C2SP checkpoint for every integrated size, and answers proofs and tiles.
//
// What it is not: a record store (entries are opaque, usually 32-byte record digests; the
// records live beside the log), a witness, or a network service (services/ wraps it in HTTPS).
//
// Appends (tessera's model): Append queues the entry and returns once the batch holding it is
// durably sequenced, with its index; integration follows on the same worker thread, and the
// checkpoint that covers an entry comes at most checkpoint_interval later, or at once when
// someone waits for it (WaitForCheckpoint): a checkpoint signature per batch would cost more
// than the batch under light load. The queue is bounded:
// beyond max_pending entries, Append refuses at once with kLogOverloaded instead of letting
// latency grow without limit. After a crash, entries sequenced but not yet integrated are
// integrated when the log is opened again, so an index once returned is always covered.
//
// One writer: the store's compare-and-swap on the integrated size stops a second sequencer from
// forking the tree; the loser reloads and carries on from the winner's state.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/core/clock.h"
#include "libs/crypto/signature.h"
#include "libs/storage/log_store.h"
#include "libs/tlog/checkpoint.h"
#include "libs/tlog/merkle.h"
#include "libs/tlog/note.h"
#include "libs/tlog/proof_bundle.h"

namespace twi::tlog {

struct LogOptions {
  std::string origin;            // checkpoint origin and note key name, e.g. "td.example/twi/log"
  size_t max_batch = 4096;       // entries per sequencing transaction
  size_t max_pending = 1 << 16;  // queued entries beyond which Append answers kLogOverloaded
  absl::Duration append_timeout = absl::Seconds(10);
  // The longest an integrated size waits for its checkpoint when nobody asks for it; zero
  // publishes one after every batch. Measured on a steady clock, not `clock`.
  absl::Duration checkpoint_interval = absl::ZeroDuration();
  const Clock* clock = nullptr;  // null = SystemClock(); not owned
};

class TransparencyLog {
 public:
  // Opens the log over `store`, loads its state, and starts the worker, which first integrates
  // whatever was sequenced but not integrated. `signer` must be Ed25519 (kUnsupportedAlgorithm
  // otherwise). kInvalidArgument for an empty or malformed origin; store errors as they come.
  static absl::StatusOr<std::unique_ptr<TransparencyLog>> Open(
      std::shared_ptr<storage::LogStore> store, std::unique_ptr<crypto::Signer> signer,
      LogOptions options);

  // Stops taking appends, finishes the queued ones, and stops the worker.
  ~TransparencyLog();

  TransparencyLog(const TransparencyLog&) = delete;
  TransparencyLog& operator=(const TransparencyLog&) = delete;

  // Durably sequences `entry` and returns its index. Thread-safe; concurrent calls share one
  // transaction. kLogOverloaded when the queue is full (nothing queued); kLogUnavailable when
  // the store failed or the timeout passed (the entry may still be sequenced afterwards: an
  // entry is never half-stored, but a caller that gave up cannot learn its index);
  // kInvalidArgument for an empty or oversized entry.
  absl::StatusOr<uint64_t> Append(Bytes entry);

  // Blocks until a checkpoint of at least `size` is published, or `timeout` passes
  // (kLogUnavailable). Returns the size of the checkpoint published then. A waiter makes the
  // worker publish without waiting for checkpoint_interval.
  absl::StatusOr<uint64_t> WaitForCheckpoint(uint64_t size, absl::Duration timeout);

  // The latest signed checkpoint (a signed note). kLogUnavailable before the first.
  absl::StatusOr<std::string> LatestCheckpoint();
  // The checkpoint published at exactly `size`, or kLogEntryNotFound.
  absl::StatusOr<std::string> CheckpointAt(uint64_t size);

  // RFC 9162 proofs against the tree of `size` leaves, which must be integrated
  // (kTreeSizeInvalid otherwise, or for index >= size / size1 > size2 / size1 == 0).
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size);
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2);

  // An offline proof (c2sp.org/tlog-proof@v1) of entry `index` against the latest checkpoint.
  // kTreeSizeInvalid if no checkpoint covers it yet.
  absl::StatusOr<ProofBundle> ProveEntry(uint64_t index);

  // The entry at `index`. kLogEntryNotFound past the sequenced size.
  absl::StatusOr<Bytes> Entry(uint64_t index);

  // The body of a tlog-tiles resource: "tile/<L>/<N>[.p/<W>]" (concatenated hashes) or
  // "tile/entries/<N>[.p/<W>]" (an entry bundle). kRequestInvalid for a malformed path,
  // kLogEntryNotFound for a tile the tree does not have yet.
  absl::StatusOr<std::string> ReadTile(std::string_view path);

  // Entries queued and not yet taken by the worker (a gauge for operators and tests).
  size_t queued();

  const NoteVerifier& verifier() const { return verifier_; }
  const std::string& origin() const { return options_.origin; }

 private:
  struct Pending;
  // A perfect subtree on the right edge of the integrated tree.
  struct EdgeNode {
    uint8_t level;
    uint64_t index;
    Hash hash;
  };

  TransparencyLog(std::shared_ptr<storage::LogStore> store, std::unique_ptr<crypto::Signer> signer,
                  NoteVerifier verifier, LogOptions options);

  absl::Status LoadEdge();
  void Run();
  // Waits for work: true with `batch` filled, or true with an empty batch when a checkpoint is
  // due; false when stopping with nothing queued and the last checkpoint published (or tried).
  bool NextWork(std::vector<std::shared_ptr<Pending>>& batch);
  // An integrated size has no checkpoint, and one is wanted now. Called with mu_ held.
  bool CheckpointDue();
  void SequenceBatch(std::vector<std::shared_ptr<Pending>> batch);
  absl::Status IntegrateAll();
  absl::Status IntegrateRange(uint64_t from, std::vector<Bytes> entries);
  absl::Status PublishCheckpoint();
  Hash EdgeRoot() const;

  const std::shared_ptr<storage::LogStore> store_;
  const std::unique_ptr<crypto::Signer> signer_;
  const NoteVerifier verifier_;
  const LogOptions options_;
  const Clock& clock_;

  std::mutex mu_;
  std::condition_variable work_;                  // signalled on new pending entries and on stop
  std::condition_variable published_;             // signalled when a checkpoint is published
  std::deque<std::shared_ptr<Pending>> pending_;  // guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
  uint64_t published_size_ = 0;                   // guarded by mu_
  bool published_any_ = false;                    // guarded by mu_
  int waiters_ = 0;                               // in WaitForCheckpoint; guarded by mu_
  uint64_t integrated_size_ = 0;                  // integrated_, for waiters; guarded by mu_
  bool final_publish_tried_ = false;              // guarded by mu_
  // When the latest checkpoint was signed (guarded by mu_), and checkpoint_interval.
  std::chrono::steady_clock::time_point last_published_;
  const std::chrono::nanoseconds checkpoint_every_;
  // The latest checkpoint ProveEntry opened: the same note again needs no second signature
  // verification. Guarded by mu_.
  std::string opened_note_;
  std::optional<Checkpoint> opened_checkpoint_;

  // Worker thread only.
  uint64_t integrated_ = 0;
  std::vector<EdgeNode> edge_;

  std::thread worker_;
};

}  // namespace twi::tlog
