#include "libs/policy/tier.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::policy {

std::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kNone:
      return "none";
    case Tier::kAffirming:
      return "affirming";
    case Tier::kWarning:
      return "warning";
    case Tier::kContraindicated:
      return "contraindicated";
  }
  return "contraindicated";
}

absl::StatusOr<Tier> TierFromName(std::string_view name) {
  for (Tier tier : {Tier::kNone, Tier::kAffirming, Tier::kWarning, Tier::kContraindicated}) {
    if (TierName(tier) == name) return tier;
  }
  return Error(Reason::kInvalidArgument, absl::StrFormat("unknown AR4SI tier \"%s\"", name));
}

Tier TierOfClaim(int value) {
  // draft-ietf-rats-ar4si trustworthiness tiers: the magnitude decides the tier; negative values
  // mirror the positive ranges for implementation-specific codes.
  if (value >= -1 && value <= 1) return Tier::kNone;
  if ((value >= 2 && value <= 31) || (value >= -32 && value <= -2)) return Tier::kAffirming;
  if ((value >= 32 && value <= 95) || (value >= -96 && value <= -33)) return Tier::kWarning;
  return Tier::kContraindicated;
}

}  // namespace twi::policy
