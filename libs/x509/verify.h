// Certification path validation (RFC 5280 §6) with OpenSSL.
//
// Only the given roots are trust anchors: no system store, no default paths, no partial chains
// (an intermediate is never treated as an anchor). Time is an input, never the wall clock.
// X509_V_FLAG_X509_STRICT adds OpenSSL's RFC 5280 profile checks (critical basicConstraints in
// CAs, AKI/SKI presence, non-empty names, consistent signature algorithms, ...).
//
// This answers "does this chain lead to one of these anchors at time `at`"; it knows nothing
// about SPIFFE (svid.h) or about revocation (twi relies on short-lived credentials).
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/x509/certificate.h"

namespace twi::x509 {

// Validates `leaf` up to one of `roots`, using `intermediates` (in any order) as untrusted
// path-building material, at time `at` (whole seconds; OpenSSL treats a certificate as expired
// from its notAfter second on, one second before RFC 5280 §4.1.2.5 would). Returns the validated
// path, leaf first, trust anchor last. Thread-safe.
// Errors: kChainInvalid carrying OpenSSL's verification error, e.g. "certificate has expired",
// "unable to get local issuer certificate", "certificate signature failure".
absl::StatusOr<std::vector<Certificate>> VerifyChain(const Certificate& leaf,
                                                     const std::vector<Certificate>& intermediates,
                                                     const std::vector<Certificate>& roots,
                                                     absl::Time at);

}  // namespace twi::x509
