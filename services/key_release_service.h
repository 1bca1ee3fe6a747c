// HTTP face of mechanisms C and D and of the Workload Owner's control plane (wiring only; the
// logic is libs/verifier, libs/issuer, libs/keyrelease and libs/owner).
//
// Workload-facing listener (server-authenticated TLS):
//   POST /v1/credentials/challenge  -> {"nonce", "expires_at"}        mechanism C: the CA asks
//   POST /v1/credentials/attested   <- attest request with "csr"       its Verifier for the
//                                   -> {"ear", "credentials"}          nonce and the appraisal
//   POST /v1/keys/release           <- {"ear", "key"} -> {"jwe", "identifier"}    mechanism D
//   GET  /v1/published/credentials?workload=<name>  -> the provisioned public credentials
//                                   (no authentication: the workload checks them itself)
// Service-to-service listener (mTLS), callers spiffe://<td>/twi/owner/<name> only:
//   POST /v1/owner/workloads/register   <- {"workload": document}
//   POST /v1/owner/releases/add         <- {"workload", "release": document entry}
//   POST /v1/owner/releases/revoke      <- {"workload", "release": name}
//   POST /v1/owner/key-release-policy   <- {"workload", "policy"}
//   POST /v1/owner/credentials/provision <- {"workload"}
//   POST /v1/owner/provenance/add       <- {"workload", "release", "document": base64,
//                                           "kind"?, "compliance_type"?}
#pragma once

#include <string>

#include "libs/issuer/authority.h"
#include "libs/keyrelease/key_release.h"
#include "libs/net/router.h"
#include "libs/owner/owner_service.h"
#include "libs/verifier/verifier.h"

namespace twi::services {

// Mechanism C: `verifier` and `ca` run in this process. Both must outlive the router.
void AddMechanismCRoutes(net::Router& router, verifier::Verifier& verifier,
                         issuer::CredentialAuthority& ca);

void AddKeyReleaseRoutes(net::Router& router, const keyrelease::KeyReleaseService& service,
                         const keyrelease::KeyReleaseFiles& files);

// `owner_prefix`: "spiffe://<td>/twi/owner/"; a caller whose certificate has no URI SAN under
// it is refused with PERMISSION_DENIED (and one without a certificate with UNAUTHENTICATED).
void AddOwnerRoutes(net::Router& router, owner::OwnerService& service, std::string owner_prefix);

}  // namespace twi::services
