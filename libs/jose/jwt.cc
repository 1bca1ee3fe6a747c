#include "libs/jose/jwt.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/jose/jws.h"
#include "libs/jose/strict_json.h"

namespace twi::jose {
namespace {

absl::Status ClaimInvalid(std::string_view name, std::string_view problem) {
  return Error(Reason::kJwtClaimInvalid, absl::StrFormat("JWT claim \"%s\" %s", name, problem));
}

absl::Status ClaimMissing(std::string_view name) {
  return Error(Reason::kJwtClaimMissing, absl::StrFormat("JWT claim \"%s\" is missing", name));
}

// RFC 7515 §4.1.9: media types are case-insensitive, and a "typ" without '/' means
// "application/" + typ.
std::string NormalizeMediaType(std::string_view typ) {
  std::string out;
  if (typ.find('/') == std::string_view::npos) out = "application/";
  for (char c : typ) out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

absl::Status CheckType(const Json& header, const std::string& expected) {
  // RFC 8725 §3.11: explicit typing keeps one kind of JWT from being accepted as another.
  const auto typ = header.is_object() ? header.find("typ") : header.end();
  if (!header.is_object() || typ == header.end() || !typ->is_string() ||
      NormalizeMediaType(typ->get_ref<const std::string&>()) != NormalizeMediaType(expected)) {
    return Error(Reason::kJoseTypeMismatch, absl::StrFormat("JWT \"typ\" is not \"%s\"", expected));
  }
  return absl::OkStatus();
}

// RFC 7519 §2 NumericDate: a JSON number of seconds since the epoch, possibly non-integer.
absl::StatusOr<std::optional<absl::Time>> NumericDate(const Json& claims, std::string_view name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const uint64_t value = it->get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InfiniteFuture();
    }
    return absl::FromUnixSeconds(static_cast<int64_t>(value));
  }
  if (it->is_number_integer()) return absl::FromUnixSeconds(it->get<int64_t>());
  if (it->is_number_float() && std::isfinite(it->get<double>())) {
    return absl::UnixEpoch() + absl::Seconds(it->get<double>());
  }
  return ClaimInvalid(name, "is not a NumericDate");
}

absl::Status CheckOptionalString(const Json& claims, std::string_view name) {
  auto it = claims.find(name);
  if (it != claims.end() && !it->is_string()) return ClaimInvalid(name, "is not a string");
  return absl::OkStatus();
}

// RFC 7519 §4.1: the registered claims have fixed types wherever they appear.
absl::Status CheckRegisteredTypes(const Json& claims) {
  for (std::string_view name : {"iss", "sub", "jti"}) {
    TWI_RETURN_IF_ERROR(CheckOptionalString(claims, name));
  }
  // RFC 7519 §4.1.3: "aud" is a string or an array of strings.
  if (auto aud = claims.find("aud"); aud != claims.end() && !aud->is_string()) {
    if (!aud->is_array()) return ClaimInvalid("aud", "is neither a string nor an array");
    for (const Json& entry : *aud) {
      if (!entry.is_string()) return ClaimInvalid("aud", "has a non-string entry");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTimes(const Json& claims, const JwtValidation& v, absl::Time now) {
  TWI_ASSIGN_OR_RETURN(std::optional<absl::Time> exp, NumericDate(claims, "exp"));
  TWI_ASSIGN_OR_RETURN(std::optional<absl::Time> nbf, NumericDate(claims, "nbf"));
  TWI_ASSIGN_OR_RETURN(std::optional<absl::Time> iat, NumericDate(claims, "iat"));
  if (!exp.has_value() && v.require_exp) return ClaimMissing("exp");
  // RFC 7519 §4.1.4: the current time must be before the expiration time.
  if (exp.has_value() && now >= *exp + v.leeway) {
    return Error(Reason::kJwtExpired, "JWT has expired");
  }
  // RFC 7519 §4.1.5: not before "nbf".
  if (nbf.has_value() && now < *nbf - v.leeway) {
    return Error(Reason::kJwtNotYetValid, "JWT is not yet valid");
  }
  if (!iat.has_value()) {
    if (v.require_iat || v.max_age.has_value()) return ClaimMissing("iat");
    return absl::OkStatus();
  }
  // RFC 7519 §4.1.6 only defines "iat"; a token issued in the future means a broken or lying
  // issuer clock, and would defeat max_age.
  if (*iat > now + v.leeway) return ClaimInvalid("iat", "is in the future");
  if (v.max_age.has_value() && now - *iat > *v.max_age + v.leeway) {
    return Error(Reason::kJwtExpired, "JWT is older than the maximum age");
  }
  return absl::OkStatus();
}

absl::Status CheckAudience(const Json& claims, const std::string& audience) {
  auto aud = claims.find("aud");
  if (aud == claims.end()) return ClaimMissing("aud");
  // Types were checked by CheckRegisteredTypes: a string or an array of strings.
  const bool match = aud->is_string()
                         ? aud->get_ref<const std::string&>() == audience
                         : std::find(aud->begin(), aud->end(), Json(audience)) != aud->end();
  if (!match) {
    return Error(Reason::kJwtAudienceMismatch,
                 absl::StrFormat("JWT audience does not include \"%s\"", audience));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateClaims(const Json& header, const Json& claims, const JwtValidation& v,
                            absl::Time now) {
  if (v.leeway < absl::ZeroDuration()) {
    return Error(Reason::kInvalidArgument, "JWT leeway must not be negative");
  }
  if (v.typ.has_value()) TWI_RETURN_IF_ERROR(CheckType(header, *v.typ));
  if (!claims.is_object()) return Error(Reason::kJoseMalformed, "JWT claims are not an object");
  TWI_RETURN_IF_ERROR(CheckRegisteredTypes(claims));
  TWI_RETURN_IF_ERROR(CheckTimes(claims, v, now));
  if (v.issuer.has_value()) {
    auto iss = claims.find("iss");
    if (iss == claims.end()) return ClaimMissing("iss");
    if (iss->get_ref<const std::string&>() != *v.issuer)
      return ClaimInvalid("iss", "is not the expected issuer");
  }
  if (v.audience.has_value()) TWI_RETURN_IF_ERROR(CheckAudience(claims, *v.audience));
  for (const std::string& name : v.required_claims) {
    if (!claims.contains(name)) return ClaimMissing(name);
  }
  return absl::OkStatus();
}

absl::StatusOr<Jwt> VerifyJwt(std::string_view compact, const Jwks& keys,
                              const JwtValidation& validation, absl::Time now) {
  TWI_ASSIGN_OR_RETURN(ParsedJws jws, VerifyCompact(compact, keys, validation.allowed_algorithms));
  // RFC 7519 §7.2 steps 9-10: the payload is the JWT Claims Set, a JSON object whose claim
  // names are unique (RFC 7519 §4).
  TWI_ASSIGN_OR_RETURN(Json claims,
                       internal::ParseStrictObject(AsString(jws.payload), "JWT claims"));
  TWI_RETURN_IF_ERROR(ValidateClaims(jws.header, claims, validation, now));
  return Jwt{std::move(jws.header), std::move(claims), jws.alg, std::move(jws.kid)};
}

absl::StatusOr<std::string> SignJwt(Json header, const Json& claims, const crypto::Signer& signer) {
  if (!claims.is_object()) return Error(Reason::kInvalidArgument, "JWT claims must be an object");
  return SignCompact(std::move(header), AsBytes(DumpJson(claims)), signer);
}

}  // namespace twi::jose
