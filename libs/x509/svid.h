// X509-SVID validation (SPIFFE X509-SVID §5): the relying-party check that turns a presented
// certificate chain into a SPIFFE ID.
//
// Only the trust anchors of the ID's own trust domain may vouch for it; mapping trust domains
// to bundles (and fetching them) is the caller's business. What the ID is allowed to do is
// policy (libs/rp, libs/policy), not this function.
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/spiffe/spiffe_id.h"
#include "libs/x509/certificate.h"

namespace twi::x509 {

// `chain` is leaf first, then intermediates; `bundle` holds the trust anchors of `trust_domain`
// only. The leaf must carry exactly one URI SAN holding a SPIFFE ID in `trust_domain` with a
// path, cA=false, keyUsage with digitalSignature and without keyCertSign/cRLSign, and, if it has
// extKeyUsage, both serverAuth and clientAuth; the path must validate (verify.h) at `at`.
// The leaf's contents are checked before the path so that a mis-issued leaf gets a precise
// reason; nothing is returned unless every check passes. Thread-safe.
// Errors: kSpiffeIdInvalid (URI SANs, trust domain), kCertificateInvalid (leaf profile),
// kChainInvalid (empty chain or path validation).
absl::StatusOr<spiffe::SpiffeId> ValidateX509Svid(const std::vector<Certificate>& chain,
                                                  std::string_view trust_domain,
                                                  const std::vector<Certificate>& bundle,
                                                  absl::Time at);

}  // namespace twi::x509
