#include "libs/evidence/backends/tpm/tpm_evidence.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "absl/strings/str_format.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/event_log.h"
#include "libs/evidence/backends/tpm/ima_log.h"

namespace twi::evidence::tpm {
namespace {

constexpr std::string_view kMembers[] = {"version",   "ak_public", "ak_certificates",
                                         "quotes",    "pcrs",      "event_log",
                                         "agent_log", "ima_log",   "ima_log_hash"};

absl::Status Malformed(std::string_view member, std::string_view what) {
  return Error(Reason::kEvidenceMalformed, absl::StrFormat("TPM evidence: %s %s", member, what));
}

absl::StatusOr<Bytes> ReadBase64(const Json& value, std::string_view member, size_t max_size) {
  if (!value.is_string()) return Malformed(member, "is not a string");
  const std::string& text = value.get_ref<const std::string&>();
  if (text.size() > (max_size / 3 + 1) * 4) return Malformed(member, "is too large");
  absl::StatusOr<Bytes> bytes = Base64UrlDecode(text);
  if (!bytes.ok()) return Malformed(member, "is not base64url");
  if (bytes->empty()) return Malformed(member, "is empty");
  if (bytes->size() > max_size) return Malformed(member, "is too large");
  return bytes;
}

absl::StatusOr<TpmQuote> ReadQuote(const Json& value, size_t i) {
  const std::string member = absl::StrFormat("quotes[%d]", i);
  if (!value.is_object() || value.size() != 2 || !value.contains("attest") ||
      !value.contains("signature")) {
    return Malformed(member, "is not {attest, signature}");
  }
  TpmQuote quote;
  // TPMS_ATTEST of a quote over every bank is well under 1 KiB; a signature at most 4096 bits.
  TWI_ASSIGN_OR_RETURN(quote.attest, ReadBase64(value["attest"], member + ".attest", 4096));
  TWI_ASSIGN_OR_RETURN(quote.signature,
                       ReadBase64(value["signature"], member + ".signature", 1024));
  return quote;
}

}  // namespace

Bytes EncodeTpmEvidence(const TpmEvidence& evidence) {
  Json json = {{"version", kEvidenceVersion}, {"ak_public", Base64UrlEncode(evidence.ak_public)}};
  Json certificates = Json::array();
  for (const Bytes& der : evidence.ak_certificates) certificates.push_back(Base64UrlEncode(der));
  json["ak_certificates"] = std::move(certificates);
  Json quotes = Json::array();
  for (const TpmQuote& q : evidence.quotes) {
    quotes.push_back(
        {{"attest", Base64UrlEncode(q.attest)}, {"signature", Base64UrlEncode(q.signature)}});
  }
  json["quotes"] = std::move(quotes);
  Json pcrs = Json::object();
  for (const auto& [alg, values] : evidence.pcr_values) {
    pcrs[std::string(HashAlgName(alg))] = Base64UrlEncode(values);
  }
  json["pcrs"] = std::move(pcrs);
  if (!evidence.event_log.empty()) json["event_log"] = Base64UrlEncode(evidence.event_log);
  if (!evidence.agent_log.empty()) json["agent_log"] = Base64UrlEncode(evidence.agent_log);
  if (!evidence.ima_log.empty()) {
    json["ima_log"] = Base64UrlEncode(evidence.ima_log);
    json["ima_log_hash"] = HashAlgName(evidence.ima_log_hash);
  }
  return ToBytes(DumpJson(json));
}

absl::StatusOr<TpmEvidence> ParseTpmEvidence(ByteView data) {
  if (data.size() > kMaxEvidenceSize) return Malformed("document", "exceeds 12 MiB");
  absl::StatusOr<Json> parsed =
      ParseJson(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()),
                JsonParseOptions{.max_depth = 4, .reject_duplicate_members = true});
  if (!parsed.ok() || !parsed->is_object()) return Malformed("document", "is not a JSON object");
  const Json& json = *parsed;
  for (const auto& [member, value] : json.items()) {
    if (std::find(std::begin(kMembers), std::end(kMembers), member) == std::end(kMembers)) {
      return Malformed(member, "is not a member of version 1");
    }
  }
  for (const char* required : {"version", "ak_public", "ak_certificates", "quotes", "pcrs"}) {
    if (!json.contains(required)) return Malformed(required, "is missing");
  }
  if (!json["version"].is_number_integer() || json["version"].get<int64_t>() != kEvidenceVersion) {
    return Malformed("version", "is not 1");
  }
  TpmEvidence evidence;
  TWI_ASSIGN_OR_RETURN(evidence.ak_public, ReadBase64(json["ak_public"], "ak_public", 1024));

  const Json& certificates = json["ak_certificates"];
  if (!certificates.is_array() || certificates.size() > kMaxAkCertificates) {
    return Malformed("ak_certificates", "is not an array of at most 4 certificates");
  }
  for (size_t i = 0; i < certificates.size(); ++i) {
    TWI_ASSIGN_OR_RETURN(
        Bytes der,
        ReadBase64(certificates[i], absl::StrFormat("ak_certificates[%d]", i), 16 << 10));
    evidence.ak_certificates.push_back(std::move(der));
  }

  const Json& quotes = json["quotes"];
  if (!quotes.is_array() || quotes.empty() || quotes.size() > kMaxQuotes) {
    return Malformed("quotes", "is not an array of 1 to 4 quotes");
  }
  for (size_t i = 0; i < quotes.size(); ++i) {
    TWI_ASSIGN_OR_RETURN(TpmQuote quote, ReadQuote(quotes[i], i));
    evidence.quotes.push_back(std::move(quote));
  }

  const Json& pcrs = json["pcrs"];
  if (!pcrs.is_object() || pcrs.empty()) return Malformed("pcrs", "is not a map of banks");
  for (const auto& [name, values] : pcrs.items()) {
    const std::optional<uint16_t> alg = HashAlgFromName(name);
    if (!alg) return Malformed("pcrs." + name, "is not a bank (sha1, sha256, sha384, sha512)");
    TWI_ASSIGN_OR_RETURN(evidence.pcr_values[*alg],
                         ReadBase64(values, "pcrs." + name, kMaxPcrs * kMaxDigestSize));
  }

  if (json.contains("event_log")) {
    TWI_ASSIGN_OR_RETURN(evidence.event_log,
                         ReadBase64(json["event_log"], "event_log", kMaxEventLogSize));
  }
  if (json.contains("agent_log")) {
    TWI_ASSIGN_OR_RETURN(evidence.agent_log,
                         ReadBase64(json["agent_log"], "agent_log", kMaxAgentLogSize));
  }
  if (json.contains("ima_log") != json.contains("ima_log_hash")) {
    return Malformed("ima_log", "and ima_log_hash come together");
  }
  if (json.contains("ima_log")) {
    TWI_ASSIGN_OR_RETURN(evidence.ima_log, ReadBase64(json["ima_log"], "ima_log", kMaxImaLogSize));
    const Json& hash = json["ima_log_hash"];
    const std::optional<uint16_t> alg =
        hash.is_string() ? HashAlgFromName(hash.get_ref<const std::string&>()) : std::nullopt;
    if (!alg) return Malformed("ima_log_hash", "is not sha1, sha256, sha384 or sha512");
    evidence.ima_log_hash = *alg;
  }
  return evidence;
}

Bytes ConcatPcrValues(const PcrBank& bank) {
  Bytes out;
  for (const auto& [index, value] : bank.values) out.insert(out.end(), value.begin(), value.end());
  return out;
}

absl::StatusOr<std::vector<PcrBank>> BanksOf(const TpmEvidence& evidence,
                                             const std::vector<QuoteAttest>& quotes) {
  std::vector<PcrBank> banks;
  for (const QuoteAttest& quote : quotes) {
    for (const PcrSelection& selection : quote.selections) {
      if (selection.pcrs.empty()) continue;
      const std::string name(HashAlgName(selection.hash_alg));
      for (const PcrBank& b : banks) {
        if (b.hash_alg == selection.hash_alg) return Malformed("quotes", name + " is quoted twice");
      }
      const auto values = evidence.pcr_values.find(selection.hash_alg);
      const std::optional<crypto::DigestAlgorithm> digest = DigestFor(selection.hash_alg);
      if (values == evidence.pcr_values.end() || !digest) {
        return Malformed("pcrs", "lacks the values of a quoted bank");
      }
      const size_t size = crypto::DigestSize(*digest);
      if (values->second.size() != selection.pcrs.size() * size) {
        return Malformed("pcrs." + name, "does not hold exactly the quoted PCRs' values");
      }
      PcrBank bank{.hash_alg = selection.hash_alg, .values = {}};
      for (size_t i = 0; i < selection.pcrs.size(); ++i) {
        const auto at = values->second.begin() + static_cast<std::ptrdiff_t>(i * size);
        bank.values[selection.pcrs[i]] = Bytes(at, at + static_cast<std::ptrdiff_t>(size));
      }
      banks.push_back(std::move(bank));
    }
  }
  if (banks.size() != evidence.pcr_values.size()) {
    return Malformed("pcrs", "holds a bank no quote selects");
  }
  std::sort(banks.begin(), banks.end(),
            [](const PcrBank& a, const PcrBank& b) { return a.hash_alg < b.hash_alg; });
  return banks;
}

}  // namespace twi::evidence::tpm
