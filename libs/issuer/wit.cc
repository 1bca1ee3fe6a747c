#include "libs/issuer/wit.h"

#include "libs/core/status.h"
#include "libs/jose/jwt.h"

namespace twi::issuer {

absl::StatusOr<Json> WitClaims(const WitParams& params) {
  // workload-creds §5: cnf.jwk.alg is REQUIRED and the proof must use exactly that algorithm.
  TWI_ASSIGN_OR_RETURN(crypto::SignatureAlgorithm pop_alg,
                       crypto::DefaultSignatureAlgorithm(params.confirmation_key.key().type()));
  TWI_ASSIGN_OR_RETURN(jose::Algorithm alg, jose::FromSignatureAlgorithm(pop_alg));
  jose::Jwk cnf_key = params.confirmation_key;
  cnf_key.set_alg(alg);
  Json claims = params.extra_claims.is_object() ? params.extra_claims : Json::object();
  if (!params.issuer.empty()) claims["iss"] = params.issuer;
  claims["sub"] = params.subject;
  claims["iat"] = absl::ToUnixSeconds(params.issued_at);
  claims["exp"] = absl::ToUnixSeconds(params.expires_at);
  claims["jti"] = params.jti;
  claims["cnf"] = {{"jwk", cnf_key.ToJson()}};
  return claims;
}

absl::StatusOr<std::string> SignWitClaims(Json claims, const crypto::Signer& signer,
                                          std::string kid) {
  Json header = {{"typ", kWitType}, {"kid", std::move(kid)}};
  return jose::SignJwt(std::move(header), claims, signer);
}

absl::StatusOr<std::string> SignWit(const WitParams& params, const crypto::Signer& signer,
                                    std::string kid) {
  TWI_ASSIGN_OR_RETURN(Json claims, WitClaims(params));
  return SignWitClaims(std::move(claims), signer, std::move(kid));
}

}  // namespace twi::issuer
