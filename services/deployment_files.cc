#include "services/deployment_files.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
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

namespace {

std::string InDeployment(const deployment::Layout& layout, const std::string& file) {
  return std::filesystem::path(file).is_absolute() ? file : layout.dir() + "/" + file;
}

}  // namespace

absl::StatusOr<std::vector<x509::Certificate>> LoadCertificates(
    const deployment::Layout& layout, const std::vector<std::string>& files,
    std::string_view what) {
  std::vector<x509::Certificate> certificates;
  for (const std::string& file : files) {
    const std::string path = InDeployment(layout, file);
    absl::StatusOr<std::string> pem = ReadFile(path, kMaxPemFile);
    absl::StatusOr<std::vector<x509::Certificate>> chain =
        pem.ok() ? x509::Certificate::ChainFromPem(*pem) : pem.status();
    if (!chain.ok() || chain->empty()) {
      return Error(Reason::kConfigInvalid, absl::StrCat(std::string(what), ": ", path,
                                                        ": not a readable PEM certificate file"));
    }
    certificates.insert(certificates.end(), chain->begin(), chain->end());
  }
  return certificates;
}

absl::StatusOr<std::vector<crypto::PublicKey>> LoadAuditorKeys(
    const deployment::Layout& layout, const deployment::DeploymentConfig& config) {
  std::vector<crypto::PublicKey> keys;
  for (const std::string& file : config.provenance_auditors) {
    const std::string path = InDeployment(layout, file);
    auto refuse = [&](std::string_view why) {
      return Error(Reason::kConfigInvalid,
                   absl::StrCat("provenance.auditors: ", path, ": ", std::string(why)));
    };
    absl::StatusOr<std::string> pem = ReadFile(path, kMaxPemFile);
    if (!pem.ok()) return refuse(std::string(pem.status().message()));
    absl::StatusOr<crypto::PublicKey> key = crypto::PublicKey::FromPem(*pem);
    if (!key.ok()) return refuse("not a PEM public key");
    if (key->type() == crypto::KeyType::kEd25519) {
      return refuse("records are sealed for EC P-256/P-384 or RSA keys, not Ed25519");
    }
    keys.push_back(*std::move(key));
  }
  return keys;
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
