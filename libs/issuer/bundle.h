// The trust bundle of a trust domain, published two ways: a SPIFFE bundle (JWKS with "use"
// x509-svid entries carrying x5c, and wit-svid entries carrying kid; spiffe_sequence and
// spiffe_refresh_hint) and plain PEM for software that reads CA files.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/core/json.h"
#include "libs/jose/jwk.h"
#include "libs/x509/certificate.h"

namespace twi::issuer {

struct TrustBundle {
  std::vector<x509::Certificate> x509_authorities;
  std::vector<jose::Jwk> wit_authorities;  // each with a kid
  int64_t sequence = 1;
  absl::Duration refresh_hint = absl::Minutes(5);

  Json ToSpiffeJwks() const;
  std::string ToPem() const;
  // The JWKS that verifies WITs (wit-svid keys only).
  jose::Jwks WitKeys() const;
};

}  // namespace twi::issuer
