// Workload policy: the reference values a Workload Owner endorses for one workload, and the
// identity mapping from those values to a stable Workload Identifier and business claims
// (architecture §5 items 1 and 2).
//
// Parsing only. Matching evidence against releases is appraisal.h; cross-workload consistency
// (unique names, identifiers, unambiguous measurements) is PolicySet.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"
#include "libs/spiffe/spiffe_id.h"

namespace twi::policy {

// One authorized software release. Adding or removing a release never changes the workload's
// identifier or claims: that is what makes the identity stable across updates and rollbacks.
struct Release {
  std::string name;  // [A-Za-z0-9._+-]{1,128}, unique within the workload
  std::string tee;   // TEE kind as in evidence::Claims::tee, [a-z0-9-]{1,32}
  // Measurement name -> allowed raw digests (SHA-256 or SHA-384). Never empty; never "agent",
  // which is matched against `agents`.
  std::map<std::string, std::vector<Bytes>> measurements;
  std::vector<Bytes> agents;  // allowed agent measurements, never empty
  uint32_t min_svn = 0;
  bool allow_debug = false;
};

struct WorkloadPolicy {
  std::string id;                    // crypto::Sha256Id of the exact file bytes ("sha256:<hex>")
  std::string name;                  // [a-z0-9-]{1,63}
  spiffe::SpiffeId identifier;       // never a trust domain ID
  Json claims = Json::object();      // string -> string | bool | number
  std::vector<std::string> formats;  // non-empty subset of {x509-svid, wit}, file order
  absl::Duration x509_svid_ttl = absl::Hours(1);
  absl::Duration wit_ttl = absl::Hours(1);
  // File order. May be empty (every release revoked): the workload then matches no evidence.
  std::vector<Release> releases;
};

// Parses a `kind: workload` document (schema version 1). Strict: unknown keys, wrong types,
// missing required keys, bad durations and bad digests are errors naming the key path
// ("releases[1].measurements.image"). Input over 1 MiB is refused.
//
// Thread-safe. Returns kConfigInvalid.
absl::StatusOr<WorkloadPolicy> ParseWorkloadPolicy(std::string_view yaml);

}  // namespace twi::policy
