#include "libs/evidence/backends/tpm/event_log.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/wire_reader.h"

namespace twi::evidence::tpm {
namespace {

constexpr char kSpecIdSignature[16] = "Spec ID Event03";  // NUL included
constexpr char kStartupLocality[16] = "StartupLocality";
constexpr size_t kSha1Size = 20;
constexpr size_t kMaxAlgorithms = 16;

// Any structural failure means this is not the log of a crypto-agile boot.
absl::Status NotALog(const absl::Status& cause) {
  return Error(Reason::kTpmEventLogMismatch, absl::StrFormat("TCG event log: %s", cause.message()));
}

// TCG_EfiSpecIdEvent (§10.4.5.1).
absl::Status ReadSpecId(ByteView data, EventLog& log) {
  WireReader r(data, Endian::kLittle, "TCG_EfiSpecIdEvent");
  TWI_ASSIGN_OR_RETURN(const ByteView signature, r.Take(16, "signature"));
  if (std::memcmp(signature.data(), kSpecIdSignature, 16) != 0) {
    return r.Malformed("signature", "not \"Spec ID Event03\": not a crypto-agile log");
  }
  TWI_RETURN_IF_ERROR(r.U32("platformClass").status());
  TWI_ASSIGN_OR_RETURN(const uint8_t minor, r.U8("specVersionMinor"));
  TWI_ASSIGN_OR_RETURN(const uint8_t major, r.U8("specVersionMajor"));
  if (major != 2 || minor != 0) return r.Malformed("specVersion", "not 2.0");
  TWI_RETURN_IF_ERROR(r.U8("specErrata").status());
  TWI_ASSIGN_OR_RETURN(const uint8_t uintn, r.U8("uintnSize"));
  if (uintn != 1 && uintn != 2) return r.Malformed("uintnSize", "not 1 or 2");
  TWI_ASSIGN_OR_RETURN(const uint32_t count, r.U32("numberOfAlgorithms"));
  if (count == 0 || count > kMaxAlgorithms) return r.Malformed("numberOfAlgorithms", "1 to 16");
  for (uint32_t i = 0; i < count; ++i) {
    TWI_ASSIGN_OR_RETURN(const uint16_t alg, r.U16("digestSizes.algorithmId"));
    TWI_ASSIGN_OR_RETURN(const uint16_t size, r.U16("digestSizes.digestSize"));
    if (size == 0 || size > kMaxDigestSize) return r.Malformed("digestSizes.digestSize", "1..64");
    const std::optional<crypto::DigestAlgorithm> digest = DigestFor(alg);
    if (digest && crypto::DigestSize(*digest) != size) {
      return r.Malformed("digestSizes.digestSize", "not the algorithm's digest size");
    }
    if (!log.digest_sizes.emplace(alg, size).second) {
      return r.Malformed("digestSizes.algorithmId", "listed twice");
    }
  }
  TWI_ASSIGN_OR_RETURN(const uint8_t vendor_size, r.U8("vendorInfoSize"));
  TWI_RETURN_IF_ERROR(r.Take(vendor_size, "vendorInfo").status());
  return r.ExpectEnd();
}

// TCG_PCR_EVENT2 (§10.2.2).
absl::StatusOr<LogEvent> ReadEvent2(WireReader& r, const EventLog& log) {
  LogEvent event;
  TWI_ASSIGN_OR_RETURN(event.pcr, r.U32("pcrIndex"));
  if (event.pcr >= kMaxPcrs) return r.Malformed("pcrIndex", "beyond PCR 31");
  TWI_ASSIGN_OR_RETURN(event.type, r.U32("eventType"));
  TWI_ASSIGN_OR_RETURN(const uint32_t count, r.U32("digests.count"));
  if (count != log.digest_sizes.size()) {
    return r.Malformed("digests.count", "not one digest per algorithm of the Spec ID event");
  }
  for (uint32_t i = 0; i < count; ++i) {
    TWI_ASSIGN_OR_RETURN(const uint16_t alg, r.U16("digests.hashAlg"));
    const auto size = log.digest_sizes.find(alg);
    if (size == log.digest_sizes.end()) {
      return r.Malformed("digests.hashAlg", "an algorithm the Spec ID event does not list");
    }
    TWI_ASSIGN_OR_RETURN(const ByteView digest, r.Take(size->second, "digests.digest"));
    if (!event.digests.emplace(alg, Bytes(digest.begin(), digest.end())).second) {
      return r.Malformed("digests.hashAlg", "an algorithm twice in one event");
    }
  }
  TWI_ASSIGN_OR_RETURN(const ByteView data, r.Sized32(kMaxEventDataSize, "event"));
  event.data.assign(data.begin(), data.end());
  return event;
}

absl::StatusOr<EventLog> Parse(ByteView data) {
  if (data.size() > kMaxEventLogSize) {
    return Error(Reason::kInvalidArgument, "the TCG event log exceeds 8 MiB");
  }
  WireReader r(data, Endian::kLittle, "TCG event log");
  EventLog log;
  // The first event has the SHA-1 layout of TCG_PCClientPCREvent (§10.2.1).
  TWI_ASSIGN_OR_RETURN(const uint32_t pcr, r.U32("first.pcrIndex"));
  TWI_ASSIGN_OR_RETURN(const uint32_t type, r.U32("first.eventType"));
  if (pcr != 0 || type != kEvNoAction) {
    return r.Malformed("first event", "not the EV_NO_ACTION Spec ID event in PCR 0");
  }
  TWI_RETURN_IF_ERROR(r.Take(kSha1Size, "first.digest").status());
  TWI_ASSIGN_OR_RETURN(const ByteView spec_id, r.Sized32(4096, "first.event"));
  TWI_RETURN_IF_ERROR(ReadSpecId(spec_id, log));
  while (r.remaining() > 0) {
    if (log.events.size() >= kMaxEvents) return r.Malformed("events", "more than 200000");
    TWI_ASSIGN_OR_RETURN(LogEvent event, ReadEvent2(r, log));
    // §10.4.5.3: the locality the TPM was started from sets PCR 0's initial value.
    if (event.type == kEvNoAction && event.data.size() == 17 &&
        std::memcmp(event.data.data(), kStartupLocality, 16) == 0) {
      log.startup_locality = event.data[16];
    }
    log.events.push_back(std::move(event));
  }
  return log;
}

}  // namespace

std::string_view EventTypeName(uint32_t type) {
  switch (type) {
    case kEvPostCode:
      return "EV_POST_CODE";
    case kEvNoAction:
      return "EV_NO_ACTION";
    case kEvSeparator:
      return "EV_SEPARATOR";
    case kEvAction:
      return "EV_ACTION";
    case kEvEventTag:
      return "EV_EVENT_TAG";
    case kEvSCrtmContents:
      return "EV_S_CRTM_CONTENTS";
    case kEvSCrtmVersion:
      return "EV_S_CRTM_VERSION";
    case kEvIpl:
      return "EV_IPL";
    case kEvNonhostInfo:
      return "EV_NONHOST_INFO";
    case kEvEfiVariableDriverConfig:
      return "EV_EFI_VARIABLE_DRIVER_CONFIG";
    case kEvEfiVariableBoot:
      return "EV_EFI_VARIABLE_BOOT";
    case kEvEfiBootServicesApplication:
      return "EV_EFI_BOOT_SERVICES_APPLICATION";
    case kEvEfiBootServicesDriver:
      return "EV_EFI_BOOT_SERVICES_DRIVER";
    case kEvEfiGptEvent:
      return "EV_EFI_GPT_EVENT";
    case kEvEfiAction:
      return "EV_EFI_ACTION";
    case kEvEfiPlatformFirmwareBlob:
      return "EV_EFI_PLATFORM_FIRMWARE_BLOB";
    case kEvEfiHandoffTables:
      return "EV_EFI_HANDOFF_TABLES";
    case kEvEfiVariableAuthority:
      return "EV_EFI_VARIABLE_AUTHORITY";
    default:
      return "";
  }
}

absl::StatusOr<EventLog> ParseEventLog(ByteView data) {
  absl::StatusOr<EventLog> log = Parse(data);
  if (!log.ok() && GetReason(log.status()) == Reason::kEvidenceMalformed) {
    return NotALog(log.status());
  }
  return log;
}

absl::StatusOr<std::map<uint32_t, Bytes>> ReplayEventLog(const EventLog& log, uint16_t hash_alg) {
  const std::optional<crypto::DigestAlgorithm> digest = DigestFor(hash_alg);
  if (!digest || log.digest_sizes.count(hash_alg) == 0) {
    return Error(Reason::kTpmEventLogMismatch,
                 absl::StrFormat("the TCG event log has no %s bank", HashAlgName(hash_alg)));
  }
  const size_t size = crypto::DigestSize(*digest);
  std::map<uint32_t, Bytes> pcrs;
  for (const LogEvent& event : log.events) {
    if (event.type == kEvNoAction) continue;
    auto [it, fresh] = pcrs.try_emplace(event.pcr, Bytes(size, 0));
    if (fresh && event.pcr == 0) it->second.back() = log.startup_locality;
    crypto::Hasher hasher(*digest);
    hasher.Update(it->second).Update(event.digests.at(hash_alg));
    it->second = hasher.Finish();
  }
  return pcrs;
}

absl::Status CheckEventLog(const EventLog& log, const PcrBank& bank) {
  TWI_ASSIGN_OR_RETURN(const auto replayed, ReplayEventLog(log, bank.hash_alg));
  for (const auto& [pcr, value] : replayed) {
    const auto quoted = bank.values.find(pcr);
    if (quoted == bank.values.end()) {
      return Error(Reason::kTpmEventLogMismatch,
                   absl::StrFormat("the event log extends %s PCR %d, which is not reported",
                                   HashAlgName(bank.hash_alg), pcr));
    }
    if (quoted->second != value) {
      return Error(Reason::kTpmEventLogMismatch,
                   absl::StrFormat("replaying the event log does not give %s PCR %d",
                                   HashAlgName(bank.hash_alg), pcr));
    }
  }
  return absl::OkStatus();
}

}  // namespace twi::evidence::tpm
