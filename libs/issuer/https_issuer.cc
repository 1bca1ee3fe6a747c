#include "libs/issuer/https_issuer.h"

#include "libs/core/status.h"
#include "libs/net/json_api.h"

namespace twi::issuer {
namespace {

// More idle connections than this are closed rather than kept.
constexpr size_t kMaxIdleConnections = 16;

}  // namespace

net::TlsClientConfig CopyTlsClientConfig(const net::TlsClientConfig& tls) {
  net::TlsClientConfig copy;
  copy.ca_pem = tls.ca_pem;
  copy.server_name = tls.server_name;
  copy.certificate_chain_pem = tls.certificate_chain_pem;
  copy.private_key_pem = SecretBytes(tls.private_key_pem.view());
  return copy;
}

HttpsCredentialIssuer::HttpsCredentialIssuer(net::Endpoint endpoint, net::TlsClientConfig tls,
                                             std::string path, net::ClientOptions options)
    : endpoint_(std::move(endpoint)),
      tls_(std::move(tls)),
      path_(std::move(path)),
      options_(options) {}

std::unique_ptr<net::HttpsClient> HttpsCredentialIssuer::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<net::HttpsClient> client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  return std::make_unique<net::HttpsClient>(endpoint_.host, endpoint_.port,
                                            CopyTlsClientConfig(tls_), options_);
}

void HttpsCredentialIssuer::Return(std::unique_ptr<net::HttpsClient> client) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(client));
}

absl::StatusOr<IssuedCredentials> HttpsCredentialIssuer::Issue(const CredentialRequest& request) {
  std::unique_ptr<net::HttpsClient> client = Borrow();
  absl::StatusOr<Json> answer = net::PostJson(*client, path_, ToJson(request));
  // A connection that failed at the transport level is dropped, not pooled.
  const Reason reason = GetReason(answer.status());
  if (answer.ok() || (reason != Reason::kTransportError && reason != Reason::kTimeout)) {
    Return(std::move(client));
  }
  if (!answer.ok()) return answer.status();
  return IssuedCredentialsFromJson(*answer);
}

}  // namespace twi::issuer
