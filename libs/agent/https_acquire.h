// One-shot acquisition over HTTPS (`twi agent acquire`): connects to the Verifier (and for
// mechanism B the CA) with server-authenticated TLS 1.3 and runs the mechanism's flow.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "libs/agent/acquire.h"
#include "libs/net/client.h"

namespace twi::agent {

struct HttpsEndpoints {
  std::string verifier_url;   // https://host:port of the Verifier's public listener
  std::string ca_url;         // https://host:port of the CA's public listener (B, C)
  std::string key_store_url;  // the Key Store's (D); empty: ca_url (they run together)
  std::string server_ca_pem;  // trust anchors of the servers' TLS certificates
  net::ClientOptions client_options;
};

// A server-authenticated connection to `url` with the endpoints' TLS anchors and options.
absl::StatusOr<std::unique_ptr<net::HttpsClient>> Connect(const std::string& url,
                                                          const HttpsEndpoints& endpoints);

// `mechanism` is "A", "B", "C" or "D" (kInvalidArgument otherwise). Errors: the servers' reason
// codes, kTransportError / kTimeout, kConfigInvalid for bad URLs or TLS material.
absl::StatusOr<Acquired> AcquireOverHttps(const HttpsEndpoints& endpoints,
                                          std::string_view mechanism, evidence::Attester& attester,
                                          const AcquireOptions& options);

}  // namespace twi::agent
