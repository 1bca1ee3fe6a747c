#include "libs/evidence/backends/tpm/tpm_evidence.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/json.h"
#include "libs/core/json_scanner.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/event_log.h"
#include "libs/evidence/backends/tpm/ima_log.h"

namespace twi::evidence::tpm {
namespace {

constexpr std::string_view kMembers[] = {"version",   "ak_public", "ak_certificates",
                                         "quotes",    "pcrs",      "event_log",
                                         "agent_log", "ima_log",   "ima_log_hash"};

// kMembers[i]'s bit in a set of members seen; 0 for a name not in kMembers.
uint32_t MemberBit(std::string_view name) {
  const auto* at = std::find(std::begin(kMembers), std::end(kMembers), name);
  return at == std::end(kMembers) ? 0 : 1u << (at - std::begin(kMembers));
}

absl::Status Malformed(std::string_view member, std::string_view what) {
  return Error(Reason::kEvidenceMalformed, absl::StrFormat("TPM evidence: %s %s", member, what));
}

// The scanner's syntax errors, as this format's.
absl::Status Syntax(const absl::Status& status) {
  return Malformed("document", absl::StrFormat("is not well-formed: %s", status.message()));
}
absl::Status Checked(absl::Status status) { return status.ok() ? status : Syntax(status); }
template <typename T>
absl::StatusOr<T> Checked(absl::StatusOr<T> value) {
  if (!value.ok()) return Syntax(value.status());
  return value;
}

// A member's name for an error message, spelled out only when there is an error: "quotes[1]",
// "quotes[1].attest", "pcrs.sha256".
struct Member {
  std::string_view name;
  int index = -1;
  std::string_view part = {};

  std::string Text() const {
    std::string text(name);
    if (index >= 0) text += absl::StrFormat("[%d]", index);
    if (!part.empty()) absl::StrAppend(&text, ".", std::string(part));
    return text;
  }
};
absl::Status Malformed(const Member& member, std::string_view what) {
  return Malformed(member.Text(), what);
}

absl::StatusOr<Bytes> ReadBase64(JsonScanner& s, const Member& member, size_t max_size) {
  // Decoding refuses every byte outside the base64url alphabet, escapes included.
  TWI_ASSIGN_OR_RETURN(const std::string_view text, Checked(s.UncheckedString()));
  if (text.size() > (max_size / 3 + 1) * 4) return Malformed(member, "is too large");
  absl::StatusOr<Bytes> bytes = Base64UrlDecode(text);
  if (!bytes.ok()) return Malformed(member, "is not base64url");
  if (bytes->empty()) return Malformed(member, "is empty");
  if (bytes->size() > max_size) return Malformed(member, "is too large");
  return bytes;
}

absl::StatusOr<TpmQuote> ReadQuote(JsonScanner& s, int i) {
  const Member member{.name = "quotes", .index = i};
  TWI_RETURN_IF_ERROR(Checked(s.BeginObject()));
  TpmQuote quote;
  std::string_view name;
  while (true) {
    TWI_ASSIGN_OR_RETURN(const bool more, Checked(s.NextMember(name)));
    if (!more) break;
    // TPMS_ATTEST of a quote over every bank is well under 1 KiB; a signature at most 4096 bits.
    if (name == "attest" && quote.attest.empty()) {
      TWI_ASSIGN_OR_RETURN(quote.attest,
                           ReadBase64(s, {.name = "quotes", .index = i, .part = "attest"}, 4096));
    } else if (name == "signature" && quote.signature.empty()) {
      TWI_ASSIGN_OR_RETURN(
          quote.signature,
          ReadBase64(s, {.name = "quotes", .index = i, .part = "signature"}, 1024));
    } else {
      return Malformed(member, "is not {attest, signature}");
    }
  }
  if (quote.attest.empty() || quote.signature.empty()) {
    return Malformed(member, "is not {attest, signature}");
  }
  return quote;
}

absl::Status ReadCertificates(JsonScanner& s, TpmEvidence& evidence) {
  TWI_RETURN_IF_ERROR(Checked(s.BeginArray()));
  while (true) {
    TWI_ASSIGN_OR_RETURN(const bool more, Checked(s.NextElement()));
    if (!more) return absl::OkStatus();
    if (evidence.ak_certificates.size() == kMaxAkCertificates) {
      return Malformed("ak_certificates", "is not an array of at most 4 certificates");
    }
    const Member member{.name = "ak_certificates",
                        .index = static_cast<int>(evidence.ak_certificates.size())};
    TWI_ASSIGN_OR_RETURN(Bytes der, ReadBase64(s, member, 16 << 10));
    evidence.ak_certificates.push_back(std::move(der));
  }
}

absl::Status ReadQuotes(JsonScanner& s, TpmEvidence& evidence) {
  TWI_RETURN_IF_ERROR(Checked(s.BeginArray()));
  while (true) {
    TWI_ASSIGN_OR_RETURN(const bool more, Checked(s.NextElement()));
    if (!more) break;
    if (evidence.quotes.size() == kMaxQuotes) {
      return Malformed("quotes", "is not an array of 1 to 4 quotes");
    }
    TWI_ASSIGN_OR_RETURN(TpmQuote quote, ReadQuote(s, static_cast<int>(evidence.quotes.size())));
    evidence.quotes.push_back(std::move(quote));
  }
  if (evidence.quotes.empty()) return Malformed("quotes", "is not an array of 1 to 4 quotes");
  return absl::OkStatus();
}

absl::Status ReadPcrs(JsonScanner& s, TpmEvidence& evidence) {
  TWI_RETURN_IF_ERROR(Checked(s.BeginObject()));
  std::string_view name;
  while (true) {
    TWI_ASSIGN_OR_RETURN(const bool more, Checked(s.NextMember(name)));
    if (!more) break;
    const Member member{.name = "pcrs", .part = name};
    const std::optional<uint16_t> alg = HashAlgFromName(name);
    if (!alg) return Malformed(member, "is not a bank (sha1, sha256, sha384, sha512)");
    if (evidence.pcr_values.count(*alg) != 0) return Malformed(member, "appears twice");
    TWI_ASSIGN_OR_RETURN(evidence.pcr_values[*alg],
                         ReadBase64(s, member, kMaxPcrs * kMaxDigestSize));
  }
  if (evidence.pcr_values.empty()) return Malformed("pcrs", "is not a map of banks");
  return absl::OkStatus();
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
  JsonScanner s(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  TWI_RETURN_IF_ERROR(Checked(s.BeginObject()));
  TpmEvidence evidence;
  uint32_t seen = 0;  // MemberBit of each member read
  std::string_view name;
  std::optional<uint16_t> ima_hash;
  while (true) {
    TWI_ASSIGN_OR_RETURN(const bool more, Checked(s.NextMember(name)));
    if (!more) break;
    const uint32_t bit = MemberBit(name);
    if (bit == 0) return Malformed(name, "is not a member of version 1");
    if ((seen & bit) != 0) return Malformed(name, "appears twice");
    seen |= bit;
    if (name == "version") {
      TWI_ASSIGN_OR_RETURN(const int64_t version, Checked(s.Integer()));
      if (version != kEvidenceVersion) return Malformed("version", "is not 1");
    } else if (name == "ak_public") {
      TWI_ASSIGN_OR_RETURN(evidence.ak_public, ReadBase64(s, {.name = name}, 1024));
    } else if (name == "ak_certificates") {
      TWI_RETURN_IF_ERROR(ReadCertificates(s, evidence));
    } else if (name == "quotes") {
      TWI_RETURN_IF_ERROR(ReadQuotes(s, evidence));
    } else if (name == "pcrs") {
      TWI_RETURN_IF_ERROR(ReadPcrs(s, evidence));
    } else if (name == "event_log") {
      TWI_ASSIGN_OR_RETURN(evidence.event_log, ReadBase64(s, {.name = name}, kMaxEventLogSize));
    } else if (name == "agent_log") {
      TWI_ASSIGN_OR_RETURN(evidence.agent_log, ReadBase64(s, {.name = name}, kMaxAgentLogSize));
    } else if (name == "ima_log") {
      TWI_ASSIGN_OR_RETURN(evidence.ima_log, ReadBase64(s, {.name = name}, kMaxImaLogSize));
    } else {  // ima_log_hash
      TWI_ASSIGN_OR_RETURN(const std::string_view hash, Checked(s.String()));
      ima_hash = HashAlgFromName(hash);
      if (!ima_hash) return Malformed("ima_log_hash", "is not sha1, sha256, sha384 or sha512");
    }
  }
  TWI_RETURN_IF_ERROR(Checked(s.End()));
  auto has = [&](std::string_view member) { return (seen & MemberBit(member)) != 0; };
  for (const char* required : {"version", "ak_public", "ak_certificates", "quotes", "pcrs"}) {
    if (!has(required)) return Malformed(required, "is missing");
  }
  if (has("ima_log") != has("ima_log_hash")) {
    return Malformed("ima_log", "and ima_log_hash come together");
  }
  evidence.ima_log_hash = ima_hash.value_or(0);
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
        // Selections are in ascending PCR order: each value goes at the end.
        bank.values.emplace_hint(bank.values.end(), selection.pcrs[i],
                                 Bytes(at, at + static_cast<std::ptrdiff_t>(size)));
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
