// VerifierTransport over HTTPS (libs/net): JSON bodies, problem+json errors turned back into
// Statuses with the server's reason code. The CA side is issuer::HttpsCredentialIssuer.
#pragma once

#include <memory>
#include <string>

#include "libs/agent/acquire.h"
#include "libs/net/client.h"

namespace twi::agent {

// One connection: the challenge, the exporter and the attestation all use it, so the evidence
// binds the channel that carries it. Not thread-safe (one per workload acquisition).
class HttpsVerifierTransport final : public VerifierTransport {
 public:
  // The Verifier's own routes; the CA's mechanism C routes take the other paths.
  explicit HttpsVerifierTransport(std::unique_ptr<net::HttpsClient> client,
                                  std::string challenge_path = "/v1/challenge",
                                  std::string attest_path = "/v1/attest")
      : client_(std::move(client)),
        challenge_path_(std::move(challenge_path)),
        attest_path_(std::move(attest_path)) {}
  absl::StatusOr<verifier::Challenge> NewChallenge() override;
  absl::StatusOr<Bytes> TlsExporter() override;
  absl::StatusOr<verifier::AttestationResponse> Attest(
      const verifier::AttestationRequest& request) override;

 private:
  std::unique_ptr<net::HttpsClient> client_;
  const std::string challenge_path_;
  const std::string attest_path_;
};

// The Key Store's release route and published credentials (mechanism D).
class HttpsKeyStoreTransport final : public KeyStoreTransport {
 public:
  explicit HttpsKeyStoreTransport(std::unique_ptr<net::HttpsClient> client)
      : client_(std::move(client)) {}
  absl::StatusOr<keyrelease::ReleaseResponse> Release(
      const keyrelease::ReleaseRequest& request) override;
  absl::StatusOr<issuer::IssuedCredentials> Published(std::string_view workload) override;

 private:
  std::unique_ptr<net::HttpsClient> client_;
};

}  // namespace twi::agent
