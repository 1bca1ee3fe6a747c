// All policies of one deployment, loaded from a directory:
//
//   <dir>/appraisal.yaml      kind: appraisal  (needed by the Verifier)
//   <dir>/issuance.yaml       kind: issuance   (needed by the Credential Authority)
//   <dir>/workloads/<name>.yaml  kind: workload (needed by the Verifier)
//
// Each file is optional at load time because each role loads only what it needs; asking for a
// document that was not there is kConfigInvalid. Cross-document rules are checked at load so a
// running service never holds an inconsistent set. Not a watcher: reloading means loading a new
// PolicySet and swapping it in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/evidence/claims.h"
#include "libs/policy/appraisal.h"
#include "libs/policy/appraisal_policy.h"
#include "libs/policy/issuance_policy.h"
#include "libs/policy/workload_policy.h"

namespace twi::policy {

// Immutable after creation; safe to share between threads. Movable: pointers into workloads()
// (and AppraisalResults made from them) stay valid across moves but not past destruction.
class PolicySet {
 public:
  // Loads the layout above. Files under workloads/ must end in ".yaml" (".yml" is refused so a
  // policy is never silently skipped; other names, such as README.md, are ignored) and be named
  // after the workload they define. Returns kConfigInvalid (missing directory, invalid document,
  // cross-document conflict; messages name the file) or kIoError (unreadable file).
  static absl::StatusOr<PolicySet> LoadDirectory(const std::string& dir);

  // Builds a set from parsed documents, applying the same cross-document rules: workload names
  // unique, identifiers unique, and no two workloads able to match the same evidence (releases
  // of the same tee whose shared measurements all have a digest in common), which would make the
  // identity mapping ambiguous. Returns kConfigInvalid naming both workloads.
  static absl::StatusOr<PolicySet> Create(std::vector<WorkloadPolicy> workloads,
                                          std::optional<AppraisalPolicy> appraisal,
                                          std::optional<IssuancePolicy> issuance);

  // Sorted by name.
  const std::vector<WorkloadPolicy>& workloads() const { return workloads_; }
  // nullptr if there is no such workload.
  const WorkloadPolicy* FindWorkload(std::string_view name) const;

  // kConfigInvalid if the set was loaded without that document.
  absl::StatusOr<const AppraisalPolicy*> appraisal() const;
  absl::StatusOr<const IssuancePolicy*> issuance() const;

  // Appraise(claims, workloads(), *appraisal()). kConfigInvalid without an appraisal policy,
  // else as Appraise. Thread-safe.
  absl::StatusOr<AppraisalResult> Appraise(const evidence::Claims& claims) const;

 private:
  PolicySet() = default;

  std::vector<WorkloadPolicy> workloads_;
  std::optional<AppraisalPolicy> appraisal_;
  std::optional<IssuancePolicy> issuance_;
};

}  // namespace twi::policy
