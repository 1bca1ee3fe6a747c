#include "libs/evidence/backends/tpm/agent_measurement.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/event_claims.h"
#include "libs/evidence/backends/tpm/event_log.h"
#include "libs/evidence/backends/tpm/event_log_writer.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"

namespace twi::evidence::tpm {
namespace {

absl::Status IoError(std::string_view what, const std::string& path) {
  return Error(Reason::kIoError,
               absl::StrFormat("agent log %s: %s: %s", path, what, std::strerror(errno)));
}

// An open, exclusively locked log file; closing releases the lock.
class LockedFile {
 public:
  static absl::StatusOr<LockedFile> Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return IoError("open", path);
    LockedFile file(fd, path);
    if (::flock(fd, LOCK_EX) != 0) return IoError("lock", path);
    return file;
  }
  LockedFile(LockedFile&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
    other.fd_ = -1;
  }
  ~LockedFile() {
    if (fd_ >= 0) ::close(fd_);
  }

  absl::StatusOr<Bytes> ReadAll() const {
    Bytes out;
    uint8_t buffer[8192];
    for (off_t offset = 0;;) {
      const ssize_t n = ::pread(fd_, buffer, sizeof(buffer), offset);
      if (n < 0) return IoError("read", path_);
      if (n == 0) return out;
      out.insert(out.end(), buffer, buffer + n);
      offset += n;
      if (out.size() > kMaxEventLogSize) {
        return Error(Reason::kTpmEventLogMismatch, "the agent log is implausibly large");
      }
    }
  }
  absl::Status Truncate() const {
    if (::ftruncate(fd_, 0) != 0) return IoError("truncate", path_);
    return absl::OkStatus();
  }
  absl::Status Append(ByteView data) const {
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0) return IoError("seek", path_);
    for (size_t done = 0; done < data.size();) {
      const ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, end + done);
      if (n < 0) return IoError("write", path_);
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd_) != 0) return IoError("fsync", path_);
    return absl::OkStatus();
  }

 private:
  LockedFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// `pcr` replayed from `log`'s events in `bank`, the events before `end` only.
absl::StatusOr<Bytes> ReplayPcr(EventLog log, uint16_t bank, uint32_t pcr, size_t end) {
  log.events.resize(end);
  std::erase_if(log.events, [&](const LogEvent& e) { return e.pcr != pcr; });
  TWI_ASSIGN_OR_RETURN(auto replayed, ReplayEventLog(log, bank));
  const auto it = replayed.find(pcr);
  if (it != replayed.end()) return it->second;
  return Bytes(crypto::DigestSize(*DigestFor(bank)), 0);
}

absl::Status Extend(TpmDevice& tpm, const LogEvent& event) {
  for (const auto& [bank, digest] : event.digests) {
    TWI_RETURN_IF_ERROR(tpm.Extend(event.pcr, bank, digest));
  }
  return absl::OkStatus();
}

// `pcr`'s value in each bank of the log, read once per recording.
absl::StatusOr<std::map<uint16_t, Bytes>> ReadPcr(TpmDevice& tpm, const EventLog& log,
                                                  uint32_t pcr) {
  std::map<uint16_t, Bytes> values;
  for (const auto& [bank, size] : log.digest_sizes) {
    TWI_ASSIGN_OR_RETURN(PcrBank current, tpm.ReadPcrs(bank, {pcr}));
    values[bank] = std::move(current.values.at(pcr));
  }
  return values;
}

// Whether the PCR still holds its reset value (zeros) in every bank.
bool IsReset(const std::map<uint16_t, Bytes>& values) {
  return std::all_of(values.begin(), values.end(), [](const auto& entry) {
    return std::all_of(entry.second.begin(), entry.second.end(), [](uint8_t b) { return b == 0; });
  });
}

// Brings the PCR level with the log: OK if it is; extends the last event if only that one is
// missing (the previous run stopped between writing and extending).
absl::Status Reconcile(TpmDevice& tpm, const EventLog& log, uint32_t pcr,
                       const std::map<uint16_t, Bytes>& current) {
  std::optional<size_t> last;
  for (size_t i = 0; i < log.events.size(); ++i) {
    if (log.events[i].pcr == pcr) last = i;
  }
  bool behind = false;
  for (const auto& [bank, size] : log.digest_sizes) {
    const Bytes& value = current.at(bank);
    TWI_ASSIGN_OR_RETURN(const Bytes full, ReplayPcr(log, bank, pcr, log.events.size()));
    if (value == full) continue;
    if (last) {
      TWI_ASSIGN_OR_RETURN(const Bytes before, ReplayPcr(log, bank, pcr, *last));
      if (value == before) {
        behind = true;
        continue;
      }
    }
    return Error(Reason::kTpmEventLogMismatch,
                 absl::StrFormat("PCR %d (%s) holds extensions the agent log does not record; "
                                 "the agent cannot measure itself until the next boot",
                                 pcr, HashAlgName(bank)));
  }
  if (behind) return Extend(tpm, log.events[*last]);
  return absl::OkStatus();
}

}  // namespace

std::map<uint16_t, Bytes> DigestsFor(ByteView content, const std::vector<uint16_t>& banks) {
  std::map<uint16_t, Bytes> digests;
  for (const uint16_t bank : banks) digests[bank] = crypto::Digest(*DigestFor(bank), content);
  return digests;
}

absl::Status RecordAgentMeasurement(TpmDevice& tpm, const std::string& log_path, uint32_t pcr,
                                    const std::vector<uint16_t>& banks,
                                    const AgentMeasurement& measurement) {
  for (const uint16_t bank : banks) {
    if (!DigestFor(bank)) {
      return Error(Reason::kInvalidArgument, "agent log banks must be SHA-1/256/384/512");
    }
  }
  TWI_ASSIGN_OR_RETURN(const LockedFile file, LockedFile::Open(log_path));
  TWI_ASSIGN_OR_RETURN(Bytes content, file.ReadAll());
  if (content.empty()) {
    content = EncodeLogHeader(banks);
    TWI_RETURN_IF_ERROR(file.Append(content));
  }
  TWI_ASSIGN_OR_RETURN(EventLog log, ParseEventLog(content));
  TWI_ASSIGN_OR_RETURN(const auto current, ReadPcr(tpm, log, pcr));
  if (IsReset(current) && !log.events.empty()) {
    // The TPM was reset (a reboot) since this log was written, and the log outlived it (a state
    // directory that is not cleared at boot): it describes a boot that is over.
    TWI_RETURN_IF_ERROR(file.Truncate());
    content = EncodeLogHeader(banks);
    TWI_RETURN_IF_ERROR(file.Append(content));
    TWI_ASSIGN_OR_RETURN(log, ParseEventLog(content));
  }
  if (measurement.digests.size() != log.digest_sizes.size()) {
    return Error(Reason::kInvalidArgument, "the measurement's digests are not the log's banks");
  }
  for (const auto& [bank, digest] : measurement.digests) {
    const auto size = log.digest_sizes.find(bank);
    if (size == log.digest_sizes.end() || size->second != digest.size()) {
      return Error(Reason::kInvalidArgument, "the measurement's digests are not the log's banks");
    }
  }
  TWI_RETURN_IF_ERROR(Reconcile(tpm, log, pcr, current));

  for (auto it = log.events.rbegin(); it != log.events.rend(); ++it) {
    auto tagged = ParseTaggedEvent(it->data);
    if (!tagged.ok() || tagged->tag != measurement.tag) continue;
    if (it->digests == measurement.digests && it->pcr == pcr) return absl::OkStatus();
    break;
  }
  LogEvent event;
  event.pcr = pcr;
  event.type = kEvEventTag;
  event.digests = measurement.digests;
  event.data = EncodeTaggedEvent(measurement.tag, AsBytes(measurement.what));
  // Log first, then extend: a crash in between leaves the log one event ahead, which the next
  // run's Reconcile completes.
  TWI_RETURN_IF_ERROR(file.Append(EncodeLogEvent(event)));
  return Extend(tpm, event);
}

}  // namespace twi::evidence::tpm
