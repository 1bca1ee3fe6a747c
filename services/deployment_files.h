// Reading a deployment directory's certificate and TLS files (libs/deployment/layout.h) into
// the objects the roles run with. Role keys are read with crypto::LoadSoftwareSigner until the
// PKCS#11 Key Store lands (issue 3).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/crypto/signature.h"
#include "libs/deployment/layout.h"
#include "libs/net/tls.h"
#include "libs/x509/certificate.h"

namespace twi::services {

absl::StatusOr<x509::Certificate> LoadCertificate(const std::string& path);

// TLS material of the deployment's internal PKI: the listeners' certificate, and the client
// certificate `client_name` (e.g. deployment::kVerifierClient) for service-to-service calls.
absl::StatusOr<net::TlsServerConfig> LoadServerTls(const deployment::Layout& layout);
absl::StatusOr<net::TlsClientConfig> LoadClientTls(const deployment::Layout& layout,
                                                   std::string_view client_name);

}  // namespace twi::services
