// Test-only helpers for libs/net tests: a shared test PKI, server/client TLS configurations and a
// raw OpenSSL TLS client for wire-level checks the HttpsClient deliberately cannot make.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "libs/net/client.h"
#include "libs/net/router.h"
#include "libs/net/server.h"
#include "libs/net/tls.h"
#include "testing/test_pki.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace twi::net::testing {

inline constexpr char kClientSpiffeId[] = "spiffe://example.org/workload/test";

struct Pki {
  twi::testing::TestCertificate ca;
  twi::testing::TestCertificate server;  // DNS localhost, IP 127.0.0.1
  twi::testing::TestCertificate client;  // URI kClientSpiffeId
  twi::testing::TestCertificate other_ca;
  twi::testing::TestCertificate other_client;  // signed by other_ca
};

// Built once per test process.
const Pki& SharedPki();

SecretBytes Secret(std::string_view text);

// Server options for 127.0.0.1, ephemeral port, with the shared server certificate.
ServerOptions TestServerOptions(ClientAuth client_auth = ClientAuth::kNone);
// Trusts the shared CA; presents the shared client certificate if `with_certificate`.
TlsClientConfig TestClientTls(bool with_certificate = false);

// Registers GET and POST (json_body) /echo and GET /mtls-only (require_client_certificate); each
// answers 200 with {"method","path","query","body","exporter" (hex),"verified","uri_sans",
// "subject","remote"} describing the request as the handler saw it.
void AddEchoRoutes(Router& router);
std::shared_ptr<const Router> EchoRouter();

// A started server (fails the test via ADD_FAILURE and returns null on error).
std::unique_ptr<HttpsServer> StartTestServer(std::shared_ptr<const Router> router,
                                             ServerOptions options);

HttpsClient TestClient(const HttpsServer& server, TlsClientConfig tls = TestClientTls(),
                       ClientOptions options = {});

// Blocking TLS client over a plain socket, with deadlines from SO_RCVTIMEO/SO_SNDTIMEO.
class RawTlsClient {
 public:
  // Connects to 127.0.0.1:port and handshakes with at most `max_tls_version` (e.g.
  // TLS1_2_VERSION). Null (with `error` set) if connecting or the handshake fails.
  static std::unique_ptr<RawTlsClient> Connect(uint16_t port, int max_tls_version,
                                               std::string* error);
  ~RawTlsClient();

  bool Write(std::string_view data);
  // Reads until the server closes the connection or `timeout` passes. `closed` tells which.
  std::string ReadUntilClosed(absl::Duration timeout, bool* closed);
  // Reads until what was received contains `marker`, the connection closes or `timeout` passes.
  std::string ReadUntil(std::string_view marker, absl::Duration timeout);

 private:
  RawTlsClient() = default;
  // Reads into `received` until `done`, the deadline, or the connection closes (returns true).
  bool Read(absl::Duration timeout, const std::function<bool(const std::string&)>& done,
            std::string& received);
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

}  // namespace twi::net::testing
