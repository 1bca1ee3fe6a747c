#include "libs/rp/credentials.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/jose/jwt.h"
#include "libs/x509/svid.h"

namespace twi::rp {

absl::StatusOr<VerifiedX509Svid> VerifyX509Svid(std::string_view chain_pem,
                                                std::string_view trust_domain,
                                                const SpiffeBundle& bundle, absl::Time now) {
  TWI_ASSIGN_OR_RETURN(std::vector<x509::Certificate> chain,
                       x509::Certificate::ChainFromPem(chain_pem));
  TWI_ASSIGN_OR_RETURN(spiffe::SpiffeId id,
                       x509::ValidateX509Svid(chain, trust_domain, bundle.x509_authorities, now));
  return VerifiedX509Svid{std::move(id), chain.front()};
}

absl::StatusOr<VerifiedWit> VerifyWit(std::string_view token, std::string_view trust_domain,
                                      const SpiffeBundle& bundle, absl::Time now) {
  jose::JwtValidation validation;
  // WIT-SVID: the JWT-SVID algorithms; of those twi implements ES256, ES384, RS256, PS256.
  validation.allowed_algorithms = {jose::Algorithm::kES256, jose::Algorithm::kES384,
                                   jose::Algorithm::kRS256, jose::Algorithm::kPS256};
  validation.typ = "wit+jwt";
  validation.require_exp = true;
  validation.required_claims = {"sub", "cnf"};
  TWI_ASSIGN_OR_RETURN(jose::Jwt jwt, jose::VerifyJwt(token, bundle.wit_keys, validation, now));
  if (!jwt.kid.has_value()) return Error(Reason::kJoseMalformed, "a WIT must carry a kid");
  // WIT-SVID: aud MUST NOT appear; the audience belongs in the proof of possession.
  if (jwt.claims.contains("aud")) {
    return Error(Reason::kJwtClaimInvalid, "a WIT must not carry an audience");
  }
  const Json& cnf = jwt.claims["cnf"];
  if (!cnf.is_object() || !cnf.contains("jwk")) {
    return Error(Reason::kJwtClaimInvalid, "cnf must hold a jwk");
  }
  TWI_ASSIGN_OR_RETURN(jose::Jwk key, jose::Jwk::FromJson(cnf["jwk"]));
  if (!key.alg().has_value()) {
    return Error(Reason::kJwtClaimInvalid, "cnf.jwk must name its alg");
  }
  TWI_ASSIGN_OR_RETURN(std::string sub, GetString(jwt.claims, "sub"));
  TWI_ASSIGN_OR_RETURN(spiffe::SpiffeId id, spiffe::SpiffeId::Parse(sub));
  if (id.trust_domain() != trust_domain || id.is_root()) {
    return Error(Reason::kSpiffeIdInvalid,
                 absl::StrFormat("WIT subject %s is not a workload of %s", sub, trust_domain));
  }
  return VerifiedWit{std::move(id), std::move(key), std::move(jwt.claims)};
}

}  // namespace twi::rp
