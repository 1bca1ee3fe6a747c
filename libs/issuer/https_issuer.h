// A CredentialIssuer that is a remote Credential Authority reached over HTTPS: what a workload
// uses for mechanism B (POST /v1/credentials, server-authenticated TLS) and what a Verifier in
// another process uses for mechanism A (POST /v1/internal/credentials over mTLS with the
// verifier's service certificate).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/issuer/credential_api.h"
#include "libs/net/client.h"
#include "libs/net/tls.h"

namespace twi::issuer {

inline constexpr char kPublicCredentialsPath[] = "/v1/credentials";
inline constexpr char kInternalCredentialsPath[] = "/v1/internal/credentials";

class HttpsCredentialIssuer final : public CredentialIssuer {
 public:
  HttpsCredentialIssuer(net::Endpoint endpoint, net::TlsClientConfig tls, std::string path,
                        net::ClientOptions options = {});

  // Thread-safe: each call borrows a keep-alive connection from a pool (a new one when all are
  // busy) and returns it afterwards. Errors: the CA's reason codes as its problem response
  // carries them, or kTransportError / kTimeout.
  absl::StatusOr<IssuedCredentials> Issue(const CredentialRequest& request) override;

 private:
  std::unique_ptr<net::HttpsClient> Borrow();
  void Return(std::unique_ptr<net::HttpsClient> client);

  const net::Endpoint endpoint_;
  const net::TlsClientConfig tls_;
  const std::string path_;
  const net::ClientOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<net::HttpsClient>> idle_;  // guarded by mu_
};

// A copy of `tls` (the private key is a move-only secret, so copies are explicit).
net::TlsClientConfig CopyTlsClientConfig(const net::TlsClientConfig& tls);

}  // namespace twi::issuer
