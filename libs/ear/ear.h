// EAT Attestation Results (draft-ietf-rats-ear-04) as JWT: the Verifier's signed statement of
// what it appraised, and the input to the Credential Authority's issuance decision.
//
// Emits the -04 claim names. Reads -04 and the pre-03 dotted names (ear.status,
// ear.trustworthiness-vector, ear.appraisal-policy-id, ear.verifier-id) that Veraison and
// Trustee still send. twi's own result travels in the private claim "twi_workload".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/json.h"
#include "libs/crypto/signature.h"
#include "libs/jose/jwk.h"
#include "libs/policy/appraisal.h"

namespace twi::ear {

// draft-ietf-rats-ear-04 §3.1 profile.
inline constexpr std::string_view kProfile = "tag:ietf.org,2026:rats/ear#04";
// Earlier profiles whose tokens are still read.
inline constexpr std::string_view kLegacyProfiles[] = {"tag:ietf.org,2026:rats/ear#03",
                                                       "tag:ietf.org,2025-07:ear",
                                                       "tag:github.com,2023:veraison/ear"};
inline constexpr std::string_view kWorkloadClaim = "twi_workload";

struct VerifierId {
  std::string developer;
  std::string build;
};

// One EAR-appraisal (a "submod").
struct Appraisal {
  policy::Tier status = policy::Tier::kNone;
  policy::TrustVector vector;
  std::vector<std::string> policy_ids;
  Json attester_claims = Json::object();
  Json verifier_claims = Json::object();
  std::optional<std::string> nonce;  // eat_nonce of the evidence, base64url
};

// twi's namespaced result: the stable identity and the key the evidence bound.
struct WorkloadResult {
  std::string identifier;  // Workload Identifier (SPIFFE ID)
  std::string workload;    // workload policy name
  std::string release;     // matched release
  Json claims = Json::object();
  std::vector<std::string> formats;
  absl::Duration x509_svid_ttl = absl::Hours(1);
  absl::Duration wit_ttl = absl::Hours(1);
  std::optional<jose::Jwk> bound_key;  // Credential Key (A/B/C) or encryption key (D)
  std::string bound_key_thumbprint;    // RFC 7638
  std::string binding_purpose;         // "credential-key" | "encryption-key"
};

struct Ear {
  absl::Time issued_at;
  absl::Time expires_at;
  std::string jti;
  VerifierId verifier_id;
  policy::Tier status = policy::Tier::kNone;  // overall; never better than the worst submod
  std::map<std::string, Appraisal> submods;
  std::optional<WorkloadResult> workload;
};

Json ToJson(const Ear& ear);
// The same claims as compact JSON text, byte for byte DumpJson(ToJson(ear)), written directly
// (what Sign uses: no DOM per EAR).
std::string ToJsonText(const Ear& ear);
// Structural validation of a claims set (after the signature was checked). kEarInvalid.
absl::StatusOr<Ear> FromJson(const Json& claims);

// Signs as a JWT with header {alg, typ: "JWT", kid}.
absl::StatusOr<std::string> Sign(const Ear& ear, const crypto::Signer& signer, std::string kid);

struct VerifyOptions {
  // How old iat may be (CA issuance policy max_ear_age). Infinite = no limit.
  absl::Duration max_age = absl::InfiniteDuration();
  absl::Duration leeway = absl::Seconds(30);
};

// Verifies signature and freshness against `trusted` verifier keys, then parses.
// Reasons: kEarUntrustedKey (no trusted key signed it), kEarExpired (exp passed),
// kEarTooOld (iat older than max_age), kEarInvalid (anything malformed, unknown profile,
// inconsistent status).
absl::StatusOr<Ear> Verify(std::string_view token, const jose::Jwks& trusted, absl::Time now,
                           const VerifyOptions& options = {});

// Worst tier over all submods.
policy::Tier WorstStatus(const std::map<std::string, Appraisal>& submods);

}  // namespace twi::ear
