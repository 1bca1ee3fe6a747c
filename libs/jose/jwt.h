// JSON Web Tokens (RFC 7519) over JWS compact: signing, and verification with the checks of
// RFC 7519 §7.2 and the JWT BCP (RFC 8725): caller-chosen algorithms, explicit typing,
// issuer, audience and time claims.
//
// Not supported: encrypted or nested JWTs (RFC 7519 §7.2 steps 7-8), unsecured JWTs. Claims
// beyond the registered ones are returned, not interpreted; that is the caller's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/json.h"
#include "libs/crypto/signature.h"
#include "libs/jose/algorithm.h"
#include "libs/jose/jwk.h"

namespace twi::jose {

// What a recipient requires of a JWT. Callers that are the intended audience should set
// `audience`: RFC 7519 §4.1.3 makes that the recipient's duty, but tokens without audience
// (e.g. EARs) exist, so it is not forced here.
struct JwtValidation {
  std::vector<Algorithm> allowed_algorithms;  // required, non-empty
  // Expected "typ" (RFC 8725 §3.11): compared case-insensitively, with "application/" implied
  // where there is no '/' (RFC 7515 §4.1.9) -> kJoseTypeMismatch.
  std::optional<std::string> typ;
  std::optional<std::string> issuer;    // "iss" must equal -> kJwtClaimInvalid / kJwtClaimMissing
  std::optional<std::string> audience;  // "aud" (string or array) must contain it ->
                                        // kJwtAudienceMismatch; absent -> kJwtClaimMissing
  bool require_exp = true;              // absent -> kJwtClaimMissing
  bool require_iat = false;             // absent -> kJwtClaimMissing
  std::vector<std::string> required_claims;   // presence only -> kJwtClaimMissing
  absl::Duration leeway = absl::Seconds(30);  // clock skew allowed for exp, nbf, iat
  // now - iat must be <= max_age + leeway -> kJwtExpired; needs iat (kJwtClaimMissing).
  std::optional<absl::Duration> max_age;
};

// A verified JWT.
struct Jwt {
  Json header;
  Json claims;  // a JSON object
  Algorithm alg;
  std::optional<std::string> kid;
};

// RFC 7519 §7.2 + RFC 8725: VerifyCompact (with validation.allowed_algorithms), then the payload
// must be a JSON object without duplicate member names (RFC 7519 §4; else kJoseMalformed), then
// ValidateClaims. Errors: those of VerifyCompact and ValidateClaims. Thread-safe.
absl::StatusOr<Jwt> VerifyJwt(std::string_view compact, const Jwks& keys,
                              const JwtValidation& validation, absl::Time now);

// Claims-only validation for callers that verified the signature themselves:
//   typ mismatch (also absent or not a string) -> kJoseTypeMismatch;
//   claims not an object -> kJoseMalformed; negative leeway -> kInvalidArgument;
//   exp/nbf/iat not JSON numbers (or not finite); iss, sub, jti not strings; aud not a string or
//   array of strings -> kJwtClaimInvalid (RFC 7519 §4.1);
//   now >= exp + leeway, or now - iat > max_age + leeway -> kJwtExpired;
//   now < nbf - leeway -> kJwtNotYetValid; iat > now + leeway -> kJwtClaimInvalid;
//   issuer / audience / required claims as described in JwtValidation.
// Thread-safe.
absl::Status ValidateClaims(const Json& header, const Json& claims, const JwtValidation& v,
                            absl::Time now);

// Signs `claims` (a JSON object, else kInvalidArgument) as the JWS payload with SignCompact;
// `header` is as for SignCompact. Thread-safe if the signer is.
absl::StatusOr<std::string> SignJwt(Json header, const Json& claims, const crypto::Signer& signer);

}  // namespace twi::jose
