// Reading a deployment directory (libs/deployment/layout.h) into the objects the roles run
// with: certificates from pki/, and service TLS identities certified at start by the internal
// CA, whose key stays in the Key Store (libs/deployment/service_tls.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/crypto/keys.h"
#include "libs/deployment/config.h"
#include "libs/deployment/layout.h"
#include "libs/keystore/key_store.h"
#include "libs/net/tls.h"
#include "libs/x509/certificate.h"

namespace twi::services {

absl::StatusOr<x509::Certificate> LoadCertificate(const std::string& path);

// The auditor public keys of config.provenance_auditors (paths relative to the deployment
// directory). kConfigInvalid naming the file for one that is unreadable, not a PEM public key,
// or of a type records cannot be sealed for (Ed25519).
// Every certificate in the PEM files `files` (relative to the deployment unless absolute), for
// the config key `what`. kConfigInvalid naming the file.
absl::StatusOr<std::vector<x509::Certificate>> LoadCertificates(
    const deployment::Layout& layout, const std::vector<std::string>& files, std::string_view what);

absl::StatusOr<std::vector<crypto::PublicKey>> LoadAuditorKeys(
    const deployment::Layout& layout, const deployment::DeploymentConfig& config);

// What a process of the deployment needs to make its own TLS identities.
struct ServiceTlsSource {
  const deployment::Layout* layout = nullptr;
  const deployment::DeploymentConfig* config = nullptr;
  keystore::KeyStore* key_store = nullptr;
  absl::Time now;
};

// The listeners' identity (spiffe://<td>/twi/server), trusting the internal CA for clients.
absl::StatusOr<net::TlsServerConfig> ServerTls(const ServiceTlsSource& source);
// A client identity for service-to-service calls (e.g. deployment::kVerifierService), trusting
// the internal CA.
absl::StatusOr<net::TlsClientConfig> ClientTls(const ServiceTlsSource& source,
                                               std::string_view service);

}  // namespace twi::services
