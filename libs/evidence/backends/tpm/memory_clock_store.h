// A TpmClockStore in memory: for a Verifier whose clock memory may end with the process (tests,
// single-shot checks). The server keeps its memory in the Verifier's database instead.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "libs/evidence/backends/tpm/tpm_verifier.h"

namespace twi::evidence::tpm {

class MemoryTpmClockStore final : public TpmClockStore {
 public:
  absl::Status Advance(ByteView ak_name, const TpmClock& clock) override;

 private:
  std::mutex mutex_;
  std::map<std::string, TpmClock> seen_;  // by hex AK Name; guarded by mutex_
};

// Whether `clock` is older than `last` in the order TpmClockStore documents.
bool ClockIsOlder(const TpmClock& clock, const TpmClock& last);

}  // namespace twi::evidence::tpm
