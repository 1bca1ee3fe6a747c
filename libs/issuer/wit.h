// Workload Identity Tokens (draft-ietf-wimse-workload-creds §5, SPIFFE WIT-SVID profile):
// JWS with typ "wit+jwt" and always a kid; claims sub, iat, exp, jti, cnf.jwk (with alg).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/json.h"
#include "libs/crypto/signature.h"
#include "libs/jose/jwk.h"

namespace twi::issuer {

inline constexpr std::string_view kWitType = "wit+jwt";

struct WitParams {
  std::string issuer;   // iss (optional; "" to omit)
  std::string subject;  // sub: the Workload Identifier
  std::string jti;
  absl::Time issued_at;
  absl::Time expires_at;
  jose::Jwk confirmation_key;          // the workload's key; cnf.jwk.alg is set from its key type
  Json extra_claims = Json::object();  // e.g. twi_claims (stable business claims)
};

// kUnsupportedAlgorithm if the confirmation key is RSA (twi workloads use EC or Ed25519).
absl::StatusOr<std::string> SignWit(const WitParams& params, const crypto::Signer& signer,
                                    std::string kid);

// The two halves of SignWit, so the CA can add the provenance claim in between.
absl::StatusOr<Json> WitClaims(const WitParams& params);
absl::StatusOr<std::string> SignWitClaims(Json claims, const crypto::Signer& signer,
                                          std::string kid);

}  // namespace twi::issuer
