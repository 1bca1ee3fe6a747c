// twi-bench-tlog: the transparency log role (libs/tlog/sequencer) over SQLite, in process.
//
// 1. Appends: N client threads each Append a fixed share of 32-byte random entries (what the
//    log holds in production: record digests) to a log on a fresh SQLite file, then
//    WaitForCheckpoint for the final size. Reports appends/s (first append to the checkpoint
//    covering the last), p50/p99 Append latency, the batch sizes the sequencer formed and
//    where its worker spends its time (a timing LogStore decorator around the real store).
//    Baseline, same run: the floor cost of an entry, (a) the hashing integration cannot skip
//    (SHA-256 leaf hash + one node hash, the average per leaf) in a tight loop plus (b) raw
//    inserts of as many 32-byte rows into a table of a separate fresh database, in batches of
//    the mean observed batch size, one transaction each (SqliteDatabase, WAL,
//    synchronous=NORMAL like the log).
// 2. Proofs: a second fresh log of --proof-entries (1,000,000) entries, built through
//    LogStore::Sequence in batches of max_batch and integrated by TransparencyLog::Open (the
//    crash-recovery path: everything sequenced and not integrated is integrated on open).
//    Then K threads ask InclusionProof(random index, size), and ProveEntry(random index); a
//    sample of each is verified against the root this benchmark computed itself from the
//    entries, so wrong proofs fail the run. Baselines, same run and same K threads:
//    LogStore::ReadNodes of the proof's nodes alone, and tlog::VerifyInclusion of a proof.
// 3. The size of the 1M-entry database (after a WAL checkpoint), per entry, and by table.
//
// Every ratio is log throughput / baseline throughput (= baseline cost / log cost): 1.0 would
// mean the log adds nothing to its floor, 0.25 that it costs four times the floor.
#include <pthread.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <latch>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/random.h"
#include "libs/crypto/signature.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"
#include "libs/storage/log_store.h"
#include "libs/tlog/checkpoint.h"
#include "libs/tlog/merkle.h"
#include "libs/tlog/proof_bundle.h"
#include "libs/tlog/sequencer/transparency_log.h"
#include "testing/temp_dir.h"

namespace twi::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kOrigin[] = "bench.twi.test/twi/log";
constexpr size_t kEntrySize = 32;

struct Options {
  int threads = 64;
  uint64_t entries = 200000;
  size_t max_batch = 4096;
  uint64_t proof_entries = 1000000;
  int proof_threads = 0;  // 0: one per CPU
  double proof_seconds = 5;
  int verify_every = 16;  // verify one proof in this many
  bool quick = false;
  std::string phase = "all";  // all, appends, proofs (e.g. to profile one)
  std::string out;
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double ProcessCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// This process' I/O from /proc/self/io: bytes passed to write system calls (wchar) and bytes
// sent to the block layer (write_bytes), and the write system calls.
struct IoCounters {
  uint64_t wchar = 0;
  uint64_t syscw = 0;
  uint64_t write_bytes = 0;
};

IoCounters ReadIo() {
  IoCounters io;
  std::ifstream in("/proc/self/io");
  std::string key;
  uint64_t value;
  while (in >> key >> value) {
    if (key == "wchar:") io.wchar = value;
    if (key == "syscw:") io.syscw = value;
    if (key == "write_bytes:") io.write_bytes = value;
  }
  return io;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Percentiles {
  size_t count = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};

Percentiles Summarize(std::vector<double> values) {
  Percentiles out;
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  out.count = values.size();
  out.p50 = values[values.size() / 2];
  out.p99 = values[std::min(values.size() - 1, values.size() * 99 / 100)];
  out.max = values.back();
  return out;
}

Bytes EntryAt(const Bytes& pool, uint64_t i) {
  return Bytes(pool.begin() + i * kEntrySize, pool.begin() + (i + 1) * kEntrySize);
}

// RFC 9162 §2.1.1 root of `leaves`, computed here independently of the log's integration.
tlog::Hash RootOf(const std::vector<tlog::Hash>& leaves) {
  std::vector<std::pair<int, tlog::Hash>> edge;
  for (const tlog::Hash& leaf : leaves) {
    int level = 0;
    tlog::Hash hash = leaf;
    while (!edge.empty() && edge.back().first == level) {
      hash = tlog::NodeHash(edge.back().second, hash);
      edge.pop_back();
      ++level;
    }
    edge.emplace_back(level, hash);
  }
  if (edge.empty()) return tlog::EmptyRoot();
  tlog::Hash root = edge.back().second;
  for (size_t i = edge.size() - 1; i-- > 0;) root = tlog::NodeHash(edge[i].second, root);
  return root;
}

// Wall time of every LogStore call, and the sequencing batch sizes: where the worker's time
// goes, without changing what it does. Thread-safe.
class TimedStore final : public storage::LogStore {
 public:
  struct Call {
    uint64_t calls = 0;
    double seconds = 0;
  };
  struct Stats {
    Call sequence, sequenced_size, read_entries, integrated_size, integrate, read_nodes, read_level,
        publish, latest_checkpoint, checkpoint_at;
    std::vector<size_t> batches;
  };

  explicit TimedStore(std::shared_ptr<storage::LogStore> inner) : inner_(std::move(inner)) {}

  Stats stats() {
    std::lock_guard lock(mu_);
    return stats_;
  }
  // The thread that called Sequence first: the log's worker.
  std::optional<pthread_t> sequencer_thread() {
    std::lock_guard lock(mu_);
    return sequencer_;
  }

 private:
  // Defined before the overrides that use it (its return type is deduced).
  template <typename F>
  auto Time(Call Stats::*call, F&& f) {
    const Clock::time_point start = Clock::now();
    auto result = f();
    const double seconds = Seconds(Clock::now() - start);
    std::lock_guard lock(mu_);
    (stats_.*call).calls++;
    (stats_.*call).seconds += seconds;
    return result;
  }

 public:
  absl::StatusOr<uint64_t> Sequence(std::span<const Bytes> entries) override {
    {
      std::lock_guard lock(mu_);
      if (!sequencer_.has_value()) sequencer_ = pthread_self();
      stats_.batches.push_back(entries.size());
    }
    return Time(&Stats::sequence, [&] { return inner_->Sequence(entries); });
  }
  absl::StatusOr<uint64_t> SequencedSize() override {
    return Time(&Stats::sequenced_size, [&] { return inner_->SequencedSize(); });
  }
  absl::StatusOr<std::vector<Bytes>> ReadEntries(uint64_t from, uint64_t count) override {
    return Time(&Stats::read_entries, [&] { return inner_->ReadEntries(from, count); });
  }
  absl::StatusOr<uint64_t> IntegratedSize() override {
    return Time(&Stats::integrated_size, [&] { return inner_->IntegratedSize(); });
  }
  absl::Status Integrate(uint64_t from, uint64_t to,
                         std::span<const storage::LogNode> nodes) override {
    return Time(&Stats::integrate, [&] { return inner_->Integrate(from, to, nodes); });
  }
  absl::StatusOr<std::vector<storage::LogHash>> ReadNodes(
      std::span<const storage::LogNodeId> ids) override {
    return Time(&Stats::read_nodes, [&] { return inner_->ReadNodes(ids); });
  }
  absl::StatusOr<std::vector<storage::LogHash>> ReadLevel(uint8_t level, uint64_t from,
                                                          uint64_t count) override {
    return Time(&Stats::read_level, [&] { return inner_->ReadLevel(level, from, count); });
  }
  absl::Status PublishCheckpoint(const storage::LogCheckpoint& checkpoint) override {
    return Time(&Stats::publish, [&] { return inner_->PublishCheckpoint(checkpoint); });
  }
  absl::StatusOr<std::optional<storage::LogCheckpoint>> LatestCheckpoint() override {
    return Time(&Stats::latest_checkpoint, [&] { return inner_->LatestCheckpoint(); });
  }
  absl::StatusOr<std::optional<storage::LogCheckpoint>> CheckpointAt(uint64_t size) override {
    return Time(&Stats::checkpoint_at, [&] { return inner_->CheckpointAt(size); });
  }

 private:
  const std::shared_ptr<storage::LogStore> inner_;
  std::mutex mu_;
  Stats stats_;                         // guarded by mu_
  std::optional<pthread_t> sequencer_;  // guarded by mu_
};

absl::StatusOr<std::unique_ptr<crypto::Signer>> LogSigner() {
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
  return crypto::NewSoftwareSigner(std::move(key), crypto::SignatureAlgorithm::kEd25519);
}

absl::StatusOr<std::unique_ptr<tlog::TransparencyLog>> OpenLog(
    std::shared_ptr<storage::LogStore> store, const Options& options) {
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> signer, LogSigner());
  return tlog::TransparencyLog::Open(std::move(store), std::move(signer),
                                     tlog::LogOptions{.origin = kOrigin,
                                                      .max_batch = options.max_batch,
                                                      .max_pending = 1 << 16,
                                                      .append_timeout = absl::Seconds(60),
                                                      .clock = nullptr});
}

// The latest checkpoint, opened with the log's own key; kInternal unless it has `size` and
// the root this benchmark computed from the entries.
absl::StatusOr<tlog::Checkpoint> CheckLatest(tlog::TransparencyLog& log, uint64_t size,
                                             const tlog::Hash& root) {
  TWI_ASSIGN_OR_RETURN(const std::string note, log.LatestCheckpoint());
  TWI_ASSIGN_OR_RETURN(tlog::Checkpoint checkpoint,
                       tlog::OpenCheckpoint(note, log.verifier(), kOrigin));
  if (checkpoint.size != size || checkpoint.root != root) {
    return Error(Reason::kInternal,
                 absl::StrFormat("checkpoint of size %d does not match the %d entries appended",
                                 checkpoint.size, size));
  }
  return checkpoint;
}

// (a) of the append baseline: CPU seconds per entry of one leaf hash and one node hash.
std::vector<double> HashRounds(int rounds) {
  constexpr int kPerRound = 20000;
  const Bytes pool = crypto::RandomBytes(kPerRound * kEntrySize);
  std::vector<double> out;
  tlog::Hash carry{};
  for (int r = 0; r < rounds; ++r) {
    const double start = ThreadCpuSeconds();
    for (int i = 0; i < kPerRound; ++i) {
      const tlog::Hash leaf = tlog::LeafHash(ByteView(pool.data() + i * kEntrySize, kEntrySize));
      carry = tlog::NodeHash(carry, leaf);
    }
    out.push_back((ThreadCpuSeconds() - start) / kPerRound);
  }
  if (carry == tlog::Hash{}) std::abort();  // keeps the loop's result alive
  return out;
}

// (b) of the append baseline: wall seconds per row of `count` 32-byte rows inserted in
// batches of `batch`, one transaction each, into a fresh database file.
struct InsertBaseline {
  double seconds_per_row = 0;
  double wchar_per_row = 0;
};

absl::StatusOr<InsertBaseline> RawInserts(const std::string& path, uint64_t count, size_t batch) {
  TWI_ASSIGN_OR_RETURN(std::shared_ptr<storage::SqliteDatabase> db,
                       storage::SqliteDatabase::Open(path));
  TWI_RETURN_IF_ERROR(db->Run([](storage::SqliteConnection& connection) {
    return connection.Exec(
        "CREATE TABLE bench_rows (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL)");
  }));
  const Bytes pool = crypto::RandomBytes(count * kEntrySize);
  const IoCounters io_before = ReadIo();
  const Clock::time_point start = Clock::now();
  for (uint64_t first = 0; first < count; first += batch) {
    const uint64_t end = std::min<uint64_t>(count, first + batch);
    TWI_RETURN_IF_ERROR(
        db->RunInTransaction([&](storage::SqliteConnection& connection) -> absl::Status {
          TWI_ASSIGN_OR_RETURN(
              storage::SqliteStatement insert,
              connection.Prepare("INSERT INTO bench_rows (idx, entry) VALUES (?1, ?2)"));
          for (uint64_t i = first; i < end; ++i) {
            TWI_RETURN_IF_ERROR(insert.BindInt64(1, static_cast<int64_t>(i)));
            TWI_RETURN_IF_ERROR(
                insert.BindBlob(2, ByteView(pool.data() + i * kEntrySize, kEntrySize)));
            TWI_RETURN_IF_ERROR(insert.ExpectDone());
            TWI_RETURN_IF_ERROR(insert.Reset());
          }
          return absl::OkStatus();
        }));
  }
  const double seconds = Seconds(Clock::now() - start);
  return InsertBaseline{
      .seconds_per_row = seconds / static_cast<double>(count),
      .wchar_per_row = static_cast<double>(ReadIo().wchar - io_before.wchar) / count};
}

uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

Json CallJson(const TimedStore::Call& call, double wall) {
  return {{"calls", call.calls},
          {"seconds", call.seconds},
          {"share_of_wall", wall > 0 ? call.seconds / wall : 0}};
}

// --- 1. Appends ---------------------------------------------------------------------------------

struct AppendResult {
  Json json;
  bool ok = false;
};

AppendResult RunAppends(const Options& options, const testing::TempDir& tmp) {
  AppendResult result;
  const std::string path = tmp.File("append.db");
  auto db = storage::SqliteDatabase::Open(path);
  if (!db.ok()) {
    std::cerr << "append database: " << db.status() << "\n";
    return result;
  }
  auto timed = std::make_shared<TimedStore>(storage::NewSqliteLogStore(*db));
  auto log = OpenLog(timed, options);
  if (!log.ok()) {
    std::cerr << "open log: " << log.status() << "\n";
    return result;
  }

  const int threads = options.threads;
  const uint64_t total = options.entries;
  std::vector<Bytes> pools(threads);
  std::vector<uint64_t> counts(threads);
  for (int t = 0; t < threads; ++t) {
    counts[t] = total / threads + (static_cast<uint64_t>(t) < total % threads ? 1 : 0);
    pools[t] = crypto::RandomBytes(counts[t] * kEntrySize);
  }
  std::vector<std::vector<uint64_t>> indexes(threads);
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<int> failures{0};
  std::mutex error_mu;
  std::string first_error;

  std::vector<double> hash_rounds = HashRounds(5);
  std::latch start(threads + 1);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      indexes[t].reserve(counts[t]);
      latencies[t].reserve(counts[t]);
      start.arrive_and_wait();
      for (uint64_t i = 0; i < counts[t]; ++i) {
        const Clock::time_point t0 = Clock::now();
        absl::StatusOr<uint64_t> index = (*log)->Append(EntryAt(pools[t], i));
        latencies[t].push_back(Seconds(Clock::now() - t0));
        if (!index.ok()) {
          ++failures;
          std::lock_guard lock(error_mu);
          if (first_error.empty()) first_error = index.status().ToString();
          indexes[t].push_back(UINT64_MAX);
          continue;
        }
        indexes[t].push_back(*index);
      }
    });
  }
  const double cpu_before = ProcessCpuSeconds();
  const IoCounters io_before = ReadIo();
  const Clock::time_point t0 = Clock::now();
  start.arrive_and_wait();
  for (auto& w : workers) w.join();
  const Clock::time_point appended = Clock::now();
  absl::StatusOr<uint64_t> covered = (*log)->WaitForCheckpoint(total, absl::Seconds(60));
  const Clock::time_point t1 = Clock::now();
  const double cpu = ProcessCpuSeconds() - cpu_before;
  const IoCounters io = ReadIo();
  const double wall = Seconds(t1 - t0);
  double worker_cpu = -1;
  if (const std::optional<pthread_t> worker = timed->sequencer_thread(); worker.has_value()) {
    // The worker's CPU time over its whole life; before the first append it only opened.
    clockid_t clock;
    timespec ts;
    if (pthread_getcpuclockid(*worker, &clock) == 0 && clock_gettime(clock, &ts) == 0) {
      worker_cpu = ts.tv_sec + ts.tv_nsec / 1e9;
    }
  }
  const TimedStore::Stats stats = timed->stats();
  for (double round : HashRounds(5)) hash_rounds.push_back(round);

  if (failures > 0 || !covered.ok()) {
    std::cerr << "appends failed: " << failures << " (" << first_error
              << "); checkpoint: " << covered.status() << "\n";
    return result;
  }
  // Every index given exactly once, and the checkpoint's root is the tree of the entries at
  // the indexes Append returned.
  std::vector<tlog::Hash> leaves(total);
  std::vector<bool> seen(total, false);
  for (int t = 0; t < threads; ++t) {
    for (uint64_t i = 0; i < counts[t]; ++i) {
      const uint64_t index = indexes[t][i];
      if (index >= total || seen[index]) {
        std::cerr << "Append returned index " << index << " twice or out of range\n";
        return result;
      }
      seen[index] = true;
      leaves[index] = tlog::LeafHash(ByteView(pools[t].data() + i * kEntrySize, kEntrySize));
    }
  }
  if (absl::StatusOr<tlog::Checkpoint> checked = CheckLatest(**log, total, RootOf(leaves));
      !checked.ok()) {
    std::cerr << "append log: " << checked.status() << "\n";
    return result;
  }
  log->reset();

  // Batch sizes the sequencer formed.
  std::vector<double> batch_sizes(stats.batches.begin(), stats.batches.end());
  const double mean_batch = static_cast<double>(total) / stats.batches.size();
  const Percentiles batch = Summarize(batch_sizes);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const Percentiles latency = Summarize(std::move(all));

  // The floor: hashing plus raw inserts in batches of the mean observed size.
  const size_t baseline_batch = std::max<size_t>(1, static_cast<size_t>(mean_batch + 0.5));
  absl::StatusOr<InsertBaseline> inserts =
      RawInserts(tmp.File("baseline.db"), total, baseline_batch);
  if (!inserts.ok()) {
    std::cerr << "baseline inserts: " << inserts.status() << "\n";
    return result;
  }
  const double* insert = &inserts->seconds_per_row;
  const double hash = Median(hash_rounds);
  const double floor = hash + *insert;
  const double rate = total / wall;
  const double ratio = rate * floor;  // log appends/s / floor entries/s
  (void)db->get()->Run([](storage::SqliteConnection& connection) {
    return connection.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  });
  const uint64_t db_bytes = FileSize(path) + FileSize(path + "-wal");
  const double store_seconds = stats.sequence.seconds + stats.sequenced_size.seconds +
                               stats.read_entries.seconds + stats.integrate.seconds +
                               stats.publish.seconds + stats.read_nodes.seconds +
                               stats.latest_checkpoint.seconds + stats.integrated_size.seconds;

  result.json = {
      {"threads", threads},
      {"entries", total},
      {"entry_bytes", kEntrySize},
      {"max_batch", options.max_batch},
      {"seconds", wall},
      {"seconds_to_last_index", Seconds(appended - t0)},
      {"appends_per_second", rate},
      {"latency_p50_ms", latency.p50 * 1e3},
      {"latency_p99_ms", latency.p99 * 1e3},
      {"latency_max_ms", latency.max * 1e3},
      {"batches", stats.batches.size()},
      {"batch_mean", mean_batch},
      {"batch_p50", batch.p50},
      {"batch_p99", batch.p99},
      {"batch_max", batch.max},
      {"process_cpu_us_per_append", cpu / total * 1e6},
      {"process_cores_busy", cpu / wall},
      {"worker_cpu_seconds", worker_cpu},
      {"worker_busy", worker_cpu >= 0 ? worker_cpu / wall : -1},
      {"store_calls",
       {{"sequence", CallJson(stats.sequence, wall)},
        {"sequenced_size", CallJson(stats.sequenced_size, wall)},
        {"read_entries", CallJson(stats.read_entries, wall)},
        {"integrate", CallJson(stats.integrate, wall)},
        {"publish_checkpoint", CallJson(stats.publish, wall)},
        {"other", CallJson({.calls = stats.read_nodes.calls + stats.latest_checkpoint.calls +
                                     stats.integrated_size.calls,
                            .seconds = stats.read_nodes.seconds + stats.latest_checkpoint.seconds +
                                       stats.integrated_size.seconds},
                           wall)}}},
      {"store_share_of_wall", store_seconds / wall},
      {"written_bytes_per_append", static_cast<double>(io.wchar - io_before.wchar) / total},
      {"block_write_bytes_per_append",
       static_cast<double>(io.write_bytes - io_before.write_bytes) / total},
      {"write_calls_per_batch",
       static_cast<double>(io.syscw - io_before.syscw) / stats.batches.size()},
      {"baseline",
       {{"hash_us_per_entry", hash * 1e6},
        {"hash_us_per_entry_min", *std::min_element(hash_rounds.begin(), hash_rounds.end()) * 1e6},
        {"hash_us_per_entry_max", *std::max_element(hash_rounds.begin(), hash_rounds.end()) * 1e6},
        {"insert_batch", baseline_batch},
        {"insert_us_per_entry", *insert * 1e6},
        {"insert_written_bytes_per_entry", inserts->wchar_per_row},
        {"floor_us_per_entry", floor * 1e6},
        {"floor_entries_per_second", 1 / floor}}},
      {"ratio_log_to_floor", ratio},
      {"database_bytes_per_entry", static_cast<double>(db_bytes) / total},
      {"target_appends_per_second", 20000},
      {"target_met", rate >= 20000},
  };
  std::cout << absl::StrFormat(
      "appends: %d threads, %d entries of %d bytes, max_batch %d: %.2f s\n"
      "  throughput         %.0f appends/s (target >= 20000: %s)\n"
      "  latency            p50 %.2f ms, p99 %.2f ms, max %.1f ms\n"
      "  batches            %d, mean %.1f, p50 %.0f, p99 %.0f, max %.0f entries\n"
      "  CPU                %.1f us per append (process), %.2f cores busy; worker %.0f %% busy\n"
      "  store wall time    sequence %.0f %%, integrate %.0f %%, publish %.0f %%, read back "
      "%.0f %% of the run\n"
      "  written            %.0f bytes per append (floor: %.0f), %.1f write calls per batch\n"
      "  floor              %.2f us hashing + %.2f us insert (batches of %d) = %.2f us per "
      "entry (%.0f entries/s)\n"
      "  log / floor        %.3f (throughput ratio; the log costs %.1fx its floor)\n"
      "  database           %.0f bytes per entry\n",
      threads, total, kEntrySize, options.max_batch, wall, rate, rate >= 20000 ? "met" : "MISSED",
      latency.p50 * 1e3, latency.p99 * 1e3, latency.max * 1e3, stats.batches.size(), mean_batch,
      batch.p50, batch.p99, batch.max, cpu / total * 1e6, cpu / wall,
      worker_cpu >= 0 ? 100 * worker_cpu / wall : -1, 100 * stats.sequence.seconds / wall,
      100 * stats.integrate.seconds / wall, 100 * stats.publish.seconds / wall,
      100 * (stats.read_entries.seconds + stats.sequenced_size.seconds) / wall,
      static_cast<double>(io.wchar - io_before.wchar) / total, inserts->wchar_per_row,
      static_cast<double>(io.syscw - io_before.syscw) / stats.batches.size(), hash * 1e6,
      *insert * 1e6, baseline_batch, floor * 1e6, 1 / floor, ratio, 1 / ratio,
      static_cast<double>(db_bytes) / total);
  result.ok = true;
  return result;
}

// --- 2. Proofs ----------------------------------------------------------------------------------

struct Loop {
  uint64_t ops = 0;
  double seconds = 0;
  Percentiles latency;
  int failures = 0;
  std::string first_error;
  double per_second() const { return seconds > 0 ? ops / seconds : 0; }
};

// Runs `op(thread, rng)` from `threads` threads for `seconds`; op returns a non-OK status to
// count a failure.
template <typename Op>
Loop RunLoop(int threads, double seconds, Op op) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(threads);
  std::vector<int> failures(threads, 0);
  std::vector<std::string> errors(threads);
  std::latch start(threads + 1);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(0x7100 + t);
      start.arrive_and_wait();
      while (!stop.load(std::memory_order_relaxed)) {
        const Clock::time_point t0 = Clock::now();
        const absl::Status status = op(t, rng);
        latencies[t].push_back(Seconds(Clock::now() - t0));
        if (!status.ok()) {
          if (failures[t]++ == 0) errors[t] = status.ToString();
        }
      }
    });
  }
  const Clock::time_point t0 = Clock::now();
  start.arrive_and_wait();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  Loop loop;
  loop.seconds = Seconds(Clock::now() - t0);
  std::vector<double> all;
  for (int t = 0; t < threads; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    loop.failures += failures[t];
    if (loop.first_error.empty()) loop.first_error = errors[t];
  }
  loop.ops = all.size();
  loop.latency = Summarize(std::move(all));
  return loop;
}

Json LoopJson(const Loop& loop) {
  return {{"ops", loop.ops},
          {"seconds", loop.seconds},
          {"per_second", loop.per_second()},
          {"latency_p50_us", loop.latency.p50 * 1e6},
          {"latency_p99_us", loop.latency.p99 * 1e6},
          {"failures", loop.failures}};
}

struct ProofResult {
  Json json;
  bool ok = false;
};

ProofResult RunProofs(const Options& options, const testing::TempDir& tmp) {
  ProofResult result;
  const std::string path = tmp.File("proofs.db");
  auto db = storage::SqliteDatabase::Open(path);
  if (!db.ok()) {
    std::cerr << "proof database: " << db.status() << "\n";
    return result;
  }
  std::shared_ptr<storage::LogStore> store = storage::NewSqliteLogStore(*db);
  const uint64_t size = options.proof_entries;
  const Bytes pool = crypto::RandomBytes(size * kEntrySize);

  // Build: sequence in batches of max_batch, then let Open integrate it all.
  const Clock::time_point b0 = Clock::now();
  std::vector<Bytes> batch;
  for (uint64_t first = 0; first < size; first += options.max_batch) {
    const uint64_t end = std::min<uint64_t>(size, first + options.max_batch);
    batch.clear();
    for (uint64_t i = first; i < end; ++i) batch.push_back(EntryAt(pool, i));
    if (absl::StatusOr<uint64_t> at = store->Sequence(batch); !at.ok() || *at != first) {
      std::cerr << "sequence: " << at.status() << "\n";
      return result;
    }
  }
  const Clock::time_point b1 = Clock::now();
  auto log = OpenLog(store, options);
  if (!log.ok()) {
    std::cerr << "open log: " << log.status() << "\n";
    return result;
  }
  const Clock::time_point b2 = Clock::now();

  std::vector<tlog::Hash> leaves(size);
  for (uint64_t i = 0; i < size; ++i) {
    leaves[i] = tlog::LeafHash(ByteView(pool.data() + i * kEntrySize, kEntrySize));
  }
  const tlog::Hash root = RootOf(leaves);
  if (absl::StatusOr<tlog::Checkpoint> checked = CheckLatest(**log, size, root); !checked.ok()) {
    std::cerr << "proof log: " << checked.status() << "\n";
    return result;
  }

  // Database size, WAL folded into the main file first.
  (void)db->get()->Run([](storage::SqliteConnection& connection) {
    return connection.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  });
  const uint64_t db_bytes = FileSize(path) + FileSize(path + "-wal");
  Json tables = Json::object();
  (void)db->get()->Run([&](storage::SqliteConnection& connection) -> absl::Status {
    // dbstat is optional in SQLite builds; without it the split by table is left out.
    TWI_ASSIGN_OR_RETURN(
        storage::SqliteStatement select,
        connection.Prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"));
    while (true) {
      TWI_ASSIGN_OR_RETURN(const bool row, select.Step());
      if (!row) break;
      tables[select.ColumnText(0)] = select.ColumnInt64(1);
    }
    return absl::OkStatus();
  });

  const int k = options.proof_threads > 0
                    ? options.proof_threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const double secs = options.proof_seconds;
  const int every = std::max(1, options.verify_every);
  // One proof (and bundle) in `every` is kept per thread and verified after the loop, so the
  // measured loops hold no verification.
  std::vector<std::vector<std::pair<uint64_t, std::vector<tlog::Hash>>>> proof_samples(k);
  std::vector<std::vector<tlog::ProofBundle>> bundle_samples(k);
  std::vector<uint64_t> path_nodes(k, 0), proof_count(k, 0), bundle_count(k, 0);

  // Baseline: the proof's nodes through LogStore::ReadNodes alone (ids computed up front).
  std::vector<std::vector<storage::LogNodeId>> id_pool;
  {
    std::mt19937_64 rng(42);
    for (int i = 0; i < 4096; ++i) {
      const auto ids = tlog::InclusionProofNodes(rng() % size, size);
      std::vector<storage::LogNodeId> store_ids;
      for (const tlog::NodeId& id : *ids) {
        store_ids.push_back({.level = id.level, .index = id.index});
      }
      id_pool.push_back(std::move(store_ids));
    }
  }
  auto read_nodes = [&](int, std::mt19937_64& rng) -> absl::Status {
    const auto& ids = id_pool[rng() % id_pool.size()];
    TWI_ASSIGN_OR_RETURN(const std::vector<storage::LogHash> hashes, store->ReadNodes(ids));
    return hashes.size() == ids.size() ? absl::OkStatus()
                                       : Error(Reason::kInternal, "ReadNodes: wrong count");
  };
  auto inclusion = [&](int t, std::mt19937_64& rng) -> absl::Status {
    const uint64_t index = rng() % size;
    TWI_ASSIGN_OR_RETURN(std::vector<tlog::Hash> proof, (*log)->InclusionProof(index, size));
    path_nodes[t] += proof.size();
    if (proof_count[t]++ % every == 0) proof_samples[t].emplace_back(index, std::move(proof));
    return absl::OkStatus();
  };
  auto prove_entry = [&](int t, std::mt19937_64& rng) -> absl::Status {
    const uint64_t index = rng() % size;
    TWI_ASSIGN_OR_RETURN(tlog::ProofBundle bundle, (*log)->ProveEntry(index));
    if (bundle.index != index) return Error(Reason::kInternal, "ProveEntry: wrong index");
    if (bundle_count[t]++ % every == 0) bundle_samples[t].push_back(std::move(bundle));
    return absl::OkStatus();
  };

  const Loop nodes_before = RunLoop(k, secs / 2, read_nodes);
  const Loop proofs = RunLoop(k, secs, inclusion);
  const Loop bundles = RunLoop(k, secs, prove_entry);
  const Loop nodes_after = RunLoop(k, secs / 2, read_nodes);

  // Every kept proof against the root computed here from the entries, every kept bundle
  // against the log's key and that root.
  std::vector<std::pair<uint64_t, std::vector<tlog::Hash>>> sample;
  uint64_t verified = 0, bundles_verified = 0, path_total = 0;
  for (int t = 0; t < k; ++t) {
    path_total += path_nodes[t];
    for (auto& [index, proof] : proof_samples[t]) {
      if (absl::Status ok = tlog::VerifyInclusion(index, size, leaves[index], proof, root);
          !ok.ok()) {
        std::cerr << "inclusion proof of " << index << " does not verify: " << ok << "\n";
        return result;
      }
      ++verified;
      sample.emplace_back(index, std::move(proof));
    }
    for (const tlog::ProofBundle& bundle : bundle_samples[t]) {
      absl::StatusOr<tlog::Checkpoint> checkpoint =
          tlog::VerifyProofBundle(bundle, leaves[bundle.index], (*log)->verifier(), kOrigin);
      if (!checkpoint.ok() || checkpoint->root != root) {
        std::cerr << "proof bundle of " << bundle.index
                  << " does not verify: " << checkpoint.status() << "\n";
        return result;
      }
      ++bundles_verified;
    }
  }
  if (sample.empty()) {
    std::cerr << "no inclusion proof succeeded: " << proofs.first_error << "\n";
    return result;
  }
  auto verify = [&](int, std::mt19937_64& rng) -> absl::Status {
    const auto& [index, proof] = sample[rng() % sample.size()];
    return tlog::VerifyInclusion(index, size, leaves[index], proof, root);
  };
  const Loop verifies = RunLoop(k, secs / 2, verify);

  Loop nodes = nodes_before;
  nodes.ops += nodes_after.ops;
  nodes.seconds += nodes_after.seconds;
  nodes.failures += nodes_after.failures;
  nodes.latency.p50 = (nodes_before.latency.p50 + nodes_after.latency.p50) / 2;
  nodes.latency.p99 = (nodes_before.latency.p99 + nodes_after.latency.p99) / 2;
  const int failures = proofs.failures + bundles.failures + nodes.failures + verifies.failures;
  const double mean_path = proofs.ops > 0 ? static_cast<double>(path_total) / proofs.ops : 0;

  result.json = {
      {"entries", size},
      {"threads", k},
      {"build",
       {{"sequence_seconds", Seconds(b1 - b0)},
        {"sequence_entries_per_second", size / Seconds(b1 - b0)},
        {"integrate_on_open_seconds", Seconds(b2 - b1)},
        {"integrate_entries_per_second", size / Seconds(b2 - b1)}}},
      {"database_bytes", db_bytes},
      {"database_bytes_per_entry", static_cast<double>(db_bytes) / size},
      {"database_bytes_by_table", tables},
      {"mean_path_length", mean_path},
      {"inclusion_proof", LoopJson(proofs)},
      {"prove_entry", LoopJson(bundles)},
      {"baseline_read_nodes", LoopJson(nodes)},
      {"baseline_read_nodes_before_per_second", nodes_before.per_second()},
      {"baseline_read_nodes_after_per_second", nodes_after.per_second()},
      {"baseline_verify_inclusion", LoopJson(verifies)},
      {"verified_inclusion_proofs", verified},
      {"verified_proof_bundles", bundles_verified},
      {"ratio_inclusion_to_read_nodes", proofs.per_second() / nodes.per_second()},
      {"ratio_prove_entry_to_read_nodes", bundles.per_second() / nodes.per_second()},
      {"ratio_inclusion_to_verify", proofs.per_second() / verifies.per_second()},
      {"failures", failures},
  };
  std::cout << absl::StrFormat(
      "proofs: log of %d entries (sequenced in %.1f s, integrated on open in %.1f s), %d "
      "threads\n"
      "  database             %.1f MiB, %.1f bytes per entry\n"
      "  InclusionProof       %.0f/s, p50 %.0f us, p99 %.0f us (%d verified, path %.1f)\n"
      "  ProveEntry           %.0f/s, p50 %.0f us, p99 %.0f us (%d bundles verified)\n"
      "  ReadNodes alone      %.0f/s, p50 %.0f us, p99 %.0f us (before %.0f/s, after %.0f/s)\n"
      "  VerifyInclusion      %.0f/s, p50 %.1f us\n"
      "  InclusionProof / ReadNodes  %.2f   ProveEntry / ReadNodes  %.2f   InclusionProof / "
      "VerifyInclusion  %.3f (throughput ratios)\n",
      size, Seconds(b1 - b0), Seconds(b2 - b1), k, db_bytes / 1048576.0,
      static_cast<double>(db_bytes) / size, proofs.per_second(), proofs.latency.p50 * 1e6,
      proofs.latency.p99 * 1e6, verified, mean_path, bundles.per_second(),
      bundles.latency.p50 * 1e6, bundles.latency.p99 * 1e6, bundles_verified, nodes.per_second(),
      nodes.latency.p50 * 1e6, nodes.latency.p99 * 1e6, nodes_before.per_second(),
      nodes_after.per_second(), verifies.per_second(), verifies.latency.p50 * 1e6,
      proofs.per_second() / nodes.per_second(), bundles.per_second() / nodes.per_second(),
      proofs.per_second() / verifies.per_second());
  for (const auto& [name, bytes] : tables.items()) {
    if (bytes.get<double>() < 0.5 * size) continue;  // the other stores' empty tables
    std::cout << absl::StrFormat("    %-20s %.1f bytes per entry\n", name,
                                 bytes.get<double>() / size);
  }
  if (failures > 0) {
    std::cerr << "proof failures: " << failures << ": " << proofs.first_error << bundles.first_error
              << nodes.first_error << verifies.first_error << "\n";
    return result;
  }
  result.ok = true;
  return result;
}

int Run(Options options) {
  if (options.quick) {
    options.threads = std::min(options.threads, 16);
    options.entries = std::min<uint64_t>(options.entries, 20000);
    options.proof_entries = std::min<uint64_t>(options.proof_entries, 100000);
    options.proof_seconds = std::min(options.proof_seconds, 1.0);
  }
  if (options.threads < 1 || options.entries < 1 || options.proof_entries < 1 ||
      options.proof_threads < 0 || options.max_batch < 1) {
    std::cerr << "--threads, --entries, --proof-entries and --max-batch must be positive\n";
    return 2;
  }
  SetLogLevel(LogLevel::kWarning);  // not the migrations of each fresh database
  if (options.phase != "all" && options.phase != "appends" && options.phase != "proofs") {
    std::cerr << "--phase must be all, appends or proofs\n";
    return 2;
  }
  testing::TempDir tmp;
  AppendResult appends;
  ProofResult proofs;
  if (options.phase != "proofs") {
    appends = RunAppends(options, tmp);
    if (!appends.ok) return 1;
  }
  if (options.phase != "appends") {
    proofs = RunProofs(options, tmp);
    if (!proofs.ok) return 1;
  }
  const Json report = {
      {"benchmark", "tlog"},
      {"quick", options.quick},
      {"cores", std::thread::hardware_concurrency()},
      {"sqlite", sqlite3_libversion()},
      {"appends", appends.json},
      {"proofs", proofs.json},
      {"ratio_definition", "log throughput / baseline throughput (= baseline cost / log cost)"},
  };
  if (!options.out.empty()) {
    if (absl::Status written = WriteFileAtomic(options.out, report.dump(2) + "\n"); !written.ok()) {
      std::cerr << written << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace twi::bench

int main(int argc, char** argv) {
  CLI::App app{"twi-bench-tlog: the transparency log role over SQLite (appends and proofs)"};
  twi::bench::Options options;
  app.add_option("--threads", options.threads, "Concurrent appending threads")
      ->capture_default_str();
  app.add_option("--entries", options.entries, "Entries appended in total")->capture_default_str();
  app.add_option("--max-batch", options.max_batch, "LogOptions::max_batch")->capture_default_str();
  app.add_option("--proof-entries", options.proof_entries, "Size of the log proofs are asked of")
      ->capture_default_str();
  app.add_option("--proof-threads", options.proof_threads,
                 "Concurrent proof readers (default: one per CPU)");
  app.add_option("--proof-seconds", options.proof_seconds,
                 "Duration of each proof measurement (baselines: half)")
      ->capture_default_str();
  app.add_option("--verify-every", options.verify_every, "Verify one proof in this many")
      ->capture_default_str();
  app.add_flag("--quick", options.quick,
               "Small CI-friendly run: at most 16 threads, 20000 appends, a 100000-entry log, 1 s "
               "per proof measurement");
  app.add_option("--phase", options.phase, "all, appends or proofs (to profile one)")
      ->capture_default_str();
  app.add_option("--out", options.out, "Write the report as JSON to this file");
  CLI11_PARSE(app, argc, argv);
  return twi::bench::Run(options);
}
