#include "libs/deployment/service_tls.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/keys.h"
#include "libs/deployment/key_store.h"
#include "libs/x509/issue.h"

namespace twi::deployment {

absl::StatusOr<ServiceTlsIdentity> IssueServiceTls(const ServiceTlsRequest& request,
                                                   const x509::Certificate& internal_ca,
                                                   const crypto::Signer& internal_ca_signer) {
  const std::string& service = request.service;
  const bool valid_name =
      !service.empty() && service.size() <= 64 && service.front() != '/' && service.back() != '/' &&
      std::all_of(service.begin(), service.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '/';
      });
  if (!valid_name) {
    return Error(Reason::kInvalidArgument, "a service name has 1 to 64 of [a-z0-9-/]");
  }
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  x509::CertificateTemplate tmpl{.subject_key = key.public_key()};
  tmpl.subject = {{"O", "twi"}, {"CN", service}};
  tmpl.uri_sans = {"spiffe://" + request.trust_domain + "/twi/" + service};
  if (request.server) {
    tmpl.dns_sans = {"localhost"};
    tmpl.ip_sans = {"127.0.0.1", "::1"};
  }
  tmpl.not_before = request.now - absl::Minutes(5);
  tmpl.not_after = std::min(request.now + request.validity, internal_ca.not_after());
  tmpl.extended_key_usages = {x509::ExtendedKeyUsage::kServerAuth,
                              x509::ExtendedKeyUsage::kClientAuth};
  TWI_ASSIGN_OR_RETURN(x509::Certificate cert,
                       x509::IssueCertificate(tmpl, &internal_ca, internal_ca_signer));
  return ServiceTlsIdentity{cert.ToPem(), key.ToPkcs8Pem()};
}

absl::StatusOr<ServiceTlsIdentity> IssueDeploymentServiceTls(ServiceTlsRequest request,
                                                             const Layout& layout,
                                                             const DeploymentConfig& config,
                                                             keystore::KeyStore& key_store,
                                                             std::string* ca_pem) {
  TWI_ASSIGN_OR_RETURN(std::string pem, ReadFile(layout.cert(kInternalCa), 256 * 1024));
  auto ca = x509::Certificate::FromPem(pem);
  if (!ca.ok()) return Annotate(ca.status(), layout.cert(kInternalCa));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> signer,
                       OpenRoleSigner(key_store, config.key_store, kInternalCa));
  request.trust_domain = config.trust_domain;
  TWI_ASSIGN_OR_RETURN(ServiceTlsIdentity identity, IssueServiceTls(request, *ca, *signer));
  if (ca_pem != nullptr) *ca_pem = std::move(pem);
  return identity;
}

}  // namespace twi::deployment
