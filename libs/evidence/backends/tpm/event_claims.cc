#include "libs/evidence/backends/tpm/event_claims.h"

#include <set>
#include <string_view>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/evidence/backends/tpm/event_log_writer.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"

namespace twi::evidence::tpm {
namespace {

constexpr uint32_t kPcrBootApplications = 4;
constexpr uint32_t kPcrGrubCommands = 8;
constexpr uint32_t kPcrGrubFiles = 9;

// Event data as text: GRUB's strings end in NUL.
std::string Text(const Bytes& data) {
  std::string text(data.begin(), data.end());
  while (!text.empty() && text.back() == '\0') text.pop_back();
  return text;
}

std::string DigestText(const Bytes& digest) { return "sha256:" + HexEncode(digest); }

bool StartsWithCommand(std::string_view command, std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names) {
    if (command.starts_with("grub_cmd: " + std::string(name) + " ")) return true;
  }
  return false;
}

}  // namespace

EventClaims BootClaims(const EventLog& log) {
  EventClaims claims;
  Json applications = Json::array();
  // The name the next PCR 9 file measurement gets, set by the GRUB command before it.
  std::string pending;
  std::set<std::string> ambiguous;
  for (const LogEvent& event : log.events) {
    const auto digest = event.digests.find(kAlgSha256);
    if (digest == event.digests.end()) continue;
    if (event.pcr == kPcrBootApplications && event.type == kEvEfiBootServicesApplication) {
      claims.measurements[absl::StrFormat("boot.%d", applications.size())] = digest->second;
      applications.push_back(DigestText(digest->second));
    } else if (event.pcr == kPcrGrubCommands && event.type == kEvIpl) {
      const std::string text = Text(event.data);
      if (StartsWithCommand(text, {"linux", "linuxefi", "linux16"})) pending = "kernel";
      if (StartsWithCommand(text, {"initrd", "initrdefi", "initrd16"})) pending = "initrd";
      if (text.starts_with("kernel_cmdline: ")) {
        claims.measurements["cmdline"] = digest->second;
        claims.description["cmdline"] = text.substr(16);
      }
    } else if (event.pcr == kPcrGrubFiles && event.type == kEvIpl && !pending.empty()) {
      const auto [it, fresh] = claims.measurements.try_emplace(pending, digest->second);
      if (fresh) {
        claims.description[pending] = {{"path", Text(event.data)},
                                       {"digest", DigestText(digest->second)}};
      } else if (it->second != digest->second) {
        ambiguous.insert(pending);
      }
      pending.clear();
    }
  }
  // Two different kernels (or initrds) in one boot: which one runs is not known, so neither is
  // claimed and no release that names one can match.
  for (const std::string& name : ambiguous) {
    claims.measurements.erase(name);
    claims.description[name] = "ambiguous: more than one was loaded";
  }
  if (!applications.empty()) claims.description["boot_applications"] = std::move(applications);
  return claims;
}

absl::StatusOr<EventClaims> AgentClaims(const EventLog& log) {
  EventClaims claims;
  Json events = Json::array();
  for (const LogEvent& event : log.events) {
    const auto digest = event.digests.find(kAlgSha256);
    if (event.type != kEvEventTag || digest == event.digests.end()) {
      return Error(Reason::kEvidenceMalformed,
                   "the agent log holds an event that is not an agent measurement");
    }
    TWI_ASSIGN_OR_RETURN(const TaggedEvent tagged, ParseTaggedEvent(event.data));
    std::string name;
    if (tagged.tag == kTagAgentBinary) name = "agent";
    if (tagged.tag == kTagAgentConfig) name = "agent-config";
    if (tagged.tag == kTagWorkloadImage) name = "image";
    if (name.empty()) {
      return Error(Reason::kEvidenceMalformed,
                   absl::StrFormat("the agent log holds an unknown tag 0x%08x", tagged.tag));
    }
    // Member by member: an initializer list would copy each value once more.
    Json& described = events.emplace_back(Json::object());
    described["digest"] = DigestText(digest->second);
    described["pcr"] = event.pcr;
    described["what"] = Text(tagged.data);
    claims.measurements[name] = digest->second;
    described["kind"] = std::move(name);
  }
  claims.description["agent_events"] = std::move(events);
  return claims;
}

}  // namespace twi::evidence::tpm
