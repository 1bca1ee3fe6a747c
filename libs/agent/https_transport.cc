#include "libs/agent/https_transport.h"

#include "libs/core/status.h"
#include "libs/net/json_api.h"

namespace twi::agent {

absl::StatusOr<verifier::Challenge> HttpsVerifierTransport::NewChallenge() {
  TWI_ASSIGN_OR_RETURN(Json json, net::PostJson(*client_, "/v1/challenge", Json::object()));
  return verifier::ChallengeFromJson(json);
}

absl::StatusOr<Bytes> HttpsVerifierTransport::TlsExporter() { return client_->TlsExporter(); }

absl::StatusOr<verifier::AttestationResponse> HttpsVerifierTransport::Attest(
    const verifier::AttestationRequest& request) {
  // The evidence binds this connection's exporter: never retry it on a new connection.
  TWI_ASSIGN_OR_RETURN(Json json, net::PostJson(*client_, "/v1/attest", verifier::ToJson(request),
                                                /*allow_reconnect=*/false));
  return verifier::AttestationResponseFromJson(json);
}

}  // namespace twi::agent
