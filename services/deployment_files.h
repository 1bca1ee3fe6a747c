// Reading a deployment directory's key and certificate files (libs/deployment/layout.h) into
// the objects the roles run with. Until the PKCS#11 Key Store lands (issue 3), role keys are
// PKCS#8 files under keys/ (0600 in a 0700 directory); this is the one place that reads them.
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

// A software Signer over the PKCS#8 key in `path` with the key type's default algorithm.
// kIoError / kKeyInvalid naming the file, never its contents.
absl::StatusOr<std::unique_ptr<crypto::Signer>> LoadFileSigner(const std::string& path);

absl::StatusOr<x509::Certificate> LoadCertificate(const std::string& path);

// TLS material of the deployment's internal PKI: the listeners' certificate, and the client
// certificate `client_name` (e.g. deployment::kVerifierClient) for service-to-service calls.
absl::StatusOr<net::TlsServerConfig> LoadServerTls(const deployment::Layout& layout);
absl::StatusOr<net::TlsClientConfig> LoadClientTls(const deployment::Layout& layout,
                                                   std::string_view client_name);

}  // namespace twi::services
