// Writing a TCG crypto-agile event log (the format event_log.h parses): the agent keeps the log
// of its own measurements this way, so the Verifier replays firmware's log and the agent's with
// one parser.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "libs/core/bytes.h"
#include "libs/evidence/backends/tpm/event_log.h"

namespace twi::evidence::tpm {

// The log's first event: the SHA-1-format Spec ID event (Platform Firmware Profile §10.4.5.1)
// listing `hash_algs` (TPM_ALG_IDs twi can hash), in that order.
Bytes EncodeLogHeader(const std::vector<uint16_t>& hash_algs);

// One TCG_PCR_EVENT2 with the event's digests in ascending algorithm order; they must be the
// header's algorithms.
Bytes EncodeLogEvent(const LogEvent& event);

// TCG_PCClientTaggedEvent (§10.4.2.1, the data of an EV_EVENT_TAG event).
Bytes EncodeTaggedEvent(uint32_t tag, ByteView data);

struct TaggedEvent {
  uint32_t tag = 0;
  Bytes data;
};
// The inverse of EncodeTaggedEvent; kEvidenceMalformed unless `data` is exactly one.
absl::StatusOr<TaggedEvent> ParseTaggedEvent(ByteView data);

}  // namespace twi::evidence::tpm
