// The measured agent on a TPM (architecture §3: the agent is in the TCB). Before it attests, the
// agent extends a PCR with its binary's digest and its configuration's digest and records each
// extension in its own TCG crypto-agile log (event_log_writer.h, EV_EVENT_TAG events with
// event_claims.h's tags), which it ships with every quote so the Verifier can replay it.
//
// The log lives beside the PCR's lifetime (under /run by default: cleared at boot, like the
// PCR). Recording is idempotent within a boot and safe against a crash between the log write
// and the extend: the log must replay to the PCR, or to it with the last event still to extend.
// A log found beside a PCR at its reset value is from an earlier boot and starts afresh.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/core/bytes.h"
#include "libs/evidence/backends/tpm/tpm_device.h"

namespace twi::evidence::tpm {

struct AgentMeasurement {
  uint32_t tag = 0;                   // kTagAgentBinary or kTagAgentConfig
  std::string what;                   // the event data: the binary's path, the configuration
  std::map<uint16_t, Bytes> digests;  // by TPM_ALG_ID, one for each of the log's banks
};

// Records `measurement` in the log at `log_path` (created with `banks` if absent) and extends it
// into `pcr` in each bank, unless the log's latest event with this tag has the same digests.
// Serialized across processes by a lock on the log file. Errors: kTpmEventLogMismatch if the
// PCR holds extensions the log does not (someone else extended it, or the log was lost without
// a reboot), kInvalidArgument for digests that do not match the log's banks, kIoError, and the
// TPM's errors.
absl::Status RecordAgentMeasurement(TpmDevice& tpm, const std::string& log_path, uint32_t pcr,
                                    const std::vector<uint16_t>& banks,
                                    const AgentMeasurement& measurement);

// One digest per bank of `content`.
std::map<uint16_t, Bytes> DigestsFor(ByteView content, const std::vector<uint16_t>& banks);

}  // namespace twi::evidence::tpm
