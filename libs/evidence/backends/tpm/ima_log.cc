#include "libs/evidence/backends/tpm/ima_log.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/wire_reader.h"

namespace twi::evidence::tpm {
namespace {

constexpr size_t kMaxTemplateName = 255;
constexpr size_t kMaxFields = 16;
constexpr size_t kMaxAmbiguousListed = 16;

// Templates whose first two fields are a digest and a name; the rest (signatures, buffers,
// xattrs) are hashed but not read.
constexpr std::string_view kDigestNgTemplates[] = {"ima-ng", "ima-sig", "ima-buf", "ima-modsig",
                                                   "evm-sig"};
constexpr std::string_view kDigestNgV2Templates[] = {"ima-ngv2", "ima-sigv2"};

bool In(std::string_view name, const auto& list) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

bool AllZero(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

// The kernel's digest sizes by hash name; 0 for a name it does not define.
size_t KernelDigestSize(std::string_view alg) {
  if (alg == "md5") return 16;
  if (alg == "sha1") return 20;
  if (alg == "sha224") return 28;
  if (alg == "sha256" || alg == "sm3") return 32;
  if (alg == "sha384") return 48;
  if (alg == "sha512") return 64;
  return 0;
}

// d-ng: "<alg>:\0<digest>"; d-ngv2: "<type>:<alg>:\0<digest>" with type "ima" or "verity".
absl::Status ReadDigestField(const WireReader& r, ByteView field, bool v2, ImaEntry& entry) {
  const auto nul = std::find(field.begin(), field.end(), uint8_t{0});
  if (nul == field.end()) return r.Malformed("d-ng", "has no NUL after the algorithm");
  std::string prefix(field.begin(), nul);
  if (!absl::EndsWith(prefix, ":")) return r.Malformed("d-ng", "algorithm not followed by ':'");
  prefix.pop_back();
  if (v2) {
    const size_t colon = prefix.find(':');
    if (colon == std::string::npos) return r.Malformed("d-ngv2", "has no digest type");
    entry.digest_type = prefix.substr(0, colon);
    prefix.erase(0, colon + 1);
    if (entry.digest_type != "ima" && entry.digest_type != "verity") {
      return r.Malformed("d-ngv2", "digest type is neither ima nor verity");
    }
  } else {
    entry.digest_type = "ima";
  }
  entry.digest.assign(nul + 1, field.end());
  const size_t size = KernelDigestSize(prefix);
  if (size == 0) return r.Malformed("d-ng", "names no hash algorithm the kernel defines");
  if (entry.digest.size() != size) return r.Malformed("d-ng", "digest of the wrong size");
  entry.digest_alg = std::move(prefix);
  return absl::OkStatus();
}

// n-ng: the name and its NUL.
absl::Status ReadNameField(const WireReader& r, ByteView field, ImaEntry& entry) {
  if (field.empty() || field.back() != 0) return r.Malformed("n-ng", "not NUL-terminated");
  if (std::find(field.begin(), field.end() - 1, uint8_t{0}) != field.end() - 1) {
    return r.Malformed("n-ng", "holds a NUL before its end");
  }
  entry.name.assign(field.begin(), field.end() - 1);
  return absl::OkStatus();
}

absl::Status ReadTemplateData(ImaEntry& entry) {
  WireReader r(entry.template_data, Endian::kLittle, "IMA template data");
  std::vector<ByteView> fields;
  while (r.remaining() > 0) {
    if (fields.size() == kMaxFields) return r.Malformed("fields", "more than 16");
    TWI_ASSIGN_OR_RETURN(const ByteView field, r.Sized32(kMaxImaTemplateData, "field"));
    fields.push_back(field);
  }
  const bool v1 = In(entry.template_name, kDigestNgTemplates);
  const bool v2 = In(entry.template_name, kDigestNgV2Templates);
  if (!v1 && !v2) return absl::OkStatus();  // replayed, not read
  if (fields.size() < 2) return r.Malformed("fields", "fewer than a digest and a name");
  TWI_RETURN_IF_ERROR(ReadDigestField(r, fields[0], v2, entry));
  return ReadNameField(r, fields[1], entry);
}

absl::StatusOr<ImaEntry> ReadEntry(WireReader& r, crypto::DigestAlgorithm hash) {
  ImaEntry entry;
  TWI_ASSIGN_OR_RETURN(entry.pcr, r.U32("pcr"));
  if (entry.pcr >= kMaxPcrs) return r.Malformed("pcr", "beyond PCR 31");
  TWI_ASSIGN_OR_RETURN(const ByteView hash_bytes, r.Take(crypto::DigestSize(hash), "hash"));
  entry.template_hash.assign(hash_bytes.begin(), hash_bytes.end());
  TWI_ASSIGN_OR_RETURN(const ByteView name, r.Sized32(kMaxTemplateName, "template name"));
  entry.template_name.assign(name.begin(), name.end());
  if (entry.template_name.empty()) return r.Malformed("template name", "empty");
  if (entry.template_name == "ima") {
    return r.Malformed("template name",
                       "the legacy \"ima\" template cannot be replayed; boot with "
                       "ima_template=ima-ng");
  }
  TWI_ASSIGN_OR_RETURN(entry.template_data, r.Sized32(kMaxImaTemplateData, "template data"));
  entry.violation = AllZero(entry.template_hash);
  if (!entry.violation && crypto::Digest(hash, entry.template_data) != entry.template_hash) {
    return r.Malformed("hash", "not the hash of the template data");
  }
  TWI_RETURN_IF_ERROR(ReadTemplateData(entry));
  return entry;
}

enum class ExtendMode {
  kPerBank,     // Linux >= 5.8: bank B gets B(template data)
  kPaddedSha1,  // earlier: every bank gets the SHA-1 hash, zero-padded
};

Bytes ExtendValue(const ImaLog& log, const ImaEntry& entry, uint16_t bank,
                  crypto::DigestAlgorithm digest, ExtendMode mode) {
  const size_t size = crypto::DigestSize(digest);
  if (entry.violation) return Bytes(size, 0xFF);
  if (mode == ExtendMode::kPaddedSha1) {
    Bytes padded = entry.template_hash;
    padded.resize(size, 0);
    return padded;
  }
  if (bank == log.hash_alg) return entry.template_hash;
  return crypto::Digest(digest, entry.template_data);
}

// PCR := H(PCR || the entry's extension), the TPM's extend.
Bytes Extended(const Bytes& pcr, const ImaLog& log, const ImaEntry& entry, uint16_t bank,
               crypto::DigestAlgorithm digest, ExtendMode mode) {
  crypto::Hasher hasher(digest);
  return hasher.Update(pcr).Update(ExtendValue(log, entry, bank, digest, mode)).Finish();
}

// The longest prefix after which every PCR of the log holds its quoted value in `bank`;
// nullopt if none does.
std::optional<size_t> MatchingPrefix(const ImaLog& log, const PcrBank& bank, ExtendMode mode) {
  const crypto::DigestAlgorithm digest = *DigestFor(bank.hash_alg);
  std::map<uint32_t, Bytes> running;
  size_t mismatched = 0;
  for (const uint32_t pcr : log.pcrs) {
    running[pcr] = Bytes(crypto::DigestSize(digest), 0);
    if (bank.values.at(pcr) != running[pcr]) ++mismatched;
  }
  std::optional<size_t> best;
  if (mismatched == 0) best = 0;
  for (size_t i = 0; i < log.entries.size(); ++i) {
    const ImaEntry& entry = log.entries[i];
    Bytes& value = running[entry.pcr];
    const Bytes& quoted = bank.values.at(entry.pcr);
    const bool was = value == quoted;
    value = Extended(value, log, entry, bank.hash_alg, digest, mode);
    const bool is = value == quoted;
    if (was && !is) ++mismatched;
    if (!was && is) --mismatched;
    if (mismatched == 0) best = i + 1;
  }
  return best;
}

bool PrefixReplays(const ImaLog& log, const PcrBank& bank, ExtendMode mode, size_t prefix) {
  const crypto::DigestAlgorithm digest = *DigestFor(bank.hash_alg);
  std::map<uint32_t, Bytes> running;
  for (size_t i = 0; i < prefix; ++i) {
    const ImaEntry& entry = log.entries[i];
    if (bank.values.count(entry.pcr) == 0) continue;
    auto [it, fresh] = running.try_emplace(entry.pcr, Bytes(crypto::DigestSize(digest), 0));
    it->second = Extended(it->second, log, entry, bank.hash_alg, digest, mode);
  }
  for (const uint32_t pcr : log.pcrs) {
    const auto quoted = bank.values.find(pcr);
    if (quoted == bank.values.end()) continue;
    const auto value = running.find(pcr);
    const Bytes zero(crypto::DigestSize(digest), 0);
    if (quoted->second != (value == running.end() ? zero : value->second)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<ImaLog> ParseImaLog(ByteView data, uint16_t hash_alg) {
  const std::optional<crypto::DigestAlgorithm> hash = DigestFor(hash_alg);
  if (!hash) {
    return Error(Reason::kEvidenceMalformed, "IMA measurement list: unknown hash algorithm");
  }
  if (data.size() > kMaxImaLogSize) {
    return Error(Reason::kEvidenceMalformed, "IMA measurement list: exceeds 8 MiB");
  }
  ImaLog log;
  log.hash_alg = hash_alg;
  WireReader r(data, Endian::kLittle, "IMA measurement list");
  while (r.remaining() > 0) {
    if (log.entries.size() == kMaxImaEntries) return r.Malformed("entries", "more than 200000");
    TWI_ASSIGN_OR_RETURN(ImaEntry entry, ReadEntry(r, *hash));
    log.pcrs.insert(entry.pcr);
    log.entries.push_back(std::move(entry));
  }
  return log;
}

absl::StatusOr<size_t> CheckImaLog(const ImaLog& log, const std::vector<PcrBank>& banks) {
  const auto sha256 = std::find_if(banks.begin(), banks.end(),
                                   [](const PcrBank& b) { return b.hash_alg == kAlgSha256; });
  for (const uint32_t pcr : log.pcrs) {
    if (sha256 == banks.end() || sha256->values.count(pcr) == 0) {
      return Error(
          Reason::kTpmEventLogMismatch,
          absl::StrFormat("the IMA log extends PCR %d, which no SHA-256 quote covers", pcr));
    }
  }
  std::vector<ExtendMode> modes = {ExtendMode::kPerBank};
  if (log.hash_alg == kAlgSha1) modes.push_back(ExtendMode::kPaddedSha1);
  for (const ExtendMode mode : modes) {
    const std::optional<size_t> prefix = MatchingPrefix(log, *sha256, mode);
    if (!prefix) continue;
    for (const PcrBank& bank : banks) {
      if (bank.hash_alg == kAlgSha256 || PrefixReplays(log, bank, mode, *prefix)) continue;
      return Error(Reason::kTpmEventLogMismatch,
                   absl::StrFormat("the IMA log replays in SHA-256 but not in the quoted %s bank",
                                   HashAlgName(bank.hash_alg)));
    }
    return *prefix;
  }
  return Error(Reason::kTpmEventLogMismatch,
               "no prefix of the IMA log replays to the quoted SHA-256 PCRs it extends (entries "
               "missing, reordered or altered)");
}

absl::StatusOr<bool> CheckBootAggregate(const ImaEntry& entry, const std::vector<PcrBank>& banks) {
  const std::optional<uint16_t> alg = HashAlgFromName(entry.digest_alg);
  if (!alg) return false;
  const auto bank = std::find_if(banks.begin(), banks.end(),
                                 [&](const PcrBank& b) { return b.hash_alg == *alg; });
  if (bank == banks.end()) return false;
  const uint32_t last = *alg == kAlgSha1 ? 7 : 9;
  crypto::Hasher hasher(*DigestFor(*alg));
  for (uint32_t pcr = 0; pcr <= last; ++pcr) {
    const auto value = bank->values.find(pcr);
    if (value == bank->values.end()) return false;
    hasher.Update(value->second);
  }
  if (hasher.Finish() != entry.digest) {
    return Error(Reason::kTpmEventLogMismatch,
                 absl::StrFormat("the IMA boot_aggregate is not the %s hash of the quoted PCRs "
                                 "0-%d",
                                 entry.digest_alg, last));
  }
  return true;
}

EventClaims ImaClaims(const ImaLog& log, size_t attested) {
  EventClaims claims;
  std::set<std::string> ambiguous;
  size_t violations = 0;
  for (size_t i = 0; i < attested && i < log.entries.size(); ++i) {
    const ImaEntry& entry = log.entries[i];
    if (entry.digest_alg.empty()) continue;
    const std::string name = (entry.digest_type == "verity" ? "ima-verity:" : "ima:") + entry.name;
    // A violation: the file was open for writing when measured, so no digest speaks for it.
    if (entry.violation) {
      ++violations;
      ambiguous.insert(name);
      continue;
    }
    // Policies name SHA-256 and SHA-384 digests only.
    if (entry.digest_alg != "sha256" && entry.digest_alg != "sha384") continue;
    const auto [it, fresh] = claims.measurements.try_emplace(name, entry.digest);
    if (!fresh && it->second != entry.digest) ambiguous.insert(name);
  }
  Json listed = Json::array();
  for (const std::string& name : ambiguous) {
    claims.measurements.erase(name);
    if (listed.size() < kMaxAmbiguousListed) listed.push_back(name);
  }
  claims.description["ima"] = {{"hash", HashAlgName(log.hash_alg)},
                               {"entries", log.entries.size()},
                               {"attested", attested},
                               {"violations", violations},
                               {"claimed", claims.measurements.size()},
                               {"ambiguous", ambiguous.size()},
                               {"ambiguous_names", std::move(listed)}};
  return claims;
}

uint16_t ImaLogHashFromPath(std::string_view path) {
  for (const uint16_t alg : {kAlgSha1, kAlgSha256, kAlgSha384, kAlgSha512}) {
    if (path.ends_with("_" + std::string(HashAlgName(alg)))) return alg;
  }
  return kAlgSha1;
}

}  // namespace twi::evidence::tpm
