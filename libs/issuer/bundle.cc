#include "libs/issuer/bundle.h"

#include "libs/core/bytes.h"

namespace twi::issuer {

Json TrustBundle::ToSpiffeJwks() const {
  Json keys = Json::array();
  // SPIFFE Trust Domain and Bundle §4: x509-svid entries hold the CA certificate in x5c.
  for (const auto& cert : x509_authorities) {
    jose::Jwk jwk = jose::Jwk::FromPublicKey(cert.public_key());
    jwk.set_use("x509-svid");
    jwk.set_x5c({Base64Encode(cert.ToDer())});
    keys.push_back(jwk.ToJson());
  }
  for (jose::Jwk jwk : wit_authorities) {
    jwk.set_use("wit-svid");
    keys.push_back(jwk.ToJson());
  }
  return {{"keys", std::move(keys)},
          {"spiffe_sequence", sequence},
          {"spiffe_refresh_hint", absl::ToInt64Seconds(refresh_hint)}};
}

std::string TrustBundle::ToPem() const { return x509::ChainToPem(x509_authorities); }

jose::Jwks TrustBundle::WitKeys() const {
  jose::Jwks out;
  for (const auto& jwk : wit_authorities) out.Add(jwk);
  return out;
}

}  // namespace twi::issuer
