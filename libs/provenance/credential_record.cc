#include "libs/provenance/credential_record.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"

namespace twi::provenance {
namespace {

constexpr char kEarMediaType[] = "application/eat+jwt";
constexpr Reason kBad = Reason::kProvenanceDocumentInvalid;

std::string RecordTime(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseTime(const Json& object, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const std::string text, GetString(object, field));
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return Error(
        kBad, absl::StrCat("credential record: ", std::string(field), " is not an RFC 3339 time"));
  }
  return t;
}

// {"sha256": "<hex>"} from "sha256:<hex>"; anything else is kept under its own algorithm name.
Json DigestSet(std::string_view id) {
  const size_t colon = id.find(':');
  if (colon == std::string_view::npos) return Json::object();
  return Json{{std::string(id.substr(0, colon)), std::string(id.substr(colon + 1))}};
}

absl::StatusOr<std::string> DigestId(const Json& descriptor, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const Json* digest, GetObject(descriptor, "digest"));
  if (digest->size() != 1 || !digest->begin().value().is_string()) {
    return Error(kBad, absl::StrCat("credential record: ", std::string(field),
                                    ".digest must hold one algorithm"));
  }
  return absl::StrCat(digest->begin().key(), ":", digest->begin().value().get<std::string>());
}

Json DigestList(const std::vector<std::string>& ids) {
  Json list = Json::array();
  for (const std::string& id : ids) list.push_back({{"digest", DigestSet(id)}});
  return list;
}

absl::StatusOr<std::vector<std::string>> ParseDigestList(const Json& object,
                                                         std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const Json* list, GetArray(object, field));
  std::vector<std::string> ids;
  for (const Json& item : *list) {
    if (!item.is_object()) return Error(kBad, "credential record: a descriptor is not an object");
    TWI_ASSIGN_OR_RETURN(std::string id, DigestId(item, field));
    ids.push_back(std::move(id));
  }
  return ids;
}

Json AppraisalJson(const AppraisalRecord& a) {
  return Json{{"tee", a.tee},
              {"verifier", {{"id", a.verifier}, {"keyThumbprint", a.verifier_key}}},
              {"policies", DigestList(a.policy_ids)},
              {"evidence", DigestList(a.evidence_digests)},
              {"result", {{"digest", DigestSet(a.result_digest)}, {"mediaType", kEarMediaType}}},
              {"status", a.status},
              {"timeVerified", RecordTime(a.time_verified)}};
}

absl::StatusOr<AppraisalRecord> ParseAppraisal(const Json& a) {
  AppraisalRecord out;
  TWI_ASSIGN_OR_RETURN(out.tee, GetString(a, "tee"));
  TWI_ASSIGN_OR_RETURN(const Json* verifier, GetObject(a, "verifier"));
  TWI_ASSIGN_OR_RETURN(out.verifier, GetString(*verifier, "id"));
  TWI_ASSIGN_OR_RETURN(out.verifier_key, GetString(*verifier, "keyThumbprint"));
  TWI_ASSIGN_OR_RETURN(out.policy_ids, ParseDigestList(a, "policies"));
  TWI_ASSIGN_OR_RETURN(out.evidence_digests, ParseDigestList(a, "evidence"));
  TWI_ASSIGN_OR_RETURN(const Json* result, GetObject(a, "result"));
  TWI_ASSIGN_OR_RETURN(out.result_digest, DigestId(*result, "result"));
  TWI_ASSIGN_OR_RETURN(out.status, GetString(a, "status"));
  TWI_ASSIGN_OR_RETURN(out.time_verified, ParseTime(a, "timeVerified"));
  return out;
}

absl::Status Require(bool ok, std::string_view what) {
  if (ok) return absl::OkStatus();
  return Error(Reason::kInvalidArgument,
               absl::StrCat("credential record: ", std::string(what), " is required"));
}

}  // namespace

absl::StatusOr<Statement> CredentialRecordStatement(const CredentialRecord& r) {
  TWI_RETURN_IF_ERROR(Require(!r.issuer.empty(), "issuer"));
  TWI_RETURN_IF_ERROR(Require(absl::StartsWith(r.issuance_policy, "sha256:"), "issuance_policy"));
  TWI_RETURN_IF_ERROR(Require(r.format == "x509-svid" || r.format == "wit", "format"));
  TWI_RETURN_IF_ERROR(Require(!r.credential_id.empty(), "credential_id"));
  TWI_RETURN_IF_ERROR(Require(!r.subject_id.empty(), "subject_id"));
  TWI_RETURN_IF_ERROR(Require(!r.key_thumbprint.empty(), "key_thumbprint"));
  TWI_RETURN_IF_ERROR(Require(r.subject_digest.size() == 32, "a 32-byte subject_digest"));
  TWI_RETURN_IF_ERROR(Require(r.salt.size() == 32, "a 32-byte salt"));
  TWI_RETURN_IF_ERROR(Require(r.not_before < r.not_after, "not_before < not_after"));
  const bool x509 = r.format == "x509-svid";
  if (x509) {
    TWI_RETURN_IF_ERROR(Require(!r.serial.empty() && !r.x509_issuer_sha256.empty(),
                                "serial and x509_issuer_sha256"));
  } else {
    TWI_RETURN_IF_ERROR(Require(!r.jti.empty() && !r.jwt_issuer.empty(), "jti and jwt_issuer"));
  }

  Json issuer = {{"id", r.issuer},
                 {"policy", {{"digest", DigestSet(r.issuance_policy)}}},
                 {"mechanism", r.mechanism}};
  if (!r.provisioned_by.empty()) issuer["provisionedBy"] = r.provisioned_by;
  Json credential = {{"format", r.format},
                     {"id", r.credential_id},
                     {"subjectId", r.subject_id},
                     {"keyThumbprint", r.key_thumbprint},
                     {"notBefore", RecordTime(r.not_before)},
                     {"notAfter", RecordTime(r.not_after)},
                     {"digestOf", x509 ? kX509DigestOf : kWitDigestOf}};
  if (x509) {
    credential["x509"] = {{"issuerSha256", r.x509_issuer_sha256}, {"serial", r.serial}};
  } else {
    credential["jwt"] = {{"iss", r.jwt_issuer}, {"jti", r.jti}};
  }
  Json appraisals = Json::array();
  for (const AppraisalRecord& a : r.appraisals) appraisals.push_back(AppraisalJson(a));
  Json documents = Json::array();
  for (const DocumentReference& d : r.workload_documents) {
    documents.push_back({{"name", d.name},
                         {"digest", DigestSet(d.digest)},
                         {"mediaType", d.media_type},
                         {"annotations", {{"kind", d.kind}, {"specVersion", d.spec_version}}}});
  }
  Statement statement;
  ResourceDescriptor subject;
  subject.name = r.credential_id;
  subject.digest["sha256"] = HexEncode(r.subject_digest);
  statement.subject.push_back(std::move(subject));
  statement.predicate_type = kCredentialProvenancePredicate;
  statement.predicate = {
      {"issuer", std::move(issuer)},
      {"issuedAt", RecordTime(r.issued_at)},
      {"credential", std::move(credential)},
      {"appraisals", std::move(appraisals)},
      {"workload",
       {{"name", r.workload}, {"release", r.release}, {"documents", std::move(documents)}}},
      {"salt", Base64Encode(r.salt)}};
  return statement;
}

Bytes WitPreClaimsDigest(const Json& claims) {
  Json without = claims;
  if (without.is_object()) without.erase(kWitProvenanceClaim);
  return crypto::Sha256(AsBytes(DumpJson(without)));
}

absl::StatusOr<std::string> EncodeCredentialRecord(const CredentialRecord& record) {
  TWI_ASSIGN_OR_RETURN(const Statement statement, CredentialRecordStatement(record));
  return EncodeStatement(statement);
}

namespace {

absl::StatusOr<CredentialRecord> ParseRecord(const Statement& statement) {
  if (statement.predicate_type != kCredentialProvenancePredicate) {
    return Error(kBad, "credential record: not a twi credential provenance predicate");
  }
  if (statement.subject.size() != 1) {
    return Error(kBad, "credential record: exactly one subject is expected");
  }
  const ResourceDescriptor& subject = statement.subject[0];
  const auto sha256 = subject.digest.find("sha256");
  if (sha256 == subject.digest.end()) {
    return Error(kBad, "credential record: the subject has no sha256 digest");
  }
  CredentialRecord r;
  TWI_ASSIGN_OR_RETURN(r.subject_digest, HexDecode(sha256->second));
  const Json& p = statement.predicate;
  TWI_ASSIGN_OR_RETURN(const Json* issuer, GetObject(p, "issuer"));
  TWI_ASSIGN_OR_RETURN(r.issuer, GetString(*issuer, "id"));
  TWI_ASSIGN_OR_RETURN(const Json* policy, GetObject(*issuer, "policy"));
  TWI_ASSIGN_OR_RETURN(r.issuance_policy, DigestId(*policy, "issuer.policy"));
  TWI_ASSIGN_OR_RETURN(r.mechanism, GetString(*issuer, "mechanism"));
  if (issuer->contains("provisionedBy")) {
    TWI_ASSIGN_OR_RETURN(r.provisioned_by, GetString(*issuer, "provisionedBy"));
  }
  TWI_ASSIGN_OR_RETURN(r.issued_at, ParseTime(p, "issuedAt"));
  TWI_ASSIGN_OR_RETURN(const Json* credential, GetObject(p, "credential"));
  TWI_ASSIGN_OR_RETURN(r.format, GetString(*credential, "format"));
  TWI_ASSIGN_OR_RETURN(r.credential_id, GetString(*credential, "id"));
  if (r.credential_id != subject.name) {
    return Error(kBad, "credential record: the subject does not name the credential");
  }
  TWI_ASSIGN_OR_RETURN(r.subject_id, GetString(*credential, "subjectId"));
  TWI_ASSIGN_OR_RETURN(r.key_thumbprint, GetString(*credential, "keyThumbprint"));
  TWI_ASSIGN_OR_RETURN(r.not_before, ParseTime(*credential, "notBefore"));
  TWI_ASSIGN_OR_RETURN(r.not_after, ParseTime(*credential, "notAfter"));
  if (r.format == "x509-svid") {
    TWI_ASSIGN_OR_RETURN(const Json* x509, GetObject(*credential, "x509"));
    TWI_ASSIGN_OR_RETURN(r.x509_issuer_sha256, GetString(*x509, "issuerSha256"));
    TWI_ASSIGN_OR_RETURN(r.serial, GetString(*x509, "serial"));
  } else if (r.format == "wit") {
    TWI_ASSIGN_OR_RETURN(const Json* jwt, GetObject(*credential, "jwt"));
    TWI_ASSIGN_OR_RETURN(r.jwt_issuer, GetString(*jwt, "iss"));
    TWI_ASSIGN_OR_RETURN(r.jti, GetString(*jwt, "jti"));
  } else {
    return Error(kBad, "credential record: unknown credential format");
  }
  TWI_ASSIGN_OR_RETURN(const Json* appraisals, GetArray(p, "appraisals"));
  for (const Json& a : *appraisals) {
    if (!a.is_object()) return Error(kBad, "credential record: an appraisal is not an object");
    TWI_ASSIGN_OR_RETURN(AppraisalRecord appraisal, ParseAppraisal(a));
    r.appraisals.push_back(std::move(appraisal));
  }
  TWI_ASSIGN_OR_RETURN(const Json* workload, GetObject(p, "workload"));
  TWI_ASSIGN_OR_RETURN(r.workload, GetString(*workload, "name"));
  TWI_ASSIGN_OR_RETURN(r.release, GetString(*workload, "release"));
  TWI_ASSIGN_OR_RETURN(const Json* documents, GetArray(*workload, "documents"));
  for (const Json& d : *documents) {
    if (!d.is_object()) return Error(kBad, "credential record: a document is not an object");
    DocumentReference ref;
    TWI_ASSIGN_OR_RETURN(ref.name, GetString(d, "name"));
    TWI_ASSIGN_OR_RETURN(ref.digest, DigestId(d, "workload.documents"));
    TWI_ASSIGN_OR_RETURN(ref.media_type, GetString(d, "mediaType"));
    TWI_ASSIGN_OR_RETURN(const Json* annotations, GetObject(d, "annotations"));
    TWI_ASSIGN_OR_RETURN(ref.kind, GetString(*annotations, "kind"));
    TWI_ASSIGN_OR_RETURN(ref.spec_version, GetString(*annotations, "specVersion"));
    r.workload_documents.push_back(std::move(ref));
  }
  TWI_ASSIGN_OR_RETURN(const std::string salt, GetString(p, "salt"));
  TWI_ASSIGN_OR_RETURN(r.salt, Base64Decode(salt));
  if (r.salt.size() != 32 || r.subject_digest.size() != 32) {
    return Error(kBad, "credential record: salt and subject digest are 32 bytes");
  }
  return r;
}

}  // namespace

absl::StatusOr<CredentialRecord> ParseCredentialRecord(std::string_view payload) {
  TWI_ASSIGN_OR_RETURN(const Statement statement, ParseStatement(payload));
  absl::StatusOr<CredentialRecord> record = ParseRecord(statement);
  // The JSON getters speak of requests; here the document is at fault.
  if (!record.ok() && GetReason(record.status()) != kBad) {
    return Error(kBad, absl::StrCat("credential record: ", record.status().message()));
  }
  return record;
}

}  // namespace twi::provenance
