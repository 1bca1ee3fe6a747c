// Writing a workload policy document: what `twi quickstart` (and later `twi owner`) produce for
// the Workload Owner to review and keep under version control. ParseWorkloadPolicy reads the
// output back to an equal policy (the id, a digest of the file bytes, aside).
#pragma once

#include <string>

#include "libs/policy/workload_policy.h"

namespace twi::policy {

// `header` becomes leading "# " comment lines. Strings are double-quoted; digests are written
// as sha256:/sha384: hex by their length. Thread-safe.
std::string RenderWorkloadPolicy(const WorkloadPolicy& policy, std::string_view header = "");

// The document of `policy` as JSON (what RenderWorkloadPolicy writes, read back with the
// policy readers' typing): what the owner's control plane edits and hands back to
// ParseWorkloadPolicy, which reads JSON as the YAML it is. Thread-safe.
Json WorkloadPolicyDocument(const WorkloadPolicy& policy);

// The common shape of development and test policies: one release per (name, image digest), all
// of TEE kind `tee`, each measuring "image" and allowing the one `agent` measurement; formats
// x509-svid and wit with the default TTLs, no claims. kConfigInvalid for a bad identifier.
absl::StatusOr<WorkloadPolicy> SimpleWorkload(
    std::string name, std::string_view identifier, std::string tee,
    const std::vector<std::pair<std::string, Bytes>>& releases, const Bytes& agent,
    uint32_t min_svn = 0);

}  // namespace twi::policy
