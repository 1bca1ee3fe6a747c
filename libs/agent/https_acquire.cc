#include "libs/agent/https_acquire.h"

#include "libs/agent/https_transport.h"
#include "libs/core/status.h"
#include "libs/issuer/https_issuer.h"

namespace twi::agent {
namespace {

absl::StatusOr<std::unique_ptr<net::HttpsClient>> Connect(const std::string& url,
                                                          const HttpsEndpoints& endpoints) {
  TWI_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseHttpsUrl(url));
  net::TlsClientConfig tls;
  tls.ca_pem = endpoints.server_ca_pem;
  return std::make_unique<net::HttpsClient>(endpoint.host, endpoint.port, std::move(tls),
                                            endpoints.client_options);
}

}  // namespace

absl::StatusOr<Acquired> AcquireOverHttps(const HttpsEndpoints& endpoints,
                                          std::string_view mechanism, evidence::Attester& attester,
                                          const AcquireOptions& options) {
  if (mechanism != "A" && mechanism != "B") {
    return Error(Reason::kInvalidArgument, "mechanism must be A or B");
  }
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<net::HttpsClient> client,
                       Connect(endpoints.verifier_url, endpoints));
  HttpsVerifierTransport verifier(std::move(client));
  if (mechanism == "A") return AcquireWithMechanismA(verifier, attester, options);

  TWI_ASSIGN_OR_RETURN(net::Endpoint ca_endpoint, net::ParseHttpsUrl(endpoints.ca_url));
  net::TlsClientConfig tls;
  tls.ca_pem = endpoints.server_ca_pem;
  issuer::HttpsCredentialIssuer ca(std::move(ca_endpoint), std::move(tls),
                                   issuer::kPublicCredentialsPath, endpoints.client_options);
  return AcquireWithMechanismB(verifier, ca, attester, options);
}

}  // namespace twi::agent
