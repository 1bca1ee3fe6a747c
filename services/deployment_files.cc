#include "services/deployment_files.h"

#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/deployment/service_tls.h"

namespace twi::services {
namespace {

constexpr size_t kMaxPemFile = 256 * 1024;

absl::StatusOr<deployment::ServiceTlsIdentity> Issue(const ServiceTlsSource& source,
                                                     std::string service, bool server,
                                                     std::string* ca_pem) {
  deployment::ServiceTlsRequest request;
  request.service = std::move(service);
  request.server = server;
  request.now = source.now;
  return deployment::IssueDeploymentServiceTls(std::move(request), *source.layout, *source.config,
                                               *source.key_store, ca_pem);
}

}  // namespace

absl::StatusOr<x509::Certificate> LoadCertificate(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string pem, ReadFile(path, kMaxPemFile));
  auto cert = x509::Certificate::FromPem(pem);
  if (!cert.ok()) return Annotate(cert.status(), path);
  return cert;
}

absl::StatusOr<net::TlsServerConfig> ServerTls(const ServiceTlsSource& source) {
  net::TlsServerConfig tls;
  TWI_ASSIGN_OR_RETURN(deployment::ServiceTlsIdentity identity,
                       Issue(source, deployment::kServerService, true, &tls.client_ca_pem));
  tls.certificate_chain_pem = std::move(identity.chain_pem);
  tls.private_key_pem = std::move(identity.key_pem);
  return tls;
}

absl::StatusOr<net::TlsClientConfig> ClientTls(const ServiceTlsSource& source,
                                               std::string_view service) {
  net::TlsClientConfig tls;
  TWI_ASSIGN_OR_RETURN(deployment::ServiceTlsIdentity identity,
                       Issue(source, std::string(service), false, &tls.ca_pem));
  tls.certificate_chain_pem = std::move(identity.chain_pem);
  tls.private_key_pem = std::move(identity.key_pem);
  return tls;
}

}  // namespace twi::services
