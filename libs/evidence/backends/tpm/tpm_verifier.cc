#include "libs/evidence/backends/tpm/tpm_verifier.h"

#include <algorithm>
#include <array>
#include <map>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/evidence/backends/tpm/ak_certificate.h"
#include "libs/evidence/backends/tpm/event_claims.h"
#include "libs/evidence/backends/tpm/event_log.h"
#include "libs/evidence/backends/tpm/ima_log.h"
#include "libs/evidence/backends/tpm/quote.h"
#include "libs/evidence/backends/tpm/tpm_evidence.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"
#include "libs/x509/verify.h"

namespace twi::evidence::tpm {
namespace {

// The AK certificate must chain to a configured root and certify exactly this AK.
absl::StatusOr<TrustedAk> TrustAk(const TpmPublic& ak, const std::vector<Bytes>& certificates,
                                  const std::vector<x509::Certificate>& roots, absl::Time now) {
  if (certificates.empty()) {
    return Error(Reason::kTpmAkUntrusted, "the Attestation Key comes without a certificate");
  }
  std::vector<x509::Certificate> chain;
  for (const Bytes& der : certificates) {
    absl::StatusOr<x509::Certificate> certificate = x509::Certificate::FromDer(der);
    if (!certificate.ok()) {
      return Error(Reason::kEvidenceMalformed,
                   absl::StrFormat("TPM evidence: an AK certificate does not parse: %s",
                                   certificate.status().message()));
    }
    chain.push_back(*std::move(certificate));
  }
  const std::vector<x509::Certificate> intermediates(chain.begin() + 1, chain.end());
  absl::StatusOr<std::vector<x509::Certificate>> path =
      x509::VerifyChain(chain[0], intermediates, roots, now);
  if (!path.ok()) {
    return Error(Reason::kTpmAkUntrusted,
                 absl::StrFormat("the AK certificate does not chain to a trusted AK root: %s",
                                 path.status().message()));
  }
  TWI_ASSIGN_OR_RETURN(const crypto::PublicKey key, ak.Key());
  if (chain[0].public_key().ToSpkiDer() != key.ToSpkiDer()) {
    return Error(Reason::kTpmAkUntrusted, "the AK certificate certifies another key");
  }
  // A deployment-issued certificate also names the AK's attributes, through its Name.
  TWI_ASSIGN_OR_RETURN(const Bytes name, ak.Name());
  absl::StatusOr<std::optional<Bytes>> certified = AkNameOf(certificates[0]);
  if (!certified.ok() || (certified->has_value() && **certified != name)) {
    return Error(Reason::kTpmAkUntrusted, "the AK certificate certifies another AK Name");
  }
  TrustedAk trusted{Json{{"subject", chain[0].Subject()},
                         {"issuer", chain[0].Issuer()},
                         {"serial", chain[0].SerialHex()}},
                    absl::InfinitePast(), absl::InfiniteFuture(), key, name};
  for (const x509::Certificate& c : *path) {
    trusted.not_before = std::max(trusted.not_before, c.not_before());
    trusted.not_after = std::min(trusted.not_after, c.not_after());
  }
  return trusted;
}

struct VerifiedQuotes {
  std::vector<QuoteAttest> quotes;
  std::vector<PcrBank> banks;
};

// Verifies every quote under the AK; they must share one qualifyingData and one boot, and the
// PCR values sent must be exactly those they select, each bank in one quote.
absl::StatusOr<VerifiedQuotes> VerifyQuotes(const TpmEvidence& evidence, const TpmPublic& ak,
                                            const crypto::PublicKey& key) {
  VerifiedQuotes out;
  for (const TpmQuote& q : evidence.quotes) {
    TWI_ASSIGN_OR_RETURN(QuoteAttest quote, ParseQuoteAttest(q.attest));
    out.quotes.push_back(std::move(quote));
  }
  TWI_ASSIGN_OR_RETURN(out.banks, BanksOf(evidence, out.quotes));
  if (std::none_of(out.banks.begin(), out.banks.end(),
                   [](const PcrBank& b) { return b.hash_alg == kAlgSha256; })) {
    return Error(Reason::kEvidenceMalformed, "TPM evidence: no quote covers the SHA-256 bank");
  }
  const QuoteAttest& first = out.quotes[0];
  for (size_t i = 0; i < evidence.quotes.size(); ++i) {
    const TpmQuote& q = evidence.quotes[i];
    TWI_RETURN_IF_ERROR(
        VerifyQuote(q.attest, q.signature, ak, key, first.extra_data, out.banks).status());
    const QuoteAttest& quote = out.quotes[i];
    if (quote.reset_count != first.reset_count || quote.restart_count != first.restart_count ||
        quote.firmware_version != first.firmware_version) {
      return Error(Reason::kTpmClockInvalid,
                   "the quotes come from different boots or firmware versions");
    }
  }
  return out;
}

// Json::update, without copying: `from`'s members are moved into `into`.
void MoveMembers(Json& into, Json& from) {
  for (auto& [name, value] : from.items()) into[name] = std::move(value);
}

// The firmware log and the agent's log, replayed together: they extend disjoint PCRs in
// practice, and if they do not, the agent's events came last.
absl::StatusOr<EventLog> MergedLog(const TpmEvidence& evidence, EventClaims& claims) {
  EventLog merged;
  bool first = true;
  for (const Bytes* data : {&evidence.event_log, &evidence.agent_log}) {
    if (data->empty()) continue;
    TWI_ASSIGN_OR_RETURN(EventLog log, ParseEventLog(*data));
    EventClaims part;
    if (data == &evidence.event_log) {
      part = BootClaims(log);
      merged.startup_locality = log.startup_locality;
    } else {
      TWI_ASSIGN_OR_RETURN(part, AgentClaims(log));
    }
    claims.measurements.merge(part.measurements);
    MoveMembers(claims.description, part.description);
    if (first) {
      merged.digest_sizes = log.digest_sizes;
    } else {
      std::erase_if(merged.digest_sizes,
                    [&](const auto& entry) { return log.digest_sizes.count(entry.first) == 0; });
    }
    first = false;
    std::move(log.events.begin(), log.events.end(), std::back_inserter(merged.events));
  }
  return merged;
}

absl::Status ReplayLogs(const EventLog& merged, const std::vector<PcrBank>& banks) {
  if (merged.events.empty()) return absl::OkStatus();
  if (merged.digest_sizes.count(kAlgSha256) == 0) {
    return Error(Reason::kTpmEventLogMismatch, "the event logs carry no SHA-256 digests");
  }
  for (const PcrBank& bank : banks) {
    if (merged.digest_sizes.count(bank.hash_alg) == 0) continue;
    TWI_RETURN_IF_ERROR(CheckEventLog(merged, bank));
  }
  return absl::OkStatus();
}

// The IMA list: it must not share a PCR with the boot logs (their replay starts each PCR at
// zero), and only the prefix the quote vouches for gives claims.
absl::StatusOr<EventClaims> VerifyIma(const TpmEvidence& evidence, const EventLog& boot,
                                      const std::vector<PcrBank>& banks) {
  TWI_ASSIGN_OR_RETURN(const ImaLog log, ParseImaLog(evidence.ima_log, evidence.ima_log_hash));
  for (const LogEvent& event : boot.events) {
    if (event.type != kEvNoAction && log.pcrs.count(event.pcr) != 0) {
      return Error(
          Reason::kTpmEventLogMismatch,
          absl::StrFormat("PCR %d is extended by both the IMA log and a TCG event log", event.pcr));
    }
  }
  TWI_ASSIGN_OR_RETURN(const size_t attested, CheckImaLog(log, banks));
  std::string boot_aggregate = "absent";
  if (attested > 0 && log.entries[0].name == kImaBootAggregate) {
    TWI_ASSIGN_OR_RETURN(const bool checked, CheckBootAggregate(log.entries[0], banks));
    boot_aggregate = checked ? "checked" : "PCRs 0-9 not quoted";
  }
  EventClaims claims = ImaClaims(log, attested);
  claims.description["ima"]["boot_aggregate"] = boot_aggregate;
  return claims;
}

// Claim names by PCR index, made once: formatting them costs more per attestation than the
// PCR digest does.
struct PcrNames {
  std::array<std::string, kMaxPcrs> index, claim;
  std::array<uint32_t, kMaxPcrs> by_name;  // PCR indexes in the order of their names
  PcrNames() {
    for (uint32_t i = 0; i < kMaxPcrs; ++i) {
      index[i] = std::to_string(i);
      claim[i] = "pcr" + index[i];
      by_name[i] = i;
    }
    std::sort(by_name.begin(), by_name.end(),
              [&](uint32_t a, uint32_t b) { return index[a] < index[b]; });
  }
};
const PcrNames& Names() {
  static const PcrNames names;
  return names;
}

Json PcrJson(const std::vector<PcrBank>& banks) {
  Json pcrs = Json::object();
  for (const PcrBank& bank : banks) {
    Json::object_t values;
    // The map's order is its keys' ("0", "1", "10", ...): in that order each insertion is at
    // the end, which the hint makes constant time.
    for (const uint32_t index : Names().by_name) {
      const auto value = bank.values.find(index);
      if (value != bank.values.end()) {
        values.emplace_hint(values.end(), Names().index[index], HexEncode(value->second));
      }
    }
    pcrs[std::string(HashAlgName(bank.hash_alg))] = std::move(values);
  }
  return pcrs;
}

// pcr<i> for SHA-256, pcr<i>.<bank> for SHA-384 and SHA-512; the values move into the claims.
void ClaimPcrs(std::vector<PcrBank>& banks, std::map<std::string, Bytes>& measurements) {
  for (PcrBank& bank : banks) {
    // SHA-1 values are not digests a policy can name (policies take SHA-256 and SHA-384).
    if (bank.hash_alg == kAlgSha1) continue;
    const std::string suffix =
        bank.hash_alg == kAlgSha256 ? "" : "." + std::string(HashAlgName(bank.hash_alg));
    // In name order and after every other claim ("agent", "boot.<i>", "kernel", "ima:..." all
    // sort before "pcr"), the first bank's insertions land at the end, which the hint makes
    // constant time; a later bank's interleave and cost the ordinary search.
    for (const uint32_t index : Names().by_name) {
      const auto value = bank.values.find(index);
      if (value == bank.values.end()) continue;
      measurements.emplace_hint(measurements.end(), Names().claim[index] + suffix,
                                std::move(value->second));
    }
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<TpmVerifier>> TpmVerifier::Create(TpmVerifierOptions options) {
  if (options.ak_roots.empty()) {
    return Error(Reason::kConfigInvalid, "the TPM verifier needs at least one AK root");
  }
  return std::unique_ptr<TpmVerifier>(new TpmVerifier(std::move(options)));
}

absl::StatusOr<std::shared_ptr<const TrustedAk>> TpmVerifier::Trust(const TpmEvidence& evidence,
                                                                    const TpmPublic& ak,
                                                                    absl::Time now) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Compared in place, not hashed: two kilobytes compare faster than they hash.
    const auto it = trusted_.find(ToString(evidence.ak_public));
    if (it != trusted_.end() && it->second.certificates == evidence.ak_certificates &&
        now >= it->second.ak->not_before && now < it->second.ak->not_after) {
      return it->second.ak;
    }
  }
  TWI_ASSIGN_OR_RETURN(TrustedAk trusted,
                       TrustAk(ak, evidence.ak_certificates, options_.ak_roots, now));
  auto shared = std::make_shared<const TrustedAk>(std::move(trusted));
  std::lock_guard<std::mutex> lock(mutex_);
  // Bounded: a flood of distinct chains costs chain checks, never memory.
  if (trusted_.size() >= kMaxTrustedAks) trusted_.clear();
  trusted_.insert_or_assign(ToString(evidence.ak_public),
                            TrustedChain{evidence.ak_certificates, shared});
  return shared;
}

std::string_view TpmVerifier::tee() const { return kTee; }
std::string_view TpmVerifier::media_type() const { return kMediaType; }

absl::StatusOr<Claims> TpmVerifier::Verify(ByteView data, absl::Time now) const {
  TWI_ASSIGN_OR_RETURN(const TpmEvidence evidence, ParseTpmEvidence(data));
  TWI_ASSIGN_OR_RETURN(const TpmPublic ak, ParsePublic(evidence.ak_public));
  TWI_ASSIGN_OR_RETURN(const std::shared_ptr<const TrustedAk> trusted, Trust(evidence, ak, now));
  const Bytes& ak_name = trusted->name;
  TWI_RETURN_IF_ERROR(CheckAttestationKey(ak));
  TWI_ASSIGN_OR_RETURN(VerifiedQuotes verified, VerifyQuotes(evidence, ak, trusted->key));
  const std::vector<QuoteAttest>& quotes = verified.quotes;

  const QuoteAttest& first = quotes[0];
  if (!first.safe && options_.refuse_unsafe_clock) {
    return Error(Reason::kTpmClockInvalid,
                 "the TPM reports its clock as not safe (it may repeat an earlier value)");
  }
  if (first.firmware_version < options_.min_firmware_version) {
    return Error(Reason::kTpmFirmwareRefused,
                 absl::StrFormat("TPM firmwareVersion 0x%016x is below the minimum 0x%016x",
                                 first.firmware_version, options_.min_firmware_version));
  }
  EventClaims events;
  TWI_ASSIGN_OR_RETURN(const EventLog merged, MergedLog(evidence, events));
  TWI_RETURN_IF_ERROR(ReplayLogs(merged, verified.banks));
  if (!evidence.ima_log.empty()) {
    TWI_ASSIGN_OR_RETURN(EventClaims ima, VerifyIma(evidence, merged, verified.banks));
    events.measurements.merge(ima.measurements);
    MoveMembers(events.description, ima.description);
  }

  // Last: only a quote that passed every check moves the AK's clock forward.
  TpmClock clock{first.reset_count, first.restart_count, 0};
  for (const QuoteAttest& quote : quotes) clock.clock = std::max(clock.clock, quote.clock);
  if (options_.clocks != nullptr) TWI_RETURN_IF_ERROR(options_.clocks->Advance(ak_name, clock));

  Claims claims;
  claims.tee = std::string(kTee);
  claims.report_data = first.extra_data;
  claims.measurements = std::move(events.measurements);
  // Member by member, moving: an initializer list would copy every nested value once more.
  Json& described = claims.attester_claims;
  described["tee"] = kTee;
  Json& ak_json = described["ak"];
  ak_json["name"] = HexEncode(ak_name);
  ak_json["certificate"] = trusted->certificate;
  Json& clock_json = described["clock"];
  clock_json["clock"] = clock.clock;
  clock_json["reset_count"] = clock.reset_count;
  clock_json["restart_count"] = clock.restart_count;
  clock_json["safe"] = first.safe;
  described["firmware_version"] = absl::StrFormat("0x%016x", first.firmware_version);
  described["qualifying_data"] = HexEncode(first.extra_data);
  described["pcrs"] = PcrJson(verified.banks);
  ClaimPcrs(verified.banks, claims.measurements);
  MoveMembers(described, events.description);
  return claims;
}

}  // namespace twi::evidence::tpm
