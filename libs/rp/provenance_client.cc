#include "libs/rp/provenance_client.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/net/json_api.h"
#include "libs/net/problem.h"
#include "libs/provenance/sealed_record.h"
#include "libs/storage/provenance_store.h"

namespace twi::rp {
namespace {

absl::StatusOr<std::string> GetText(net::HttpsClient& client, const std::string& target) {
  TWI_ASSIGN_OR_RETURN(net::HttpResponse response, client.Request("GET", target));
  TWI_RETURN_IF_ERROR(net::StatusFromResponse(response));
  return std::move(response.body);
}

std::string Time(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<FetchedProvenance> FetchProvenance(net::HttpsClient& client,
                                                  std::string_view credential_id) {
  // Credential ids are [a-z0-9:-]; ':' is escaped for strict servers.
  std::string escaped;
  for (char c : credential_id) {
    if (c == ':') {
      escaped += "%3A";
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
      escaped.push_back(c);
    } else {
      return Error(Reason::kInvalidArgument, "a credential id is [a-z0-9:-]");
    }
  }
  TWI_ASSIGN_OR_RETURN(const Json record,
                       net::GetJson(client, "/v1/provenance/record?credential=" + escaped));
  FetchedProvenance out;
  TWI_ASSIGN_OR_RETURN(out.envelope, GetString(record, "content"));
  TWI_ASSIGN_OR_RETURN(const std::string content_type, GetString(record, "content_type"));
  if (content_type != storage::kRecordPlainType && content_type != storage::kRecordSealedType) {
    return Error(Reason::kProvenanceTypeUnsupported,
                 absl::StrCat("a provenance record of type ", content_type));
  }
  out.sealed = content_type == storage::kRecordSealedType;
  TWI_ASSIGN_OR_RETURN(const std::string digest, GetString(record, "digest"));
  if (!absl::StartsWith(digest, "sha256:")) {
    return Error(Reason::kProvenanceDigestMismatch, "a record digest is sha256:<hex>");
  }
  TWI_ASSIGN_OR_RETURN(out.digest, HexDecode(digest.substr(7)));
  TWI_ASSIGN_OR_RETURN(const int64_t index, GetInt(record, "log_index"));
  if (index < 0) return Error(Reason::kProofMalformed, "a negative log index");
  out.log_index = static_cast<uint64_t>(index);
  TWI_ASSIGN_OR_RETURN(out.proof_bundle,
                       GetText(client, absl::StrCat("/v1/log/proof/bundle?index=", index)));
  return out;
}

absl::StatusOr<std::string> PlainEnvelope(const FetchedProvenance& fetched,
                                          const crypto::PrivateKey* auditor) {
  if (!fetched.sealed) return fetched.envelope;
  if (auditor == nullptr) {
    return Error(Reason::kProvenanceRecordSealed,
                 "the record is sealed for auditors: an auditor key opens it");
  }
  return provenance::OpenSealedRecord(fetched.envelope, *auditor, fetched.digest);
}

absl::StatusOr<std::string> FetchCheckpoint(net::HttpsClient& client) {
  return GetText(client, "/log/checkpoint");
}

std::string DescribeProvenance(const VerifiedProvenance& v) {
  const provenance::CredentialRecord& r = v.record;
  std::string out = absl::StrFormat(
      "credential %s (%s) for %s\n"
      "  issued %s by %s under issuance policy %s, mechanism %s%s\n"
      "  valid %s .. %s, key %s\n",
      r.credential_id, r.format, r.subject_id, Time(r.issued_at), r.issuer, r.issuance_policy,
      r.mechanism, r.provisioned_by.empty() ? "" : ", provisioned by " + r.provisioned_by,
      Time(r.not_before), Time(r.not_after), r.key_thumbprint);
  if (r.appraisals.empty()) out += "  no appraisal: provisioned by the owner\n";
  for (const provenance::AppraisalRecord& a : r.appraisals) {
    out += absl::StrFormat("  appraisal of %s evidence by verifier %s (key %s) at %s: %s\n", a.tee,
                           a.verifier, a.verifier_key, Time(a.time_verified), a.status);
    for (const std::string& e : a.evidence_digests) out += "    evidence " + e + "\n";
    for (const std::string& p : a.policy_ids) out += "    policy   " + p + "\n";
    out += "    result   " + a.result_digest + " (EAR)\n";
  }
  out += absl::StrFormat("  workload %s, release %s\n", r.workload, r.release);
  if (r.workload_documents.empty()) out += "    no provenance documents linked to this release\n";
  for (const provenance::DocumentReference& d : r.workload_documents) {
    out += absl::StrFormat("    %s %s %s (%s)\n", d.kind, d.spec_version, d.digest,
                           d.name.empty() ? d.media_type : d.name);
  }
  out += absl::StrFormat("  record %s at index %d of log %s, in its checkpoint of size %d\n",
                         "sha256:" + HexEncode(v.record_digest), v.log_index, v.checkpoint.origin,
                         v.checkpoint.size);
  return out;
}

Json ProvenanceJson(const VerifiedProvenance& v) {
  absl::StatusOr<provenance::Statement> statement = provenance::CredentialRecordStatement(v.record);
  return {{"record_digest", "sha256:" + HexEncode(v.record_digest)},
          {"log_index", v.log_index},
          {"checkpoint",
           {{"origin", v.checkpoint.origin},
            {"size", v.checkpoint.size},
            {"root", Base64Encode(v.checkpoint.root)}}},
          {"record", statement.ok() ? provenance::StatementJson(*statement) : Json()}};
}

}  // namespace twi::rp
