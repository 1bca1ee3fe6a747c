#include "libs/agent/https_transport.h"

#include "libs/core/status.h"
#include "libs/net/problem.h"

namespace twi::agent {

absl::StatusOr<Json> PostJson(net::HttpsClient& client, std::string_view path, const Json& body,
                              bool allow_reconnect) {
  TWI_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      client.Request("POST", path, DumpJson(body), "application/json", {}, allow_reconnect));
  TWI_RETURN_IF_ERROR(net::StatusFromResponse(response));
  return ParseJsonObject(response.body);
}

absl::StatusOr<verifier::Challenge> HttpsVerifierTransport::NewChallenge() {
  TWI_ASSIGN_OR_RETURN(Json json, PostJson(*client_, "/v1/challenge", Json::object()));
  return verifier::ChallengeFromJson(json);
}

absl::StatusOr<Bytes> HttpsVerifierTransport::TlsExporter() { return client_->TlsExporter(); }

absl::StatusOr<verifier::AttestationResponse> HttpsVerifierTransport::Attest(
    const verifier::AttestationRequest& request) {
  // The evidence binds this connection's exporter: never retry it on a new connection.
  TWI_ASSIGN_OR_RETURN(Json json, PostJson(*client_, "/v1/attest", verifier::ToJson(request),
                                           /*allow_reconnect=*/false));
  return verifier::AttestationResponseFromJson(json);
}

absl::StatusOr<issuer::IssuedCredentials> HttpsCaTransport::RequestCredentials(
    const issuer::CredentialRequest& request) {
  TWI_ASSIGN_OR_RETURN(Json json, PostJson(*client_, "/v1/credentials", issuer::ToJson(request)));
  return issuer::IssuedCredentialsFromJson(json);
}

}  // namespace twi::agent
