#include "libs/net/net_testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace twi::net::testing {
namespace {

using twi::testing::MakeTestCa;
using twi::testing::MakeTestLeaf;

void SetSocketTimeout(int fd, absl::Duration timeout) {
  timeval tv = absl::ToTimeval(std::max(timeout, absl::Milliseconds(1)));
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

std::string OpenSslErrors() {
  std::string text;
  while (const unsigned long err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    text += buf;
    text += "; ";
  }
  return text;
}

}  // namespace

const Pki& SharedPki() {
  static const Pki* const pki = [] {
    auto* p = new Pki;
    p->ca = MakeTestCa("twi test CA");
    p->server = MakeTestLeaf(p->ca, "server", {"localhost"}, {"127.0.0.1"}, {});
    p->client = MakeTestLeaf(p->ca, "client", {}, {}, {kClientSpiffeId});
    p->other_ca = MakeTestCa("other CA");
    p->other_client = MakeTestLeaf(p->other_ca, "intruder", {}, {}, {kClientSpiffeId});
    return p;
  }();
  return *pki;
}

SecretBytes Secret(std::string_view text) { return SecretBytes(AsBytes(text)); }

ServerOptions TestServerOptions(ClientAuth client_auth) {
  const Pki& pki = SharedPki();
  ServerOptions options;
  options.tls.certificate_chain_pem = pki.server.certificate_pem;
  options.tls.private_key_pem = Secret(pki.server.private_key_pem);
  options.tls.client_ca_pem = pki.ca.certificate_pem;
  options.tls.client_auth = client_auth;
  return options;
}

TlsClientConfig TestClientTls(bool with_certificate) {
  const Pki& pki = SharedPki();
  TlsClientConfig tls;
  tls.ca_pem = pki.ca.certificate_pem;
  if (with_certificate) {
    tls.certificate_chain_pem = pki.client.certificate_pem;
    tls.private_key_pem = Secret(pki.client.private_key_pem);
  }
  return tls;
}

void AddEchoRoutes(Router& router) {
  const Handler echo = [](const HttpRequest& request) {
    return HttpResponse::Json(200, Json{{"method", request.method},
                                        {"path", request.path},
                                        {"query", request.query},
                                        {"body", request.body},
                                        {"exporter", HexEncode(request.tls_exporter)},
                                        {"verified", request.peer.certificate_verified},
                                        {"uri_sans", request.peer.uri_sans},
                                        {"subject", request.peer.subject},
                                        {"remote", request.remote_address}});
  };
  router.Handle("GET", "/echo", echo);
  router.Handle("POST", "/echo", echo, RouteOptions{.json_body = true});
  router.Handle("GET", "/mtls-only", echo, RouteOptions{.require_client_certificate = true});
}

std::shared_ptr<const Router> EchoRouter() {
  auto router = std::make_shared<Router>();
  AddEchoRoutes(*router);
  return router;
}

std::unique_ptr<HttpsServer> StartTestServer(std::shared_ptr<const Router> router,
                                             ServerOptions options) {
  absl::StatusOr<std::unique_ptr<HttpsServer>> server =
      HttpsServer::Start(std::move(options), std::move(router));
  if (!server.ok()) {
    ADD_FAILURE() << "server did not start: " << server.status();
    return nullptr;
  }
  return *std::move(server);
}

HttpsClient TestClient(const HttpsServer& server, TlsClientConfig tls, ClientOptions options) {
  return HttpsClient("127.0.0.1", server.port(), std::move(tls), options);
}

std::unique_ptr<RawTlsClient> RawTlsClient::Connect(uint16_t port, int max_tls_version,
                                                    std::string* error) {
  // OpenSSL writes to the socket directly (alerts included); a peer that already closed must
  // not kill the test process.
  signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<RawTlsClient> client(new RawTlsClient);
  client->fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SetSocketTimeout(client->fd_, absl::Seconds(5));
  // Requests must reach the server when written, not after a delayed ACK.
  const int one = 1;
  setsockopt(client->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(client->fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    *error = "connect failed";
    return nullptr;
  }
  client->ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_max_proto_version(client->ctx_, max_tls_version);
  BIO* bio = BIO_new_mem_buf(SharedPki().ca.certificate_pem.data(),
                             static_cast<int>(SharedPki().ca.certificate_pem.size()));
  X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(client->ctx_), ca);
  X509_free(ca);
  SSL_CTX_set_verify(client->ctx_, SSL_VERIFY_PEER, nullptr);
  client->ssl_ = SSL_new(client->ctx_);
  SSL_set_fd(client->ssl_, client->fd_);
  if (SSL_connect(client->ssl_) != 1) {
    *error = "handshake failed: " + OpenSslErrors();
    return nullptr;
  }
  return client;
}

RawTlsClient::~RawTlsClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  if (fd_ >= 0) close(fd_);
  ERR_clear_error();
}

bool RawTlsClient::Write(std::string_view data) {
  return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) ==
         static_cast<int>(data.size());
}

std::string RawTlsClient::ReadUntilClosed(absl::Duration timeout, bool* closed) {
  std::string received;
  *closed = Read(
      timeout, [](const std::string&) { return false; }, received);
  return received;
}

std::string RawTlsClient::ReadUntil(std::string_view marker, absl::Duration timeout) {
  std::string received;
  Read(
      timeout, [marker](const std::string& data) { return data.find(marker) != std::string::npos; },
      received);
  return received;
}

bool RawTlsClient::Read(absl::Duration timeout, const std::function<bool(const std::string&)>& done,
                        std::string& received) {
  const absl::Time deadline = absl::Now() + timeout;
  char buffer[4096];
  bool closed = false;
  while (!done(received) && absl::Now() < deadline) {
    SetSocketTimeout(fd_, deadline - absl::Now());
    const int n = SSL_read(ssl_, buffer, sizeof(buffer));
    if (n > 0) {
      received.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (SSL_get_error(ssl_, n) == SSL_ERROR_WANT_READ) continue;  // SO_RCVTIMEO expired
    closed = true;                                                // close_notify, EOF or reset
    break;
  }
  ERR_clear_error();
  return closed;
}

}  // namespace twi::net::testing
