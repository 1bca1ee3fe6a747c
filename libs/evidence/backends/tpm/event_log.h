// The TCG PC Client crypto-agile event log (TCG PC Client Platform Firmware Profile, version
// 1.05, §10): what firmware, boot loader and OS measured into which PCR. Parsing is strict and
// bounded; replay recomputes the PCR values the log claims, so that a quote over those PCRs
// vouches for every event in it.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/evidence/backends/tpm/quote.h"

namespace twi::evidence::tpm {

inline constexpr size_t kMaxEventLogSize = 8 << 20;
inline constexpr size_t kMaxEventDataSize = 1 << 20;
inline constexpr size_t kMaxEvents = 200000;

// Event types (Platform Firmware Profile §10.4.1).
inline constexpr uint32_t kEvPostCode = 0x00000001;
inline constexpr uint32_t kEvNoAction = 0x00000003;
inline constexpr uint32_t kEvSeparator = 0x00000004;
inline constexpr uint32_t kEvAction = 0x00000005;
inline constexpr uint32_t kEvEventTag = 0x00000006;
inline constexpr uint32_t kEvSCrtmContents = 0x00000007;
inline constexpr uint32_t kEvSCrtmVersion = 0x00000008;
inline constexpr uint32_t kEvIpl = 0x0000000D;
inline constexpr uint32_t kEvNonhostInfo = 0x00000011;
inline constexpr uint32_t kEvEfiVariableDriverConfig = 0x80000001;
inline constexpr uint32_t kEvEfiVariableBoot = 0x80000002;
inline constexpr uint32_t kEvEfiBootServicesApplication = 0x80000003;
inline constexpr uint32_t kEvEfiBootServicesDriver = 0x80000004;
inline constexpr uint32_t kEvEfiGptEvent = 0x80000006;
inline constexpr uint32_t kEvEfiAction = 0x80000007;
inline constexpr uint32_t kEvEfiPlatformFirmwareBlob = 0x80000008;
inline constexpr uint32_t kEvEfiHandoffTables = 0x80000009;
inline constexpr uint32_t kEvEfiVariableAuthority = 0x800000E0;

// The event type's name in the Platform Firmware Profile ("EV_IPL", ...), or "" if unknown.
std::string_view EventTypeName(uint32_t type);

struct LogEvent {
  uint32_t pcr = 0;
  uint32_t type = 0;
  std::map<uint16_t, Bytes> digests;  // by TPM_ALG_ID
  Bytes data;
};

struct EventLog {
  std::map<uint16_t, uint16_t> digest_sizes;  // the Spec ID event's algorithms
  uint8_t startup_locality = 0;               // from a StartupLocality event, if any
  std::vector<LogEvent> events;               // after the Spec ID event, in log order
};

// Parses a crypto-agile log: the SHA-1-format Spec ID event ("Spec ID Event03", spec version
// 2.0) followed by TCG_PCR_EVENT2 records, each carrying exactly one digest per algorithm the
// Spec ID event lists, of that algorithm's size. kTpmEventLogMismatch for a structure that is
// not such a log (the evidence is then not the log of the quoted boot).
absl::StatusOr<EventLog> ParseEventLog(ByteView data);

// The PCR values the log's events give in bank `hash_alg`: every PCR it extends starts at zero
// (PCR 0 at the startup locality, §3.3.4.1) and is extended with each event's digest of that
// bank in order (PCR := H(PCR || digest)); EV_NO_ACTION events are not extended (§10.4.1).
// kTpmEventLogMismatch if the log does not carry that bank.
absl::StatusOr<std::map<uint32_t, Bytes>> ReplayEventLog(const EventLog& log, uint16_t hash_alg);

// Replays the log in `bank`'s algorithm and requires every PCR the log extends to have, in
// `bank`, exactly the replayed value. kTpmEventLogMismatch naming the first PCR that differs
// or is missing.
absl::Status CheckEventLog(const EventLog& log, const PcrBank& bank);

}  // namespace twi::evidence::tpm
