#include "libs/policy/appraisal.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"

namespace twi::policy {
namespace {

// AR4SI values used here (draft-ietf-rats-ar4si trustworthiness claims).
constexpr int kAffirming = 2;  // approved config / approved code / genuine hw / encrypted memory
constexpr int kKnownVulnerable = 32;  // configuration or hardware/firmware known to be vulnerable

constexpr std::string_view kAgentMeasurement = "agent";

struct Candidate {
  const WorkloadPolicy* workload;
  const Release* release;
};

// An evaluated candidate: either refused, or accepted with vector adjustments and warnings.
struct Evaluation {
  std::optional<absl::Status> refusal;
  TrustVector vector;
  std::vector<std::string> warnings;
};

bool Contains(const std::vector<Bytes>& allowed, const Bytes& digest) {
  return std::find(allowed.begin(), allowed.end(), digest) != allowed.end();
}

bool MeasurementsMatch(const Release& release, const evidence::Claims& claims) {
  for (const auto& [name, allowed] : release.measurements) {
    auto it = claims.measurements.find(name);
    if (it == claims.measurements.end() || !Contains(allowed, it->second)) return false;
  }
  return true;
}

// In the spelling policy files use, so an operator can grep for it.
std::string DigestText(const Bytes& digest) {
  if (digest.size() == 32) return "sha256:" + HexEncode(digest);
  if (digest.size() == 48) return "sha384:" + HexEncode(digest);
  return "hex:" + HexEncode(digest);
}

// Bounded: an IMA list gives thousands of measurements, and this goes into an error message.
std::string DescribeMeasurements(const evidence::Claims& claims) {
  constexpr size_t kMaxDescribed = 32;
  std::vector<std::string> parts;
  for (const auto& [name, digest] : claims.measurements) {
    if (parts.size() == kMaxDescribed) {
      parts.push_back(absl::StrFormat("and %d more", claims.measurements.size() - kMaxDescribed));
      break;
    }
    parts.push_back(name + "=" + DigestText(digest));
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, ", ");
}

std::string Describe(const Candidate& candidate) {
  return absl::StrFormat("workload=%s release=%s", candidate.workload->name,
                         candidate.release->name);
}

TrustVector DefaultVector() {
  TrustVector vector;
  vector.hardware = kAffirming;
  vector.executables = kAffirming;
  vector.configuration = kAffirming;
  vector.runtime_opaque = kAffirming;
  return vector;
}

// Steps 3 and 4 for one candidate.
Evaluation Evaluate(const Candidate& candidate, const evidence::Claims& claims,
                    const AppraisalPolicy& policy) {
  Evaluation evaluation{std::nullopt, DefaultVector(), {}};
  const Release& release = *candidate.release;
  if (claims.debug.value_or(false) && !release.allow_debug) {
    if (policy.debug_enabled == Action::kReject) {
      evaluation.refusal =
          Error(Reason::kDebugForbidden,
                absl::StrFormat("TEE reports debug enabled and %s does not allow debug",
                                Describe(candidate)));
      return evaluation;
    }
    evaluation.vector.configuration = kKnownVulnerable;
    evaluation.warnings.emplace_back(kWarningDebugEnabled);
  }
  const bool svn_below =
      claims.svn.has_value() ? *claims.svn < release.min_svn : release.min_svn > 0;
  if (svn_below) {
    if (policy.svn_below_minimum == Action::kReject) {
      const std::string message =
          claims.svn.has_value()
              ? absl::StrFormat("svn %d is below min_svn %d of %s", *claims.svn, release.min_svn,
                                Describe(candidate))
              : absl::StrFormat("svn not reported by the TEE, but %s requires min_svn %d",
                                Describe(candidate), release.min_svn);
      evaluation.refusal = Error(Reason::kSvnTooLow, message);
      return evaluation;
    }
    evaluation.vector.hardware = kKnownVulnerable;
    evaluation.warnings.emplace_back(kWarningSvnBelowMinimum);
  }
  return evaluation;
}

}  // namespace

Json TrustVector::ToJson() const {
  return Json{{"instance-identity", instance_identity},
              {"configuration", configuration},
              {"executables", executables},
              {"file-system", file_system},
              {"hardware", hardware},
              {"runtime-opaque", runtime_opaque},
              {"storage-opaque", storage_opaque},
              {"sourced-data", sourced_data}};
}

Tier WorstTier(const TrustVector& vector) {
  Tier worst = Tier::kNone;
  for (int value :
       {vector.instance_identity, vector.configuration, vector.executables, vector.file_system,
        vector.hardware, vector.runtime_opaque, vector.storage_opaque, vector.sourced_data}) {
    worst = WorseTier(worst, TierOfClaim(value));
  }
  return worst;
}

absl::StatusOr<AppraisalResult> Appraise(const evidence::Claims& claims,
                                         const std::vector<WorkloadPolicy>& workloads,
                                         const AppraisalPolicy& policy) {
  // Step 1: reference values.
  std::vector<Candidate> candidates;
  for (const WorkloadPolicy& workload : workloads) {
    for (const Release& release : workload.releases) {
      if (release.tee == claims.tee && MeasurementsMatch(release, claims)) {
        candidates.push_back({&workload, &release});
      }
    }
  }
  if (candidates.empty()) {
    return Error(Reason::kUnknownMeasurement,
                 absl::StrFormat("no release of any workload matches the measurements of tee "
                                 "\"%s\" (%s)",
                                 claims.tee, DescribeMeasurements(claims)));
  }

  // Step 2: the agent is part of the TCB.
  auto agent = claims.measurements.find(std::string(kAgentMeasurement));
  if (agent == claims.measurements.end()) {
    return Error(Reason::kUnknownAgent,
                 "evidence carries no agent measurement; an unmeasured agent gets no credential");
  }
  std::erase_if(candidates, [&](const Candidate& candidate) {
    return !Contains(candidate.release->agents, agent->second);
  });
  if (candidates.empty()) {
    return Error(Reason::kUnknownAgent,
                 absl::StrFormat("agent measurement %s is not allowed by any release matching "
                                 "the measurements",
                                 DigestText(agent->second)));
  }

  // Steps 3-5: deviations, then choice.
  std::optional<absl::Status> first_refusal;
  const Candidate* chosen = nullptr;
  Evaluation chosen_evaluation;
  for (const Candidate& candidate : candidates) {
    Evaluation evaluation = Evaluate(candidate, claims, policy);
    if (evaluation.refusal.has_value()) {
      if (!first_refusal.has_value()) first_refusal = std::move(evaluation.refusal);
      continue;
    }
    const bool better =
        chosen == nullptr || (!chosen_evaluation.warnings.empty() && evaluation.warnings.empty());
    if (better) {
      chosen = &candidate;
      chosen_evaluation = std::move(evaluation);
    }
  }
  if (chosen == nullptr) return *std::move(first_refusal);

  // Step 6: result.
  AppraisalResult result;
  result.workload = chosen->workload;
  result.release = chosen->release;
  result.vector = chosen_evaluation.vector;
  result.status = WorstTier(result.vector);
  result.policy_ids = {policy.id, chosen->workload->id};
  result.matched_rule = Describe(*chosen);
  result.verifier_claims = Json{{"workload", chosen->workload->name},
                                {"release", chosen->release->name},
                                {"warnings", chosen_evaluation.warnings}};
  return result;
}

}  // namespace twi::policy
