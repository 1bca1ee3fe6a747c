#include "libs/agent/https_acquire.h"

#include "libs/agent/https_transport.h"
#include "libs/core/status.h"
#include "libs/issuer/https_issuer.h"

namespace twi::agent {
namespace {

// Server-authenticated TLS: the workload has no credential yet.
net::TlsClientConfig ServerAuthTls(const HttpsEndpoints& endpoints) {
  net::TlsClientConfig tls;
  tls.ca_pem = endpoints.server_ca_pem;
  return tls;
}

}  // namespace

absl::StatusOr<Acquired> AcquireOverHttps(const HttpsEndpoints& endpoints,
                                          std::string_view mechanism, evidence::Attester& attester,
                                          const AcquireOptions& options) {
  if (mechanism != "A" && mechanism != "B") {
    return Error(Reason::kInvalidArgument, "mechanism must be A or B");
  }
  TWI_ASSIGN_OR_RETURN(net::Endpoint verifier_endpoint, net::ParseHttpsUrl(endpoints.verifier_url));
  HttpsVerifierTransport verifier(
      std::make_unique<net::HttpsClient>(verifier_endpoint.host, verifier_endpoint.port,
                                         ServerAuthTls(endpoints), endpoints.client_options));
  if (mechanism == "A") return AcquireWithMechanismA(verifier, attester, options);

  TWI_ASSIGN_OR_RETURN(net::Endpoint ca_endpoint, net::ParseHttpsUrl(endpoints.ca_url));
  issuer::HttpsCredentialIssuer ca(std::move(ca_endpoint), ServerAuthTls(endpoints),
                                   issuer::kPublicCredentialsPath, endpoints.client_options);
  return AcquireWithMechanismB(verifier, ca, attester, options);
}

}  // namespace twi::agent
