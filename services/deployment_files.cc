#include "services/deployment_files.h"

#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/keys.h"

namespace twi::services {
namespace {

constexpr size_t kMaxPemFile = 256 * 1024;

absl::StatusOr<SecretBytes> ReadSecretFile(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxPemFile));
  SecretBytes secret(AsBytes(text));
  SecureWipe(text.data(), text.size());
  return secret;
}

}  // namespace

absl::StatusOr<x509::Certificate> LoadCertificate(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string pem, ReadFile(path, kMaxPemFile));
  auto cert = x509::Certificate::FromPem(pem);
  if (!cert.ok()) return Annotate(cert.status(), path);
  return cert;
}

absl::StatusOr<net::TlsServerConfig> LoadServerTls(const deployment::Layout& layout) {
  net::TlsServerConfig tls;
  TWI_ASSIGN_OR_RETURN(tls.certificate_chain_pem,
                       ReadFile(layout.cert(deployment::kServerTls), kMaxPemFile));
  TWI_ASSIGN_OR_RETURN(tls.private_key_pem, ReadSecretFile(layout.key(deployment::kServerTls)));
  TWI_ASSIGN_OR_RETURN(tls.client_ca_pem,
                       ReadFile(layout.cert(deployment::kInternalCa), kMaxPemFile));
  return tls;
}

absl::StatusOr<net::TlsClientConfig> LoadClientTls(const deployment::Layout& layout,
                                                   std::string_view client_name) {
  net::TlsClientConfig tls;
  TWI_ASSIGN_OR_RETURN(tls.ca_pem, ReadFile(layout.cert(deployment::kInternalCa), kMaxPemFile));
  TWI_ASSIGN_OR_RETURN(tls.certificate_chain_pem, ReadFile(layout.cert(client_name), kMaxPemFile));
  TWI_ASSIGN_OR_RETURN(tls.private_key_pem, ReadSecretFile(layout.key(client_name)));
  return tls;
}

}  // namespace twi::services
