// A SPIFFE bundle as a relying party reads it (SPIFFE Trust Domain and Bundle §4): a JWK Set
// whose "x509-svid" entries carry one CA certificate each in x5c and whose "wit-svid" entries
// are WIT signing keys with a kid. Entries with another or no "use" are ignored, as the spec
// requires. The bundle of one trust domain only: bundles are never merged.
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/jose/jwk.h"
#include "libs/x509/certificate.h"

namespace twi::rp {

struct SpiffeBundle {
  std::vector<x509::Certificate> x509_authorities;
  jose::Jwks wit_keys;                             // each with a kid
  int64_t sequence = 0;                            // spiffe_sequence, 0 if absent
  absl::Duration refresh_hint = absl::Minutes(5);  // spiffe_refresh_hint, default 5 minutes
};

// Errors: kJoseMalformed (not a JWK Set, an x509-svid entry with a kid or without exactly one
// usable certificate, a wit-svid entry without kid, duplicate kids), kCertificateInvalid (x5c
// that does not parse or does not match the JWK's key).
absl::StatusOr<SpiffeBundle> ParseSpiffeBundle(std::string_view json);

}  // namespace twi::rp
