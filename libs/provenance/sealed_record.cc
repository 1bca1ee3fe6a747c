#include "libs/provenance/sealed_record.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/jose/jwe.h"
#include "libs/jose/jwk.h"
#include "libs/provenance/dsse.h"

namespace twi::provenance {
namespace {

absl::Status Malformed(std::string_view why) {
  return Error(Reason::kProvenanceDocumentInvalid,
               absl::StrCat("sealed record: ", std::string(why)));
}

}  // namespace

bool LooksSealed(std::string_view content) {
  absl::StatusOr<Json> parsed = ParseJsonObject(content, 4);
  return parsed.ok() && parsed->contains("recipients") && !parsed->contains("payload");
}

absl::StatusOr<std::string> SealRecord(std::string_view envelope,
                                       const std::vector<crypto::PublicKey>& auditors) {
  if (auditors.empty() || auditors.size() > kMaxAuditors) {
    return Error(Reason::kInvalidArgument,
                 absl::StrCat("sealed record: 1 to ", kMaxAuditors, " auditor keys"));
  }
  std::set<std::string> kids;
  Json recipients = Json::array();
  for (const crypto::PublicKey& auditor : auditors) {
    std::string kid = jose::Jwk::FromPublicKey(auditor).Thumbprint();
    if (!kids.insert(kid).second) {
      return Error(Reason::kInvalidArgument, "sealed record: an auditor key is listed twice");
    }
    TWI_ASSIGN_OR_RETURN(std::string jwe,
                         jose::JweEncrypt(AsBytes(envelope), auditor,
                                          {.kid = kid, .cty = kDsseMediaType, .typ = {}}));
    recipients.push_back({{"kid", std::move(kid)}, {"jwe", std::move(jwe)}});
  }
  return DumpJson(Json{{"recipients", std::move(recipients)}});
}

absl::StatusOr<std::string> OpenSealedRecord(std::string_view sealed,
                                             const crypto::PrivateKey& auditor,
                                             ByteView record_digest) {
  absl::StatusOr<Json> parsed = ParseJsonObject(sealed, 4);
  if (!parsed.ok()) return Malformed("not a JSON object");
  const auto recipients = parsed->find("recipients");
  if (parsed->size() != 1 || recipients == parsed->end() || !recipients->is_array() ||
      recipients->empty() || recipients->size() > kMaxAuditors) {
    return Malformed("needs exactly a \"recipients\" array of 1 to 16 entries");
  }
  const std::string kid = jose::Jwk::FromPublicKey(auditor.public_key()).Thumbprint();
  const Json* mine = nullptr;
  for (const Json& entry : *recipients) {
    if (!entry.is_object() || entry.size() != 2 || !entry.contains("kid") ||
        !entry["kid"].is_string() || !entry.contains("jwe") || !entry["jwe"].is_string()) {
      return Malformed("a recipient is {\"kid\": text, \"jwe\": text}");
    }
    if (entry["kid"] == kid) mine = &entry;
  }
  if (mine == nullptr) {
    return Error(Reason::kProvenanceRecordSealed,
                 absl::StrCat("the record is sealed for other auditors, not for key ", kid));
  }
  TWI_ASSIGN_OR_RETURN(jose::JweDecrypted opened,
                       jose::JweDecrypt((*mine)["jwe"].get<std::string>(), auditor));
  // The header is authenticated: a JWE moved from another entry or record names another kid.
  if (opened.fields.kid != kid || opened.fields.cty != std::string(kDsseMediaType)) {
    return Error(Reason::kProvenanceRecordMismatch,
                 "sealed record: the entry's protected header names another key or content");
  }
  std::string envelope(opened.plaintext.as_string());
  if (crypto::Sha256(AsBytes(envelope)) != Bytes(record_digest.begin(), record_digest.end())) {
    return Error(Reason::kProvenanceRecordMismatch,
                 "sealed record: the opened record is not the one the log holds");
  }
  return envelope;
}

}  // namespace twi::provenance
