// The Workload Owner's control plane (architecture §5): what `twi owner ...` calls over mTLS.
//
// Every change to a workload's reference values is written to its policy file
// (policies/workloads/<name>.yaml, reviewable and kept under version control) and put in force
// at once for the running Verifier and Key Store (policy::PolicyHolder). A change is checked as
// a whole first (schema, and the cross-workload rules of policy::PolicySet): a refused change
// leaves both file and running set as they were. The identifier and claims of a workload never
// change through a release: that is what makes the identity stable across updates.
//
// Mechanism D provisioning: the Key Store generates the credential key (sensitive, leaving
// the token only wrapped for an attested workload), the CA certifies it on the owner's
// authority, and the public credential is published (keyrelease::KeyReleaseFiles).
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/clock.h"
#include "libs/core/json.h"
#include "libs/issuer/authority.h"
#include "libs/keyrelease/release_policy.h"
#include "libs/keystore/key_store.h"
#include "libs/policy/policy_holder.h"
#include "libs/provenance/workload_document.h"
#include "libs/storage/provenance_store.h"

namespace twi::owner {

struct OwnerServiceDeps {
  std::string trust_domain;   // identifiers must be in it
  std::string workloads_dir;  // policies/workloads
  policy::PolicyHolder* policies = nullptr;
  const keyrelease::KeyReleaseFiles* key_release = nullptr;
  keystore::KeyStore* key_store = nullptr;
  issuer::CredentialAuthority* ca = nullptr;
  storage::ProvenanceStore* provenance = nullptr;  // null: provenance documents are refused
  const Clock* clock = nullptr;
};

// Each call names the owner (the caller's SPIFFE ID) for the log. Results are small JSON
// summaries of what changed. Thread-safe: changes are serialised.
class OwnerService {
 public:
  explicit OwnerService(OwnerServiceDeps deps) : deps_(std::move(deps)) {}

  // `document` is a workload policy (the schema of policies/workloads/*.yaml) as JSON; its
  // releases may be empty. kWorkloadExists if the name is taken; kRequestInvalid for a
  // document the schema or the cross-workload rules refuse.
  absl::StatusOr<Json> RegisterWorkload(const Json& document, std::string_view owner);
  // Endorses one more release (the schema of one `releases` entry). kWorkloadUnknown,
  // kWorkloadExists (release name taken), kRequestInvalid.
  absl::StatusOr<Json> AddRelease(std::string_view workload, const Json& release,
                                  std::string_view owner);
  // Withdraws a release: its evidence no longer appraises, its fresh EARs release no key.
  // kWorkloadUnknown for an unknown workload or release.
  absl::StatusOr<Json> RevokeRelease(std::string_view workload, std::string_view release,
                                     std::string_view owner);
  // kWorkloadUnknown; kRequestInvalid (keyrelease::KeyReleasePolicyFromJson).
  absl::StatusOr<Json> SetKeyReleasePolicy(std::string_view workload, const Json& policy,
                                           std::string_view owner);
  // A new credential key in the Key Store and its credentials from the CA, replacing any
  // earlier provisioning of the workload (whose key is then destroyed; on failure the new key
  // is). kWorkloadUnknown; the Key Store and CA reasons.
  absl::StatusOr<Json> ProvisionCredentials(std::string_view workload, std::string_view owner);
  // Ingests a Workload Provenance document (provenance::IngestDocument), stores it by content
  // and links it to a release of the workload, so that every credential issued on that release
  // names it in its record. The answer lists which of the release's measurements the document
  // describes (its subject digests that equal a reference value). kWorkloadUnknown (workload or
  // release); the ingestion reasons (kProvenanceDocumentInvalid, ...); kStorageError.
  absl::StatusOr<Json> AddProvenanceDocument(std::string_view workload, std::string_view release,
                                             ByteView document,
                                             const provenance::IngestOptions& options,
                                             std::string_view owner);

 private:
  // Validates `next` (replacing the workload of the same name, or added) against the others,
  // writes its file and swaps the running set. Called with mu_ held.
  absl::Status Commit(const Json& next_document, bool is_new);
  absl::StatusOr<Json> CurrentDocument(std::string_view workload) const;

  OwnerServiceDeps deps_;
  std::mutex mu_;
};

}  // namespace twi::owner
