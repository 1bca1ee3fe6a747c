// VerifierTransport over HTTPS (libs/net): JSON bodies, problem+json errors turned back into
// Statuses with the server's reason code. The CA side is issuer::HttpsCredentialIssuer.
#pragma once

#include <memory>

#include "libs/agent/acquire.h"
#include "libs/net/client.h"

namespace twi::agent {

// One connection: the challenge, the exporter and the attestation all use it, so the evidence
// binds the channel that carries it. Not thread-safe (one per workload acquisition).
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

}  // namespace twi::agent
