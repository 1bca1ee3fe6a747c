// Appraisal and identity mapping: decides which workload release a set of verified evidence
// claims belongs to, and how trustworthy it is, as an AR4SI trustworthiness vector.
//
// Input is the output of an evidence backend *after* it verified signatures and chains
// (evidence::Claims); this component never sees raw evidence and does no cryptography. It does
// not sign anything either: libs/ear turns an AppraisalResult into an EAR.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/json.h"
#include "libs/evidence/claims.h"
#include "libs/policy/appraisal_policy.h"
#include "libs/policy/tier.h"
#include "libs/policy/workload_policy.h"

namespace twi::policy {

// AR4SI trustworthiness vector (draft-ietf-rats-ar4si; digest in rats-verifiers.md §1.3).
// 0 = no claim.
struct TrustVector {
  int instance_identity = 0;
  int configuration = 0;
  int executables = 0;
  int file_system = 0;
  int hardware = 0;
  int runtime_opaque = 0;
  int storage_opaque = 0;
  int sourced_data = 0;

  // All eight entries under their AR4SI JSON names ("instance-identity", "configuration",
  // "executables", "file-system", "hardware", "runtime-opaque", "storage-opaque",
  // "sourced-data"), zeros included, so an EAR always carries the full vector.
  Json ToJson() const;

  friend bool operator==(const TrustVector&, const TrustVector&) = default;
};

// The worst tier over all eight entries (kNone only if every entry is in the none range).
Tier WorstTier(const TrustVector& vector);

// Stable warning tokens in AppraisalResult::verifier_claims["warnings"]; they equal the
// appraisal policy's action keys.
inline constexpr std::string_view kWarningDebugEnabled = "debug_enabled";
inline constexpr std::string_view kWarningSvnBelowMinimum = "svn_below_minimum";

struct AppraisalResult {
  // The identity mapping. Both point into the `workloads` argument of Appraise, which must
  // outlive this result.
  const WorkloadPolicy* workload = nullptr;
  const Release* release = nullptr;
  TrustVector vector;
  Tier status = Tier::kNone;
  // [appraisal policy id, workload policy id], for EAR `ear.appraisal-policy-id(s)`.
  std::vector<std::string> policy_ids;
  // Audit string naming the rule that matched: "workload=payroll release=2026.11.0".
  std::string matched_rule;
  // {"workload": <name>, "release": <name>, "warnings": [<token>...]} for the EAR.
  Json verifier_claims = Json::object();
};

// Maps verified claims to exactly one workload release and appraises them. The algorithm:
//
//  1. Candidates are the releases (of any workload, in file order) whose `tee` equals
//     claims.tee and whose every listed measurement is present in claims.measurements with one
//     of the allowed digests. None -> kUnknownMeasurement.
//  2. Keep the candidates whose `agents` contain claims.measurements["agent"]. No "agent"
//     measurement, or no candidate left -> kUnknownAgent (architecture §3: an unmeasured or
//     unknown agent yields no credential).
//  3. Debug, per candidate: claims.debug == true and !allow_debug is a deviation (an absent
//     claims.debug means the TEE does not report debug, which is not a deviation). Action
//     reject -> the candidate is refused with kDebugForbidden; warn -> configuration = 32 and
//     warning "debug_enabled".
//  4. SVN, per candidate: claims.svn < min_svn is a deviation; an absent svn counts as below
//     when min_svn > 0. Reject -> refused with kSvnTooLow; warn -> hardware = 32 and warning
//     "svn_below_minimum".
//  5. If every candidate was refused, the first refusal (file order; debug before SVN) is
//     returned. Otherwise the first candidate without warnings wins, else the first candidate.
//     Candidates can only belong to one workload: PolicySet refuses ambiguous workloads.
//  6. Vector on success: hardware 2 (the backend verified the evidence to a trusted platform
//     key), executables 2, configuration 2, runtime_opaque 2 (each unless set to 32 above);
//     instance_identity, file_system, storage_opaque and sourced_data 0. status = WorstTier.
//
// Pure function; thread-safe. Error messages name the TEE, measurement names and digests
// (which are not secret), never report data.
absl::StatusOr<AppraisalResult> Appraise(const evidence::Claims& claims,
                                         const std::vector<WorkloadPolicy>& workloads,
                                         const AppraisalPolicy& policy);
// The result points into `workloads`, so a temporary list would leave it dangling.
absl::StatusOr<AppraisalResult> Appraise(const evidence::Claims& claims,
                                         std::vector<WorkloadPolicy>&& workloads,
                                         const AppraisalPolicy& policy) = delete;

}  // namespace twi::policy
