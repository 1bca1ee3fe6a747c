#include "libs/evidence/backends/tpm/memory_clock_store.h"

#include <tuple>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::evidence::tpm {

bool ClockIsOlder(const TpmClock& clock, const TpmClock& last) {
  return std::tie(clock.reset_count, clock.restart_count, clock.clock) <
         std::tie(last.reset_count, last.restart_count, last.clock);
}

absl::Status MemoryTpmClockStore::Advance(ByteView ak_name, const TpmClock& clock) {
  std::lock_guard<std::mutex> lock(mutex_);
  TpmClock& last = seen_[HexEncode(ak_name)];
  if (ClockIsOlder(clock, last)) {
    return Error(Reason::kTpmClockInvalid,
                 absl::StrFormat("the TPM's clock went back (reset %d restart %d clock %d, after "
                                 "reset %d restart %d clock %d): rolled-back state or an old quote",
                                 clock.reset_count, clock.restart_count, clock.clock,
                                 last.reset_count, last.restart_count, last.clock));
  }
  last = clock;
  return absl::OkStatus();
}

}  // namespace twi::evidence::tpm
