// HTTP face of the Verifier role (wiring only; the logic is libs/verifier):
//
//   POST /v1/challenge      -> {"nonce", "expires_at"}          one-time nonce
//   POST /v1/attest         <- evidence (+ CSR for mechanism A)  -> {"ear", "credentials"?}
//   GET  /v1/verifier/keys  -> JWKS of the EAR signing keys (for CAs and relying parties)
//   POST /v1/tpm/enrollments           <- AK public, EK certificates -> MakeCredential challenge
//   POST /v1/tpm/enrollments/activate  <- the recovered secret       -> {"ak_certificates"}
//
// /v1/attest binds the evidence to the RFC 9266 exporter of the very connection it arrives on.
#pragma once

#include "libs/net/router.h"
#include "libs/verifier/tpm_enrollment.h"
#include "libs/verifier/verifier.h"

namespace twi::services {

// `verifier` must outlive the router. Thread-safe handlers.
void AddVerifierRoutes(net::Router& router, verifier::Verifier& verifier);
// AK enrollment (libs/verifier/tpm_enrollment.h); `enrollment` must outlive the router.
void AddTpmEnrollmentRoutes(net::Router& router, const verifier::TpmEnrollment& enrollment);

}  // namespace twi::services
