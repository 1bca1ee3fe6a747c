// Appraisal policy (Verifier): how long an EAR lives and how deviations from a release's
// reference values map to outcomes (architecture §5 item 3).
//
// Parsing only; Appraise (appraisal.h) applies it.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace twi::policy {

// What a deviation does: refuse the attestation, or let it through with a warning tier.
enum class Action { kReject, kWarn };

// "reject" or "warn".
std::string_view ActionName(Action action);

// EAR lifetimes above this are refused: results are meant to be fresh (exp - iat).
inline constexpr absl::Duration kMaxEarTtl = absl::Hours(24);

struct AppraisalPolicy {
  std::string id;  // crypto::Sha256Id of the exact file bytes
  absl::Duration ear_ttl = absl::Minutes(5);
  Action debug_enabled = Action::kReject;
  Action svn_below_minimum = Action::kReject;
};

// Parses a `kind: appraisal` document (schema version 1): `ear_ttl` (default 5m, at most 24h) and
// `actions.{debug_enabled,svn_below_minimum}` (reject | warn, default reject). Strict like
// ParseWorkloadPolicy. Thread-safe. Returns kConfigInvalid naming the key path.
absl::StatusOr<AppraisalPolicy> ParseAppraisalPolicy(std::string_view yaml);

}  // namespace twi::policy
