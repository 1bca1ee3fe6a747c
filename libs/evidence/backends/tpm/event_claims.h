// What the replayed event logs say was booted and run, as named measurements for policy
// (libs/policy matches them against a release's reference values) and a description for the
// EAR. Only meaningful after the logs were replayed against a quoted SHA-256 bank: every digest
// used here is the event's SHA-256 digest.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"
#include "libs/evidence/backends/tpm/event_log.h"

namespace twi::evidence::tpm {

// EV_EVENT_TAG ids of the agent's own measurements ("TWI" and a kind).
inline constexpr uint32_t kTagAgentBinary = 0x54574901;
inline constexpr uint32_t kTagAgentConfig = 0x54574902;
// The workload the agent runs (its image digest), measured by the agent before it attests.
inline constexpr uint32_t kTagWorkloadImage = 0x54574903;
// PCR 23 is the PC Client "application support" PCR, left to applications like the agent.
inline constexpr uint32_t kDefaultAgentPcr = 23;

struct EventClaims {
  std::map<std::string, Bytes> measurements;
  Json description = Json::object();
};

// From a firmware and boot-loader log:
//  - "boot.<i>": the i-th EV_EFI_BOOT_SERVICES_APPLICATION in PCR 4 (shim, boot loader, UKI);
//  - "kernel", "initrd": the first EV_IPL in PCR 9 after GRUB's "grub_cmd: linux" (linuxefi,
//    linux16) or "grub_cmd: initrd" (initrdefi, initrd16) command in PCR 8: GRUB measures the
//    file it loads into PCR 9, with its path as the event data; if two different ones were
//    loaded, neither is claimed;
//  - "cmdline": the last "kernel_cmdline: " EV_IPL in PCR 8 (GRUB's record of the command line).
EventClaims BootClaims(const EventLog& log);

// From the agent's log: only EV_EVENT_TAG events with the tags above (kEvidenceMalformed
// otherwise). The last event of each tag gives "agent" (the agent binary), "agent-config" and
// "image"; earlier ones (an agent updated, or another workload run, without a reboot) are
// listed in the description.
absl::StatusOr<EventClaims> AgentClaims(const EventLog& log);

}  // namespace twi::evidence::tpm
