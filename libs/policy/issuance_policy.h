// Issuance policy (Credential Authority): which Verifiers' EARs it accepts, the tier it requires,
// how old an EAR may be, and which credential formats it issues with which maximum lifetime
// (architecture §5 item 4).
//
// Parsing only. Verifying EAR signatures and computing JWK thumbprints is libs/jose's business;
// this document only names thumbprints.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/policy/tier.h"

namespace twi::policy {

// An EAR signing key the CA accepts.
struct TrustedVerifier {
  std::string name;            // [A-Za-z0-9._+-]{1,63}, unique
  std::string jwk_thumbprint;  // RFC 7638 SHA-256 thumbprint, base64url (43 chars), unique
};

struct FormatLimits {
  absl::Duration max_ttl;
};

// EARs older than this are never acceptable, whatever the policy says.
inline constexpr absl::Duration kMaxEarAge = absl::Hours(24);

struct IssuancePolicy {
  std::string id;                                  // crypto::Sha256Id of the exact file bytes
  std::vector<TrustedVerifier> trusted_verifiers;  // non-empty, file order
  Tier minimum_status = Tier::kAffirming;          // kAffirming or kWarning
  absl::Duration max_ear_age = absl::Minutes(5);
  std::map<std::string, FormatLimits> formats;  // keys are credential_format.h names; non-empty
};

// Parses a `kind: issuance` document (schema version 1). Required: `trusted_verifiers` (name +
// jwk_thumbprint, base64url of 32 bytes) and `formats` ({x509-svid,wit}: {max_ttl: duration}).
// Optional: `minimum_status` (affirming | warning, default affirming) and `max_ear_age` (default
// 5m, at most 24h). Strict like ParseWorkloadPolicy. Thread-safe. Returns kConfigInvalid naming
// the key path.
absl::StatusOr<IssuancePolicy> ParseIssuancePolicy(std::string_view yaml);

}  // namespace twi::policy
