// Internal to libs/net: OpenSSL contexts and per-connection TLS facts for the server and client.
#pragma once

#include <openssl/ssl.h>

#include <string>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/net/boost_asio.h"
#include "libs/net/http.h"
#include "libs/net/tls.h"

namespace twi::net::internal {

// TLS 1.3-only contexts with the configured certificates and trust anchors. kConfigInvalid for
// unparsable PEM, a key that does not match its certificate, or missing trust anchors.
absl::StatusOr<asio::ssl::context> MakeServerContext(const TlsServerConfig& config);
absl::StatusOr<asio::ssl::context> MakeClientContext(const TlsClientConfig& config);

// Before a client handshake: the name the server certificate must carry (IP SAN for an address
// literal, else DNS SAN, which is also sent as SNI). kConfigInvalid if it cannot be set.
absl::Status SetExpectedServerName(SSL* ssl, const std::string& server_name);

// After the handshake: the RFC 9266 §2 tls-exporter, i.e. the TLS exporter with label
// "EXPORTER-Channel-Binding", no context, 32 bytes. kTransportError if OpenSSL refuses.
absl::StatusOr<Bytes> ChannelBindingExporter(SSL* ssl);

// After the handshake: the peer's certificate identity if it presented one that verified.
PeerIdentity VerifiedPeer(SSL* ssl);

// Human-readable cause of a failed handshake, including the certificate verification error.
std::string HandshakeFailureDetail(SSL* ssl, const ErrorCode& ec);

}  // namespace twi::net::internal
