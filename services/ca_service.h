// HTTP face of the Credential Authority role (wiring only; the logic is libs/issuer).
//
// Workload-facing listener:
//   POST /v1/credentials    <- {"ear", "csr", "formats"?}  mechanism B: the workload brings
//                                                          its EAR  -> IssuedCredentials
//   GET  /v1/bundle         -> SPIFFE bundle (JWKS with spiffe_sequence, spiffe_refresh_hint)
//   GET  /v1/bundle.pem     -> the X.509 trust anchors as PEM
// Service-to-service listener (mTLS):
//   POST /v1/internal/credentials  mechanism A: a Verifier asks on the workload's behalf; only
//                                  clients whose certificate carries an allowed URI SAN
#pragma once

#include <string>
#include <vector>

#include "libs/issuer/authority.h"
#include "libs/net/router.h"

namespace twi::services {

// `ca` must outlive the routers. Thread-safe handlers.
void AddCaPublicRoutes(net::Router& router, issuer::CredentialAuthority& ca);
// `verifier_ids`: URI SANs of the Verifier service certificates allowed to request issuance.
void AddCaInternalRoutes(net::Router& router, issuer::CredentialAuthority& ca,
                         std::vector<std::string> verifier_ids);

}  // namespace twi::services
