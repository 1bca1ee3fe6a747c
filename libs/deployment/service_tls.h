// TLS identities of the deployment's own services (the listeners, the Verifier's client to a
// remote CA, the Workload Owner's client), certified by the internal CA when they are needed.
//
// A service key is generated in the memory of the process that uses it and is never written
// anywhere: a process gets a fresh certificate each time it starts, so there is no TLS key file
// to steal or to rotate by hand. The internal CA's own key stays in the Key Store.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/secret.h"
#include "libs/crypto/signature.h"
#include "libs/deployment/config.h"
#include "libs/deployment/layout.h"
#include "libs/keystore/key_store.h"
#include "libs/x509/certificate.h"

namespace twi::deployment {

inline constexpr absl::Duration kServiceCertValidity = absl::Hours(24 * 30);

struct ServiceTlsRequest {
  std::string trust_domain;
  std::string service;  // the URI SAN is spiffe://<trust_domain>/twi/<service>
  bool server = false;  // also DNS localhost and IP 127.0.0.1 / ::1 SANs
  absl::Time now;
  absl::Duration validity = kServiceCertValidity;  // capped at the internal CA's notAfter
};

struct ServiceTlsIdentity {
  std::string chain_pem;  // the leaf (the internal CA is the trust anchor, not sent)
  SecretBytes key_pem;    // PKCS#8
};

// kInvalidArgument for a bad service name (1 to 64 of [a-z0-9-/]), kCryptoFailure.
absl::StatusOr<ServiceTlsIdentity> IssueServiceTls(const ServiceTlsRequest& request,
                                                   const x509::Certificate& internal_ca,
                                                   const crypto::Signer& internal_ca_signer);

// The same with the deployment's internal CA: its certificate from pki/ and its key from the
// Key Store. `request.trust_domain` is taken from `config`. Also returns the internal CA's PEM,
// the trust anchor of every service identity, through `ca_pem` when it is not null.
absl::StatusOr<ServiceTlsIdentity> IssueDeploymentServiceTls(ServiceTlsRequest request,
                                                             const Layout& layout,
                                                             const DeploymentConfig& config,
                                                             keystore::KeyStore& key_store,
                                                             std::string* ca_pem = nullptr);

}  // namespace twi::deployment
