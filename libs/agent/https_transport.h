// VerifierTransport and CaTransport over HTTPS (libs/net): JSON bodies, problem+json errors
// turned back into Statuses with the server's reason code.
#pragma once

#include <memory>

#include "libs/agent/acquire.h"
#include "libs/core/json.h"
#include "libs/net/client.h"

namespace twi::agent {

// POSTs `body` to `path` and returns the parsed JSON object of a 2xx answer, or the Status the
// server's problem response carries. `allow_reconnect` false pins the request to the current
// connection (needed when evidence binds its TLS exporter).
absl::StatusOr<Json> PostJson(net::HttpsClient& client, std::string_view path, const Json& body,
                              bool allow_reconnect = true);

class HttpsVerifierTransport final : public VerifierTransport {
 public:
  explicit HttpsVerifierTransport(std::unique_ptr<net::HttpsClient> client)
      : client_(std::move(client)) {}
  absl::StatusOr<verifier::Challenge> NewChallenge() override;
  absl::StatusOr<Bytes> TlsExporter() override;
  absl::StatusOr<verifier::AttestationResponse> Attest(
      const verifier::AttestationRequest& request) override;

 private:
  std::unique_ptr<net::HttpsClient> client_;
};

class HttpsCaTransport final : public CaTransport {
 public:
  explicit HttpsCaTransport(std::unique_ptr<net::HttpsClient> client)
      : client_(std::move(client)) {}
  absl::StatusOr<issuer::IssuedCredentials> RequestCredentials(
      const issuer::CredentialRequest& request) override;

 private:
  std::unique_ptr<net::HttpsClient> client_;
};

}  // namespace twi::agent
