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

absl::StatusOr<std::unique_ptr<net::HttpsClient>> Connect(const std::string& url,
                                                          const HttpsEndpoints& endpoints) {
  TWI_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseHttpsUrl(url));
  return std::make_unique<net::HttpsClient>(endpoint.host, endpoint.port, ServerAuthTls(endpoints),
                                            endpoints.client_options);
}

absl::StatusOr<Acquired> AcquireOverHttps(const HttpsEndpoints& endpoints,
                                          std::string_view mechanism, evidence::Attester& attester,
                                          const AcquireOptions& options) {
  if (mechanism != "A" && mechanism != "B" && mechanism != "C" && mechanism != "D") {
    return Error(Reason::kInvalidArgument, "mechanism must be A, B, C or D");
  }
  if (mechanism == "C") {
    // The workload talks to the CA only; the CA's Verifier appraises on its behalf.
    TWI_ASSIGN_OR_RETURN(std::unique_ptr<net::HttpsClient> client,
                         Connect(endpoints.ca_url, endpoints));
    HttpsVerifierTransport ca(std::move(client), "/v1/credentials/challenge",
                              "/v1/credentials/attested");
    return AcquireWithMechanismC(ca, attester, options);
  }
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<net::HttpsClient> verifier_client,
                       Connect(endpoints.verifier_url, endpoints));
  HttpsVerifierTransport verifier(std::move(verifier_client));
  if (mechanism == "A") return AcquireWithMechanismA(verifier, attester, options);
  if (mechanism == "D") {
    TWI_ASSIGN_OR_RETURN(
        std::unique_ptr<net::HttpsClient> client,
        Connect(endpoints.key_store_url.empty() ? endpoints.ca_url : endpoints.key_store_url,
                endpoints));
    HttpsKeyStoreTransport key_store(std::move(client));
    return AcquireWithMechanismD(verifier, key_store, attester, options);
  }

  TWI_ASSIGN_OR_RETURN(net::Endpoint ca_endpoint, net::ParseHttpsUrl(endpoints.ca_url));
  issuer::HttpsCredentialIssuer ca(std::move(ca_endpoint), ServerAuthTls(endpoints),
                                   issuer::kPublicCredentialsPath, endpoints.client_options);
  return AcquireWithMechanismB(verifier, ca, attester, options);
}

}  // namespace twi::agent
