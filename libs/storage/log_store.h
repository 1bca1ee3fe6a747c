// LogStore: the transparency log's durable state (libs/tlog/sequencer is its one consumer).
//
// The log is a sequence of entries and an RFC 9162 Merkle tree over a prefix of it. The store
// keeps three things: the sequenced entries (each at the index it was given, never reused), the
// hashes of every perfect subtree of the integrated tree, and the checkpoints the log signed.
// It computes nothing: the sequencer hashes, the store persists. Sequencing and integration
// are separate steps so appends can return a durable index before the tree covers them
// (tessera's model), and so integration can run in batches.
//
// Thread-safety: every implementation is safe from any number of threads and processes at once.
// Durability: a call that returned OK has committed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"

namespace twi::storage {

using LogHash = std::array<uint8_t, 32>;

// The perfect subtree of 2^level leaves that starts at leaf index << level.
struct LogNodeId {
  uint8_t level = 0;
  uint64_t index = 0;
};

struct LogNode {
  uint8_t level = 0;
  uint64_t index = 0;
  LogHash hash{};
};

struct LogCheckpoint {
  uint64_t size = 0;
  std::string note;  // the signed note, verbatim
  absl::Time published_at;

  friend bool operator==(const LogCheckpoint&, const LogCheckpoint&) = default;
};

// Entries are at most what a tlog-tiles entry bundle can carry.
inline constexpr size_t kMaxLogEntryBytes = 65535;
inline constexpr uint64_t kMaxLogReadCount = 65536;
inline constexpr uint8_t kMaxLogLevel = 63;

class LogStore {
 public:
  virtual ~LogStore() = default;

  // Stores `entries` at consecutive indexes after the last sequenced one, all or none; returns
  // the first index. kInvalidArgument (nothing stored) for an empty batch or an entry that is
  // empty or over kMaxLogEntryBytes; kStorageError on failure.
  virtual absl::StatusOr<uint64_t> Sequence(std::span<const Bytes> entries) = 0;

  // Number of sequenced entries. kStorageError on failure.
  virtual absl::StatusOr<uint64_t> SequencedSize() = 0;

  // Entries [from, from + count). kInvalidArgument for count 0 or over kMaxLogReadCount;
  // kLogEntryNotFound if the range goes past the sequenced size; kStorageError on failure.
  virtual absl::StatusOr<std::vector<Bytes>> ReadEntries(uint64_t from, uint64_t count) = 0;

  // Size of the integrated tree. kStorageError on failure.
  virtual absl::StatusOr<uint64_t> IntegratedSize() = 0;

  // Grows the integrated tree from `from_size` to `to_size` with `nodes`, which must be exactly
  // the perfect subtrees that are complete at to_size and were not at from_size, in any order.
  // Compare-and-swap: kLogConflict (nothing stored) unless the integrated size is still
  // from_size, so two sequencers can never both integrate. kInvalidArgument (nothing stored)
  // unless from_size < to_size <= the sequenced size and the nodes are that set;
  // kStorageError on failure.
  virtual absl::Status Integrate(uint64_t from_size, uint64_t to_size,
                                 std::span<const LogNode> nodes) = 0;

  // The hashes of `ids`, in order. kLogEntryNotFound if one is not a complete perfect subtree
  // of the integrated tree; kInvalidArgument for more than kMaxLogReadCount ids or a level
  // over kMaxLogLevel; kStorageError on failure.
  virtual absl::StatusOr<std::vector<LogHash>> ReadNodes(std::span<const LogNodeId> ids) = 0;

  // Hashes of the nodes at `level` with indexes [from, from + count) (a tlog tile is such a
  // run at a level that is a multiple of 8). Errors as ReadNodes.
  virtual absl::StatusOr<std::vector<LogHash>> ReadLevel(uint8_t level, uint64_t from,
                                                         uint64_t count) = 0;

  // Records a checkpoint the log signed. kInvalidArgument if its size is over the integrated
  // size or below the latest checkpoint's, or if a different note was published at its size;
  // the same note again is a no-op. kStorageError on failure.
  virtual absl::Status PublishCheckpoint(const LogCheckpoint& checkpoint) = 0;

  // The checkpoint of the largest size, or nullopt before the first. kStorageError on failure.
  virtual absl::StatusOr<std::optional<LogCheckpoint>> LatestCheckpoint() = 0;

  // The checkpoint published at `size`, or nullopt. kStorageError on failure.
  virtual absl::StatusOr<std::optional<LogCheckpoint>> CheckpointAt(uint64_t size) = 0;
};

// --- For backends -------------------------------------------------------------------------------

// kInvalidArgument unless the batch is non-empty and every entry is 1..kMaxLogEntryBytes bytes.
absl::Status ValidateLogEntries(std::span<const Bytes> entries);

// The perfect subtrees complete at to_size and not at from_size, sorted by (level, index).
std::vector<LogNodeId> NewLogNodes(uint64_t from_size, uint64_t to_size);

// kInvalidArgument unless `nodes` is exactly NewLogNodes(from_size, to_size) (in any order).
absl::Status ValidateLogNodes(uint64_t from_size, uint64_t to_size, std::span<const LogNode> nodes);

// kLogEntryNotFound unless every id is a complete perfect subtree of a tree of `size`;
// kInvalidArgument for too many ids or a level over kMaxLogLevel.
absl::Status ValidateLogNodeIds(uint64_t size, std::span<const LogNodeId> ids);

}  // namespace twi::storage
