#include "libs/agent/https_transport.h"

#include "libs/core/status.h"
#include "libs/net/json_api.h"

namespace twi::agent {

absl::StatusOr<verifier::Challenge> HttpsVerifierTransport::NewChallenge() {
  TWI_ASSIGN_OR_RETURN(Json json, net::PostJson(*client_, challenge_path_, Json::object()));
  return verifier::ChallengeFromJson(json);
}

absl::StatusOr<Bytes> HttpsVerifierTransport::TlsExporter() { return client_->TlsExporter(); }

absl::StatusOr<verifier::AttestationResponse> HttpsVerifierTransport::Attest(
    const verifier::AttestationRequest& request) {
  // The evidence binds this connection's exporter: never retry it on a new connection.
  TWI_ASSIGN_OR_RETURN(Json json, net::PostJson(*client_, attest_path_, verifier::ToJson(request),
                                                /*allow_reconnect=*/false));
  return verifier::AttestationResponseFromJson(json);
}

absl::StatusOr<keyrelease::ReleaseResponse> HttpsKeyStoreTransport::Release(
    const keyrelease::ReleaseRequest& request) {
  TWI_ASSIGN_OR_RETURN(
      Json json, net::PostJson(*client_, keyrelease::kReleasePath, keyrelease::ToJson(request)));
  return keyrelease::ReleaseResponseFromJson(json);
}

absl::StatusOr<issuer::IssuedCredentials> HttpsKeyStoreTransport::Published(
    std::string_view workload) {
  TWI_ASSIGN_OR_RETURN(Json json, net::GetJson(*client_, std::string(keyrelease::kPublishedPath) +
                                                             "?workload=" + std::string(workload)));
  return issuer::IssuedCredentialsFromJson(json);
}

}  // namespace twi::agent
