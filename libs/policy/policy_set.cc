#include "libs/policy/policy_set.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/policy/yaml_json.h"

namespace twi::policy {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAppraisalFile = "appraisal.yaml";
constexpr std::string_view kIssuanceFile = "issuance.yaml";
constexpr std::string_view kWorkloadsDir = "workloads";
constexpr std::string_view kPolicyExtension = ".yaml";

absl::Status ConfigInvalid(std::string_view message) {
  return Error(Reason::kConfigInvalid, message);
}

bool ShareDigest(const std::vector<Bytes>& a, const std::vector<Bytes>& b) {
  for (const Bytes& digest : a) {
    if (std::find(b.begin(), b.end(), digest) != b.end()) return true;
  }
  return false;
}

// True when some evidence could match both releases in Appraise step 1: same tee, and every
// measurement both releases name has a digest both allow. Agents are deliberately ignored: they
// are the acquisition tooling, not the workload, and must not be what tells identities apart.
bool CouldMatchSameEvidence(const Release& a, const Release& b) {
  if (a.tee != b.tee) return false;
  for (const auto& [name, digests] : a.measurements) {
    auto other = b.measurements.find(name);
    if (other != b.measurements.end() && !ShareDigest(digests, other->second)) return false;
  }
  return true;
}

absl::Status CheckWorkloadPair(const WorkloadPolicy& a, const WorkloadPolicy& b) {
  if (a.name == b.name) {
    return ConfigInvalid(absl::StrFormat("two workload policies are named \"%s\"", a.name));
  }
  if (a.identifier == b.identifier) {
    return ConfigInvalid(absl::StrFormat("workloads \"%s\" and \"%s\" share identifier %s", a.name,
                                         b.name, a.identifier.ToString()));
  }
  for (const Release& ra : a.releases) {
    for (const Release& rb : b.releases) {
      if (CouldMatchSameEvidence(ra, rb)) {
        return ConfigInvalid(absl::StrFormat(
            "ambiguous identity mapping: workload \"%s\" release \"%s\" and workload \"%s\" "
            "release \"%s\" can match the same %s evidence",
            a.name, ra.name, b.name, rb.name, ra.tee));
      }
    }
  }
  return absl::OkStatus();
}

// Reads a policy file. An oversized file is a bad policy (kConfigInvalid), not a bad argument.
absl::StatusOr<std::string> ReadPolicyFile(const fs::path& path) {
  absl::StatusOr<std::string> text = ReadFile(path.string(), internal::kMaxPolicyBytes);
  if (GetReason(text.status()) == Reason::kInvalidArgument) {
    return Error(Reason::kConfigInvalid, std::string(text.status().message()));
  }
  return text;
}

absl::StatusOr<std::optional<std::string>> ReadOptional(const fs::path& path) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    if (error) return Error(Reason::kIoError, absl::StrFormat("cannot stat %s", path.string()));
    return std::optional<std::string>();
  }
  TWI_ASSIGN_OR_RETURN(std::string text, ReadPolicyFile(path));
  return std::optional<std::string>(std::move(text));
}

template <typename Document>
absl::StatusOr<std::optional<Document>> LoadOptional(
    const fs::path& path, absl::StatusOr<Document> (*parse)(std::string_view)) {
  TWI_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadOptional(path));
  if (!text.has_value()) return std::optional<Document>();
  absl::StatusOr<Document> document = parse(*text);
  if (!document.ok()) return Annotate(document.status(), path.string());
  return std::optional<Document>(*std::move(document));
}

absl::StatusOr<std::vector<WorkloadPolicy>> LoadWorkloads(const fs::path& dir) {
  std::vector<WorkloadPolicy> workloads;
  std::error_code error;
  if (!fs::exists(dir, error)) return workloads;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    files.push_back(it->path());
  }
  if (error) {
    return Error(Reason::kIoError,
                 absl::StrFormat("cannot list %s: %s", dir.string(), error.message()));
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    if (file.extension() == ".yml") {
      return ConfigInvalid(absl::StrFormat("%s: policy files must end in .yaml", file.string()));
    }
    if (file.extension() != kPolicyExtension) continue;
    TWI_ASSIGN_OR_RETURN(std::string text, ReadPolicyFile(file));
    absl::StatusOr<WorkloadPolicy> workload = ParseWorkloadPolicy(text);
    if (!workload.ok()) return Annotate(workload.status(), file.string());
    // One file per workload, named after it, so the file an auditor opens is the one that
    // decided.
    if (file.stem().string() != workload->name) {
      return ConfigInvalid(absl::StrFormat("%s: defines workload \"%s\"; name the file %s.yaml",
                                           file.string(), workload->name, workload->name));
    }
    workloads.push_back(*std::move(workload));
  }
  return workloads;
}

}  // namespace

absl::StatusOr<PolicySet> PolicySet::LoadDirectory(const std::string& dir) {
  const fs::path root(dir);
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return ConfigInvalid(absl::StrFormat("policy directory %s does not exist", dir));
  }
  TWI_ASSIGN_OR_RETURN(std::optional<AppraisalPolicy> appraisal,
                       LoadOptional<AppraisalPolicy>(root / kAppraisalFile, ParseAppraisalPolicy));
  TWI_ASSIGN_OR_RETURN(std::optional<IssuancePolicy> issuance,
                       LoadOptional<IssuancePolicy>(root / kIssuanceFile, ParseIssuancePolicy));
  TWI_ASSIGN_OR_RETURN(std::vector<WorkloadPolicy> workloads, LoadWorkloads(root / kWorkloadsDir));
  absl::StatusOr<PolicySet> set =
      Create(std::move(workloads), std::move(appraisal), std::move(issuance));
  if (!set.ok()) return Annotate(set.status(), dir);
  return set;
}

absl::StatusOr<PolicySet> PolicySet::Create(std::vector<WorkloadPolicy> workloads,
                                            std::optional<AppraisalPolicy> appraisal,
                                            std::optional<IssuancePolicy> issuance) {
  std::sort(workloads.begin(), workloads.end(),
            [](const WorkloadPolicy& a, const WorkloadPolicy& b) { return a.name < b.name; });
  // Quadratic, but deployments have tens of workloads, and it runs once per load.
  for (size_t i = 0; i < workloads.size(); ++i) {
    for (size_t j = i + 1; j < workloads.size(); ++j) {
      TWI_RETURN_IF_ERROR(CheckWorkloadPair(workloads[i], workloads[j]));
    }
  }
  PolicySet set;
  set.workloads_ = std::move(workloads);
  set.appraisal_ = std::move(appraisal);
  set.issuance_ = std::move(issuance);
  return set;
}

const WorkloadPolicy* PolicySet::FindWorkload(std::string_view name) const {
  auto it = std::lower_bound(
      workloads_.begin(), workloads_.end(), name,
      [](const WorkloadPolicy& workload, std::string_view key) { return workload.name < key; });
  return it != workloads_.end() && it->name == name ? &*it : nullptr;
}

absl::StatusOr<const AppraisalPolicy*> PolicySet::appraisal() const {
  if (!appraisal_.has_value()) {
    return ConfigInvalid(absl::StrFormat("no appraisal policy (%s) was loaded", kAppraisalFile));
  }
  return &*appraisal_;
}

absl::StatusOr<const IssuancePolicy*> PolicySet::issuance() const {
  if (!issuance_.has_value()) {
    return ConfigInvalid(absl::StrFormat("no issuance policy (%s) was loaded", kIssuanceFile));
  }
  return &*issuance_;
}

absl::StatusOr<AppraisalResult> PolicySet::Appraise(const evidence::Claims& claims) const {
  TWI_ASSIGN_OR_RETURN(const AppraisalPolicy* policy, appraisal());
  return policy::Appraise(claims, workloads_, *policy);
}

}  // namespace twi::policy
