#include "libs/owner/owner_service.h"

#include <optional>
#include <vector>

#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/random.h"
#include "libs/policy/workload_render.h"
#include "libs/x509/csr.h"

namespace twi::owner {
namespace {

constexpr std::string_view kComponent = "owner";

// A schema or cross-workload refusal is the caller's fault here, not the deployment's.
absl::Status AsRequestError(const absl::Status& status) {
  if (GetReason(status) != Reason::kConfigInvalid) return status;
  return Error(Reason::kRequestInvalid, status.message());
}

}  // namespace

absl::StatusOr<Json> OwnerService::CurrentDocument(std::string_view workload) const {
  const std::shared_ptr<const policy::PolicySet> current = deps_.policies->Current();
  const policy::WorkloadPolicy* found = current->FindWorkload(workload);
  if (found == nullptr) {
    return Error(Reason::kWorkloadUnknown,
                 absl::StrFormat("workload \"%s\" is not registered", workload.substr(0, 64)));
  }
  return policy::WorkloadPolicyDocument(*found);
}

absl::Status OwnerService::Commit(const Json& next_document, bool is_new) {
  // JSON is YAML: the owner's document goes through the very parser the files do.
  absl::StatusOr<policy::WorkloadPolicy> parsed =
      policy::ParseWorkloadPolicy(DumpJson(next_document));
  if (!parsed.ok()) return AsRequestError(parsed.status());
  const std::string text = policy::RenderWorkloadPolicy(
      *parsed, "Managed with `twi owner`: the reference values the Workload Owner endorses.");
  // The file bytes are the policy's id: parse what will be written.
  TWI_ASSIGN_OR_RETURN(policy::WorkloadPolicy next, policy::ParseWorkloadPolicy(text));
  // The CA would refuse to issue for another trust domain: refuse to register it at all.
  if (next.identifier.trust_domain() != deps_.trust_domain) {
    return Error(Reason::kRequestInvalid,
                 absl::StrFormat("identifier %s is outside trust domain %s",
                                 next.identifier.ToString(), deps_.trust_domain));
  }

  const std::shared_ptr<const policy::PolicySet> current = deps_.policies->Current();
  if (is_new && current->FindWorkload(next.name) != nullptr) {
    return Error(Reason::kWorkloadExists,
                 absl::StrFormat("workload \"%s\" is already registered", next.name));
  }
  std::vector<policy::WorkloadPolicy> workloads;
  for (const policy::WorkloadPolicy& w : current->workloads()) {
    if (w.name != next.name) workloads.push_back(w);
  }
  const std::string name = next.name;
  workloads.push_back(std::move(next));
  std::optional<policy::AppraisalPolicy> appraisal;
  if (auto a = current->appraisal(); a.ok()) appraisal = **a;
  std::optional<policy::IssuancePolicy> issuance;
  if (auto i = current->issuance(); i.ok()) issuance = **i;
  absl::StatusOr<policy::PolicySet> set =
      policy::PolicySet::Create(std::move(workloads), std::move(appraisal), std::move(issuance));
  if (!set.ok()) return AsRequestError(set.status());
  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(absl::StrFormat("%s/%s.yaml", deps_.workloads_dir, name), text));
  deps_.policies->Replace(*std::move(set));
  return absl::OkStatus();
}

absl::StatusOr<Json> OwnerService::RegisterWorkload(const Json& document, std::string_view owner) {
  if (!document.is_object()) return Error(Reason::kRequestInvalid, "the workload is not an object");
  Json next = document;
  if (!next.contains("releases")) next["releases"] = Json::array();
  std::lock_guard<std::mutex> lock(mu_);
  TWI_RETURN_IF_ERROR(Commit(next, /*is_new=*/true));
  TWI_ASSIGN_OR_RETURN(const std::string name, GetString(next, "name"));
  const policy::WorkloadPolicy* added = deps_.policies->Current()->FindWorkload(name);
  LogInfo(kComponent, absl::StrFormat("%s registered workload %s as %s", owner, name,
                                      added->identifier.ToString()));
  return Json{{"workload", name},
              {"identifier", added->identifier.ToString()},
              {"policy_id", added->id},
              {"releases", added->releases.size()}};
}

absl::StatusOr<Json> OwnerService::AddRelease(std::string_view workload, const Json& release,
                                              std::string_view owner) {
  if (!release.is_object()) return Error(Reason::kRequestInvalid, "the release is not an object");
  TWI_ASSIGN_OR_RETURN(const std::string release_name, GetString(release, "name"));
  std::lock_guard<std::mutex> lock(mu_);
  TWI_ASSIGN_OR_RETURN(Json document, CurrentDocument(workload));
  for (const Json& existing : document["releases"]) {
    if (existing.value("name", "") == release_name) {
      return Error(Reason::kWorkloadExists,
                   absl::StrFormat("workload %s already has a release \"%s\"", workload,
                                   release_name.substr(0, 64)));
    }
  }
  document["releases"].push_back(release);
  TWI_RETURN_IF_ERROR(Commit(document, /*is_new=*/false));
  const policy::WorkloadPolicy* updated = deps_.policies->Current()->FindWorkload(workload);
  LogInfo(kComponent, absl::StrFormat("%s endorsed release %s of %s", owner, release_name,
                                      updated->identifier.ToString()));
  return Json{{"workload", updated->name},
              {"identifier", updated->identifier.ToString()},
              {"policy_id", updated->id},
              {"added", release_name},
              {"releases", updated->releases.size()}};
}

absl::StatusOr<Json> OwnerService::RevokeRelease(std::string_view workload,
                                                 std::string_view release, std::string_view owner) {
  std::lock_guard<std::mutex> lock(mu_);
  TWI_ASSIGN_OR_RETURN(Json document, CurrentDocument(workload));
  Json kept = Json::array();
  for (const Json& existing : document["releases"]) {
    if (existing.value("name", "") != release) kept.push_back(existing);
  }
  if (kept.size() == document["releases"].size()) {
    return Error(Reason::kWorkloadUnknown, absl::StrFormat("workload %s has no release \"%s\"",
                                                           workload, release.substr(0, 64)));
  }
  document["releases"] = std::move(kept);
  TWI_RETURN_IF_ERROR(Commit(document, /*is_new=*/false));
  const policy::WorkloadPolicy* updated = deps_.policies->Current()->FindWorkload(workload);
  LogInfo(kComponent, absl::StrFormat("%s revoked release %s of %s", owner, release,
                                      updated->identifier.ToString()));
  return Json{{"workload", updated->name},
              {"identifier", updated->identifier.ToString()},
              {"policy_id", updated->id},
              {"revoked", release},
              {"releases", updated->releases.size()}};
}

absl::StatusOr<Json> OwnerService::SetKeyReleasePolicy(std::string_view workload,
                                                       const Json& policy, std::string_view owner) {
  TWI_ASSIGN_OR_RETURN(const keyrelease::KeyReleasePolicy parsed,
                       keyrelease::KeyReleasePolicyFromJson(policy));
  std::lock_guard<std::mutex> lock(mu_);
  TWI_RETURN_IF_ERROR(CurrentDocument(workload).status());
  TWI_RETURN_IF_ERROR(deps_.key_release->PutPolicy(workload, parsed));
  LogInfo(kComponent, absl::StrFormat("%s set the key-release policy of %s: %s", owner, workload,
                                      DumpJson(keyrelease::ToJson(parsed))));
  return Json{{"workload", workload}, {"policy", keyrelease::ToJson(parsed)}};
}

absl::StatusOr<Json> OwnerService::ProvisionCredentials(std::string_view workload,
                                                        std::string_view owner) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::shared_ptr<const policy::PolicySet> current = deps_.policies->Current();
  const policy::WorkloadPolicy* registered = current->FindWorkload(workload);
  if (registered == nullptr) {
    return Error(Reason::kWorkloadUnknown,
                 absl::StrFormat("workload \"%s\" is not registered", workload.substr(0, 64)));
  }
  // A new label each time: an earlier key stays in the token until the operator deletes it,
  // and a release in flight never sees a half-replaced record.
  const std::string label =
      absl::StrFormat("credential-%s-%s", registered->name, HexEncode(crypto::RandomBytes(4)));
  TWI_ASSIGN_OR_RETURN(const std::string uri,
                       deps_.key_store->GenerateCredentialKey(label, crypto::KeyType::kEcP256));
  keyrelease::ProvisionedKey provisioned;
  provisioned.workload = registered->name;
  provisioned.identifier = registered->identifier.ToString();
  provisioned.key_uri = uri;
  provisioned.provisioned_at = deps_.clock->Now();
  const absl::StatusOr<keyrelease::ProvisionedKey> previous =
      deps_.key_release->GetProvisioned(registered->name);
  absl::Status made = [&]() -> absl::Status {
    TWI_ASSIGN_OR_RETURN(const std::unique_ptr<crypto::Signer> signer,
                         deps_.key_store->OpenSigner(uri));
    TWI_ASSIGN_OR_RETURN(const x509::CertificateRequest csr, x509::CreateCsr(*signer));
    TWI_ASSIGN_OR_RETURN(provisioned.credentials,
                         deps_.ca->IssueProvisioned(csr.ToPem(), *registered, owner));
    return deps_.key_release->PutProvisioned(provisioned);
  }();
  // Nothing half-made stays behind: a failed provisioning takes its key out of the token, a
  // successful one the key it replaced.
  const std::string& unused = made.ok() && previous.ok() ? previous->key_uri : uri;
  if (!made.ok() || previous.ok()) {
    if (absl::Status s = deps_.key_store->DestroyKey(unused); !s.ok()) {
      LogWarning(kComponent, absl::StrFormat("could not destroy key %s: %s", unused, s.message()));
    }
  }
  TWI_RETURN_IF_ERROR(made);
  LogInfo(kComponent,
          absl::StrFormat("%s provisioned credentials for %s (key %s, serial %s)", owner,
                          provisioned.identifier, uri, provisioned.credentials.x509_serial));
  return Json{{"workload", provisioned.workload},
              {"identifier", provisioned.identifier},
              {"key_uri", uri},
              {"x509_serial", provisioned.credentials.x509_serial},
              {"wit_jti", provisioned.credentials.wit_jti}};
}

absl::StatusOr<Json> OwnerService::AddProvenanceDocument(std::string_view workload,
                                                         std::string_view release,
                                                         ByteView document,
                                                         const provenance::IngestOptions& options,
                                                         std::string_view owner) {
  if (deps_.provenance == nullptr) {
    return Error(Reason::kFormatNotAllowed, "this server keeps no provenance");
  }
  const std::shared_ptr<const policy::PolicySet> current = deps_.policies->Current();
  const policy::WorkloadPolicy* found = current->FindWorkload(workload);
  if (found == nullptr) {
    return Error(Reason::kWorkloadUnknown,
                 absl::StrFormat("no workload \"%s\" is registered", workload.substr(0, 64)));
  }
  const policy::Release* matched = nullptr;
  for (const policy::Release& r : found->releases) {
    if (r.name == release) matched = &r;
  }
  if (matched == nullptr) {
    return Error(Reason::kWorkloadUnknown, absl::StrFormat("workload %s has no release \"%s\"",
                                                           workload, release.substr(0, 64)));
  }
  TWI_ASSIGN_OR_RETURN(const provenance::WorkloadDocument ingested,
                       provenance::IngestDocument(document, options));
  storage::ProvenanceDocument stored;
  stored.digest = ingested.digest;
  stored.kind = std::string(provenance::DocumentKindName(ingested.kind));
  stored.media_type = ingested.media_type;
  stored.spec_version = ingested.spec_version;
  stored.name = ingested.name;
  stored.subject_digests = ingested.subject_digests;
  stored.content.assign(document.begin(), document.end());
  stored.added_at = deps_.clock->Now();
  TWI_RETURN_IF_ERROR(deps_.provenance->PutDocument(stored));
  TWI_RETURN_IF_ERROR(deps_.provenance->LinkDocument(workload, release, stored.digest));

  // Traceability: which reference values of the release this document describes.
  Json matched_measurements = Json::array();
  for (const auto& [name, values] : matched->measurements) {
    for (const Bytes& value : values) {
      const std::string hex = HexEncode(value);
      for (const std::string& subject : ingested.subject_digests) {
        if (subject == "sha256:" + hex || subject == "sha384:" + hex) {
          matched_measurements.push_back({{"measurement", name}, {"digest", subject}});
        }
      }
    }
  }
  LogInfo(kComponent, absl::StrFormat("%s linked %s %s to %s release %s", owner, stored.kind,
                                      stored.digest, workload, release));
  Json subjects = Json::array();
  for (const std::string& subject : ingested.subject_digests) subjects.push_back(subject);
  return Json{{"workload", std::string(workload)},
              {"release", std::string(release)},
              {"digest", stored.digest},
              {"kind", stored.kind},
              {"spec_version", stored.spec_version},
              {"subjects", std::move(subjects)},
              {"matched_measurements", std::move(matched_measurements)}};
}

}  // namespace twi::owner
