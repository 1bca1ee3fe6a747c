// AR4SI trustworthiness tiers (draft-ietf-rats-ar4si, "Trustworthiness Tiers"; digest in
// shared/reference/rats-verifiers.md §1.3), as used by EAR `ear.status`.
//
// Only the tier arithmetic: which claim values fall into which tier and the tier names. The
// trustworthiness vector and its defaults live in appraisal.h.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"

namespace twi::policy {

// Enumerator values are the AR4SI CBOR values; a larger value is a worse tier.
enum class Tier { kNone = 0, kAffirming = 2, kWarning = 32, kContraindicated = 96 };

// "none", "affirming", "warning", "contraindicated". Thread-safe.
std::string_view TierName(Tier tier);

// Inverse of TierName (exact, lower case). Thread-safe. kInvalidArgument for any other text.
absl::StatusOr<Tier> TierFromName(std::string_view name);

// Tier of one trustworthiness claim value per draft-ietf-rats-ar4si: -1..1 none; 2..31 and
// -32..-2 affirming; 32..95 and -96..-33 warning; 96..127 and -128..-97 contraindicated. Values
// outside -128..127 are not valid claims and are treated as contraindicated (fail closed).
// Thread-safe.
Tier TierOfClaim(int value);

// The worse of two tiers (none < affirming < warning < contraindicated).
// Whether `tier` is good enough where `minimum` (affirming or warning) is required: affirming
// always, warning only if warning is the minimum. "none" means nothing was established and
// is never enough.
inline bool TierMeets(Tier tier, Tier minimum) {
  if (tier == Tier::kAffirming) return true;
  return tier == Tier::kWarning && minimum == Tier::kWarning;
}

inline Tier WorseTier(Tier a, Tier b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

}  // namespace twi::policy
