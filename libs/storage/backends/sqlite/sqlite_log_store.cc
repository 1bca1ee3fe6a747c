// LogStore over SQLite. Each write is one IMMEDIATE transaction that also updates log_state, so
// the sizes and the rows they describe always commit together. Node hashes are kept 256 to a
// row per level (log_strata); a node's row is id (level << 56) | (index / 256), at offset
// (index % 256) * 32. Multi-statement reads run in one read transaction: one snapshot, one
// WAL read lock.
#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"

namespace twi::storage {
namespace {

constexpr uint64_t kChunkNodes = 256;
constexpr size_t kHashSize = 32;

constexpr char kStateSql[] = "SELECT sequenced, integrated FROM log_state WHERE id = 0";
constexpr char kSetSequencedSql[] = "UPDATE log_state SET sequenced = ?1 WHERE id = 0";
constexpr char kSetIntegratedSql[] = "UPDATE log_state SET integrated = ?1 WHERE id = 0";
constexpr char kInsertEntrySql[] = "INSERT INTO log_entries (idx, entry) VALUES (?1, ?2)";
constexpr char kReadEntriesSql[] =
    "SELECT idx, entry FROM log_entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx";
constexpr char kReadChunkSql[] = "SELECT hashes FROM log_strata WHERE id = ?1";
constexpr char kWriteChunkSql[] = "INSERT OR REPLACE INTO log_strata (id, hashes) VALUES (?1, ?2)";
constexpr char kLatestCheckpointSql[] =
    "SELECT size, note, published_at_us FROM log_checkpoints ORDER BY size DESC LIMIT 1";
constexpr char kCheckpointAtSql[] =
    "SELECT size, note, published_at_us FROM log_checkpoints WHERE size = ?1";
constexpr char kInsertCheckpointSql[] =
    "INSERT INTO log_checkpoints (size, note, published_at_us) VALUES (?1, ?2, ?3)";

struct State {
  uint64_t sequenced = 0;
  uint64_t integrated = 0;
};

// The rowid of (level, chunk): chunks are below 2^56 (indexes below 2^64, 256 per chunk).
int64_t StrataId(uint8_t level, uint64_t chunk) {
  return static_cast<int64_t>((static_cast<uint64_t>(level) << 56) | chunk);
}

absl::Status InReadTransaction(SqliteConnection& connection,
                               absl::FunctionRef<absl::Status()> body) {
  {
    TWI_ASSIGN_OR_RETURN(SqliteStatement begin, connection.Prepare("BEGIN"));
    TWI_RETURN_IF_ERROR(begin.ExpectDone());
  }
  const absl::Status status = body();
  // Read-only: COMMIT just ends the transaction, also after a failed body.
  TWI_ASSIGN_OR_RETURN(SqliteStatement commit, connection.Prepare("COMMIT"));
  const absl::Status ended = commit.ExpectDone();
  return status.ok() ? ended : status;
}

absl::StatusOr<State> ReadState(SqliteConnection& connection) {
  TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kStateSql));
  TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
  if (!row) return Error(Reason::kStorageError, "sqlite: log_state has no row");
  return State{.sequenced = static_cast<uint64_t>(select.ColumnInt64(0)),
               .integrated = static_cast<uint64_t>(select.ColumnInt64(1))};
}

absl::Status SetSize(SqliteConnection& connection, const char* sql, uint64_t size) {
  TWI_ASSIGN_OR_RETURN(SqliteStatement update, connection.Prepare(sql));
  TWI_RETURN_IF_ERROR(update.BindInt64(1, static_cast<int64_t>(size)));
  return update.ExpectDone();
}

// The stored row of (level, chunk); empty if there is none yet.
absl::StatusOr<Bytes> ReadChunk(SqliteConnection& connection, uint8_t level, uint64_t chunk) {
  TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kReadChunkSql));
  TWI_RETURN_IF_ERROR(select.BindInt64(1, StrataId(level, chunk)));
  TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
  if (!row) return Bytes();
  const ByteView hashes = select.ColumnBlob(0);
  return Bytes(hashes.begin(), hashes.end());
}

// Reads nodes through a per-call cache of rows, so a proof or tile touching one row reads it once.
class ChunkReader {
 public:
  explicit ChunkReader(SqliteConnection& connection) : connection_(connection) {}

  absl::StatusOr<LogHash> Node(uint8_t level, uint64_t index) {
    const uint64_t chunk = index / kChunkNodes;
    auto it = chunks_.find({level, chunk});
    if (it == chunks_.end()) {
      TWI_ASSIGN_OR_RETURN(Bytes hashes, ReadChunk(connection_, level, chunk));
      it = chunks_.emplace(std::make_pair(level, chunk), std::move(hashes)).first;
    }
    const size_t offset = (index % kChunkNodes) * kHashSize;
    if (offset + kHashSize > it->second.size()) {
      // The state said the node is complete, so its row must hold it.
      return Error(Reason::kStorageError,
                   absl::StrCat("sqlite: log node (", level, ", ", index, ") is missing"));
    }
    LogHash hash;
    std::memcpy(hash.data(), it->second.data() + offset, kHashSize);
    return hash;
  }

 private:
  SqliteConnection& connection_;
  std::map<std::pair<uint8_t, uint64_t>, Bytes> chunks_;
};

absl::StatusOr<std::optional<LogCheckpoint>> ReadCheckpoint(SqliteStatement& select) {
  TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
  if (!row) return std::nullopt;
  return LogCheckpoint{.size = static_cast<uint64_t>(select.ColumnInt64(0)),
                       .note = select.ColumnText(1),
                       .published_at = absl::FromUnixMicros(select.ColumnInt64(2))};
}

class SqliteLogStore final : public LogStore {
 public:
  explicit SqliteLogStore(std::shared_ptr<SqliteDatabase> db) : db_(std::move(db)) {}

  absl::StatusOr<uint64_t> Sequence(std::span<const Bytes> entries) override {
    TWI_RETURN_IF_ERROR(ValidateLogEntries(entries));
    uint64_t first = 0;
    TWI_RETURN_IF_ERROR(db_->RunInTransaction([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(const State state, ReadState(connection));
      first = state.sequenced;
      TWI_ASSIGN_OR_RETURN(SqliteStatement insert, connection.Prepare(kInsertEntrySql));
      for (size_t i = 0; i < entries.size(); ++i) {
        TWI_RETURN_IF_ERROR(insert.BindInt64(1, static_cast<int64_t>(first + i)));
        TWI_RETURN_IF_ERROR(insert.BindBlob(2, entries[i]));
        TWI_RETURN_IF_ERROR(insert.ExpectDone());
        TWI_RETURN_IF_ERROR(insert.Reset());
      }
      return SetSize(connection, kSetSequencedSql, first + entries.size());
    }));
    return first;
  }

  absl::StatusOr<uint64_t> SequencedSize() override {
    TWI_ASSIGN_OR_RETURN(const State state, CurrentState());
    return state.sequenced;
  }

  absl::StatusOr<std::vector<Bytes>> ReadEntries(uint64_t from, uint64_t count) override {
    if (count == 0 || count > kMaxLogReadCount) {
      return Error(Reason::kInvalidArgument, "log: read 1 to 65536 entries at a time");
    }
    std::vector<Bytes> entries;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(const State state, ReadState(connection));
      if (from > state.sequenced || count > state.sequenced - from) {
        return Error(Reason::kLogEntryNotFound,
                     absl::StrCat("log: entries ", from, "+", count, " go past the ",
                                  state.sequenced, " sequenced"));
      }
      TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kReadEntriesSql));
      TWI_RETURN_IF_ERROR(select.BindInt64(1, static_cast<int64_t>(from)));
      TWI_RETURN_IF_ERROR(select.BindInt64(2, static_cast<int64_t>(from + count)));
      entries.reserve(count);
      while (true) {
        TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
        if (!row) break;
        if (static_cast<uint64_t>(select.ColumnInt64(0)) != from + entries.size()) {
          return Error(Reason::kStorageError, "sqlite: log_entries has a gap");
        }
        const ByteView entry = select.ColumnBlob(1);
        entries.emplace_back(entry.begin(), entry.end());
      }
      if (entries.size() != count) return Error(Reason::kStorageError, "sqlite: entries missing");
      return absl::OkStatus();
    }));
    return entries;
  }

  absl::StatusOr<uint64_t> IntegratedSize() override {
    TWI_ASSIGN_OR_RETURN(const State state, CurrentState());
    return state.integrated;
  }

  absl::Status Integrate(uint64_t from_size, uint64_t to_size,
                         std::span<const LogNode> nodes) override {
    TWI_RETURN_IF_ERROR(ValidateLogNodes(from_size, to_size, nodes));
    // By level, then index: each level's new nodes are one contiguous run.
    std::vector<const LogNode*> sorted;
    sorted.reserve(nodes.size());
    for (const LogNode& node : nodes) sorted.push_back(&node);
    std::sort(sorted.begin(), sorted.end(), [](const LogNode* a, const LogNode* b) {
      return a->level != b->level ? a->level < b->level : a->index < b->index;
    });
    return db_->RunInTransaction([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(const State state, ReadState(connection));
      if (state.integrated != from_size) {
        return Error(Reason::kLogConflict,
                     absl::StrCat("log: the tree is at ", state.integrated, ", not ", from_size,
                                  "; another sequencer integrated it"));
      }
      if (to_size > state.sequenced) {
        return Error(Reason::kInvalidArgument,
                     absl::StrCat("log: cannot integrate to ", to_size, " with only ",
                                  state.sequenced, " sequenced"));
      }
      TWI_ASSIGN_OR_RETURN(SqliteStatement write, connection.Prepare(kWriteChunkSql));
      size_t i = 0;
      while (i < sorted.size()) {
        const uint8_t level = sorted[i]->level;
        const uint64_t chunk = sorted[i]->index / kChunkNodes;
        // The row holds nodes chunk*256 .. up to the first new one already.
        TWI_ASSIGN_OR_RETURN(Bytes hashes, ReadChunk(connection, level, chunk));
        if (hashes.size() != (sorted[i]->index % kChunkNodes) * kHashSize) {
          return Error(Reason::kStorageError, "sqlite: log_strata row does not match the size");
        }
        for (; i < sorted.size() && sorted[i]->level == level &&
               sorted[i]->index / kChunkNodes == chunk;
             ++i) {
          hashes.insert(hashes.end(), sorted[i]->hash.begin(), sorted[i]->hash.end());
        }
        TWI_RETURN_IF_ERROR(write.BindInt64(1, StrataId(level, chunk)));
        TWI_RETURN_IF_ERROR(write.BindBlob(2, hashes));
        TWI_RETURN_IF_ERROR(write.ExpectDone());
        TWI_RETURN_IF_ERROR(write.Reset());
      }
      return SetSize(connection, kSetIntegratedSql, to_size);
    });
  }

  absl::StatusOr<std::vector<LogHash>> ReadNodes(std::span<const LogNodeId> ids) override {
    std::vector<LogHash> hashes;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      return InReadTransaction(connection, [&]() -> absl::Status {
        // Rows only ever grow, so nodes complete at the size read here stay readable.
        TWI_ASSIGN_OR_RETURN(const State state, ReadState(connection));
        TWI_RETURN_IF_ERROR(ValidateLogNodeIds(state.integrated, ids));
        ChunkReader reader(connection);
        hashes.reserve(ids.size());
        for (const LogNodeId& id : ids) {
          TWI_ASSIGN_OR_RETURN(const LogHash hash, reader.Node(id.level, id.index));
          hashes.push_back(hash);
        }
        return absl::OkStatus();
      });
    }));
    return hashes;
  }

  absl::StatusOr<std::vector<LogHash>> ReadLevel(uint8_t level, uint64_t from,
                                                 uint64_t count) override {
    if (count == 0 || count > kMaxLogReadCount) {
      return Error(Reason::kInvalidArgument, "log: read 1 to 65536 nodes at a time");
    }
    if (level > kMaxLogLevel) return Error(Reason::kInvalidArgument, "log: level over 63");
    std::vector<LogHash> hashes;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      return InReadTransaction(connection, [&]() -> absl::Status {
        TWI_ASSIGN_OR_RETURN(const State state, ReadState(connection));
        const uint64_t complete = state.integrated >> level;
        if (from > complete || count > complete - from) {
          return Error(Reason::kLogEntryNotFound,
                       absl::StrCat("log: nodes ", from, "+", count, " at level ", level,
                                    " are not complete in a tree of ", state.integrated));
        }
        ChunkReader reader(connection);
        hashes.reserve(count);
        for (uint64_t index = from; index < from + count; ++index) {
          TWI_ASSIGN_OR_RETURN(const LogHash hash, reader.Node(level, index));
          hashes.push_back(hash);
        }
        return absl::OkStatus();
      });
    }));
    return hashes;
  }

  absl::Status PublishCheckpoint(const LogCheckpoint& checkpoint) override {
    if (checkpoint.note.empty()) return Error(Reason::kInvalidArgument, "log: empty checkpoint");
    return db_->RunInTransaction([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(const State state, ReadState(connection));
      if (checkpoint.size > state.integrated) {
        return Error(Reason::kInvalidArgument,
                     absl::StrCat("log: checkpoint of size ", checkpoint.size,
                                  " is over the integrated ", state.integrated));
      }
      TWI_ASSIGN_OR_RETURN(SqliteStatement at, connection.Prepare(kCheckpointAtSql));
      TWI_RETURN_IF_ERROR(at.BindInt64(1, static_cast<int64_t>(checkpoint.size)));
      TWI_ASSIGN_OR_RETURN(const std::optional<LogCheckpoint> same_size, ReadCheckpoint(at));
      if (same_size.has_value()) {
        if (same_size->note == checkpoint.note) return absl::OkStatus();
        return Error(Reason::kInvalidArgument, absl::StrCat("log: another checkpoint of size ",
                                                            checkpoint.size, " was published"));
      }
      TWI_ASSIGN_OR_RETURN(SqliteStatement latest, connection.Prepare(kLatestCheckpointSql));
      TWI_ASSIGN_OR_RETURN(const std::optional<LogCheckpoint> newest, ReadCheckpoint(latest));
      if (newest.has_value() && newest->size > checkpoint.size) {
        return Error(Reason::kInvalidArgument,
                     absl::StrCat("log: checkpoint of size ", checkpoint.size,
                                  " is older than the published ", newest->size));
      }
      TWI_ASSIGN_OR_RETURN(SqliteStatement insert, connection.Prepare(kInsertCheckpointSql));
      TWI_RETURN_IF_ERROR(insert.BindInt64(1, static_cast<int64_t>(checkpoint.size)));
      TWI_RETURN_IF_ERROR(insert.BindText(2, checkpoint.note));
      TWI_RETURN_IF_ERROR(insert.BindInt64(3, absl::ToUnixMicros(checkpoint.published_at)));
      return insert.ExpectDone();
    });
  }

  absl::StatusOr<std::optional<LogCheckpoint>> LatestCheckpoint() override {
    std::optional<LogCheckpoint> found;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kLatestCheckpointSql));
      TWI_ASSIGN_OR_RETURN(found, ReadCheckpoint(select));
      return absl::OkStatus();
    }));
    return found;
  }

  absl::StatusOr<std::optional<LogCheckpoint>> CheckpointAt(uint64_t size) override {
    std::optional<LogCheckpoint> found;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(SqliteStatement select, connection.Prepare(kCheckpointAtSql));
      TWI_RETURN_IF_ERROR(select.BindInt64(1, static_cast<int64_t>(size)));
      TWI_ASSIGN_OR_RETURN(found, ReadCheckpoint(select));
      return absl::OkStatus();
    }));
    return found;
  }

 private:
  absl::StatusOr<State> CurrentState() {
    State state;
    TWI_RETURN_IF_ERROR(db_->Run([&](SqliteConnection& connection) -> absl::Status {
      TWI_ASSIGN_OR_RETURN(state, ReadState(connection));
      return absl::OkStatus();
    }));
    return state;
  }

  std::shared_ptr<SqliteDatabase> db_;
};

}  // namespace

std::unique_ptr<LogStore> NewSqliteLogStore(std::shared_ptr<SqliteDatabase> db) {
  return std::make_unique<SqliteLogStore>(std::move(db));
}

}  // namespace twi::storage
