// TLS material and policy for twi's HTTPS server and client.
//
// TLS 1.3 only, on both sides. Certificates are verified by OpenSSL against the PEM trust anchors
// given here (never the system store). The configuration is plain data; HttpsServer::Start and
// HttpsClient check it and report kConfigInvalid for unusable material.
#pragma once

#include <string>

#include "libs/core/secret.h"

namespace twi::net {

enum class ClientAuth {
  kNone,      // no certificate is requested
  kOptional,  // requested; if presented it must verify, else the handshake fails
  kRequired,  // the handshake fails without a verified client certificate
};

struct TlsServerConfig {
  std::string certificate_chain_pem;  // leaf first, then intermediates
  SecretBytes private_key_pem;        // PKCS#8 PEM ("PRIVATE KEY")
  std::string client_ca_pem;          // trust anchors for client certificates
  ClientAuth client_auth = ClientAuth::kNone;
};

struct TlsClientConfig {
  std::string ca_pem;  // trust anchors for the server certificate (required)
  // Checked against the server certificate's DNS SAN, or IP SAN for an address literal; defaults
  // to the host being connected to. Sent as SNI when it is a DNS name.
  std::string server_name;
  std::string certificate_chain_pem;  // optional client certificate (mTLS), leaf first
  SecretBytes private_key_pem;        // its PKCS#8 PEM key
};

}  // namespace twi::net
