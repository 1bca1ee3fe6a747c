// Relying-party checks of twi credentials: an X509-SVID chain or a WIT, against the bundle of
// the trust domain the RP expects. Authorization (which identifiers and business claims may do
// what) is the caller's decision on the returned values.
//
// WIT checks follow the SPIFFE WIT-SVID profile and draft-ietf-wimse-workload-creds §5:
// typ "wit+jwt", a kid found among the bundle's wit-svid keys, alg from the allow-list, sub a
// SPIFFE ID of the trust domain, exp present and not passed, no aud, cnf.jwk with an alg.
// Proof of possession of the cnf key (WPT) is a separate check.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/json.h"
#include "libs/jose/jwk.h"
#include "libs/rp/spiffe_bundle.h"
#include "libs/spiffe/spiffe_id.h"
#include "libs/x509/certificate.h"

namespace twi::rp {

struct VerifiedX509Svid {
  spiffe::SpiffeId id;
  x509::Certificate leaf;
};

// `chain_pem`: leaf first, then intermediates. Errors: kCertificateInvalid (PEM, leaf
// profile), kSpiffeIdInvalid, kChainInvalid (as x509::ValidateX509Svid).
absl::StatusOr<VerifiedX509Svid> VerifyX509Svid(std::string_view chain_pem,
                                                std::string_view trust_domain,
                                                const SpiffeBundle& bundle, absl::Time now);

struct VerifiedWit {
  spiffe::SpiffeId id;
  jose::Jwk confirmation_key;  // cnf.jwk: the key a WPT must be signed with
  Json claims;
};

// Errors: kJoseMalformed, kJoseTypeMismatch, kJoseAlgorithmNotAllowed, kJoseKeyNotFound,
// kSignatureInvalid, kJwtExpired, kJwtNotYetValid, kJwtClaimMissing, kJwtClaimInvalid (aud
// present, cnf missing its alg), kSpiffeIdInvalid (sub outside the trust domain).
absl::StatusOr<VerifiedWit> VerifyWit(std::string_view token, std::string_view trust_domain,
                                      const SpiffeBundle& bundle, absl::Time now);

}  // namespace twi::rp
