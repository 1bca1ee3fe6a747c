// Unusable configuration is reported as a Status at construction time, never a crash.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/net/client.h"
#include "libs/net/net_testing.h"
#include "libs/net/server.h"
#include "testing/status_matchers.h"

namespace twi::net {
namespace {

using ::twi::net::testing::Secret;
using ::twi::net::testing::SharedPki;
using ::twi::net::testing::TestClientTls;
using ::twi::net::testing::TestServerOptions;
using ::twi::testing::HasReason;

std::shared_ptr<const Router> EmptyRouter() { return std::make_shared<Router>(); }

absl::Status StartWith(ServerOptions options) {
  return HttpsServer::Start(std::move(options), EmptyRouter()).status();
}

TEST(TlsConfigTest, GarbageCertificatePem) {
  ServerOptions options = TestServerOptions();
  options.tls.certificate_chain_pem = "not a certificate";
  EXPECT_THAT(StartWith(std::move(options)), HasReason(Reason::kConfigInvalid));
}

TEST(TlsConfigTest, CorruptCertificateBody) {
  ServerOptions options = TestServerOptions();
  options.tls.certificate_chain_pem =
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  EXPECT_THAT(StartWith(std::move(options)), HasReason(Reason::kConfigInvalid));
}

TEST(TlsConfigTest, WrongPemLabelForCertificate) {
  ServerOptions options = TestServerOptions();
  options.tls.certificate_chain_pem = SharedPki().server.private_key_pem;
  EXPECT_THAT(StartWith(std::move(options)), HasReason(Reason::kConfigInvalid));
}

TEST(TlsConfigTest, GarbageKeyPem) {
  ServerOptions options = TestServerOptions();
  options.tls.private_key_pem =
      Secret("-----BEGIN PRIVATE KEY-----\nZm9v\n-----END PRIVATE KEY-----\n");
  EXPECT_THAT(StartWith(std::move(options)), HasReason(Reason::kConfigInvalid));
  ServerOptions empty_key = TestServerOptions();
  empty_key.tls.private_key_pem = SecretBytes();
  EXPECT_THAT(StartWith(std::move(empty_key)), HasReason(Reason::kConfigInvalid));
}

TEST(TlsConfigTest, KeyMustBePkcs8) {
  ServerOptions options = TestServerOptions();
  // A certificate block where the key should be.
  options.tls.private_key_pem = Secret(SharedPki().server.certificate_pem);
  EXPECT_THAT(StartWith(std::move(options)), HasReason(Reason::kConfigInvalid));
}

TEST(TlsConfigTest, KeyNotMatchingCertificate) {
  ServerOptions options = TestServerOptions();
  options.tls.private_key_pem = Secret(SharedPki().client.private_key_pem);
  EXPECT_THAT(StartWith(std::move(options)), HasReason(Reason::kConfigInvalid));
}

TEST(TlsConfigTest, ClientAuthNeedsTrustAnchors) {
  for (ClientAuth auth : {ClientAuth::kOptional, ClientAuth::kRequired}) {
    ServerOptions options = TestServerOptions(auth);
    options.tls.client_ca_pem.clear();
    EXPECT_THAT(StartWith(std::move(options)), HasReason(Reason::kConfigInvalid));
    ServerOptions garbage = TestServerOptions(auth);
    garbage.tls.client_ca_pem = "junk";
    EXPECT_THAT(StartWith(std::move(garbage)), HasReason(Reason::kConfigInvalid));
  }
}

TEST(TlsConfigTest, BadServerOptions) {
  ServerOptions host_name = TestServerOptions();
  host_name.address = "localhost";  // numeric addresses only
  EXPECT_THAT(StartWith(std::move(host_name)), HasReason(Reason::kConfigInvalid));
  ServerOptions no_threads = TestServerOptions();
  no_threads.threads = 0;
  EXPECT_THAT(StartWith(std::move(no_threads)), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(HttpsServer::Start(TestServerOptions(), nullptr), HasReason(Reason::kConfigInvalid));
}

TEST(TlsConfigTest, PortInUseIsUnavailable) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<HttpsServer> first,
                       HttpsServer::Start(TestServerOptions(), EmptyRouter()));
  ServerOptions options = TestServerOptions();
  options.port = first->port();
  EXPECT_THAT(StartWith(std::move(options)), HasReason(Reason::kUnavailable));
}

TEST(TlsConfigTest, ClientWithoutTrustAnchorsFailsEveryCall) {
  TlsClientConfig tls = TestClientTls();
  tls.ca_pem.clear();
  HttpsClient client("127.0.0.1", 1, std::move(tls));
  EXPECT_THAT(client.Request("GET", "/"), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(client.TlsExporter(), HasReason(Reason::kConfigInvalid));
  EXPECT_FALSE(client.connected());
}

TEST(TlsConfigTest, ClientKeyNotMatchingCertificate) {
  TlsClientConfig tls = TestClientTls(/*with_certificate=*/true);
  tls.private_key_pem = Secret(SharedPki().server.private_key_pem);
  HttpsClient client("127.0.0.1", 1, std::move(tls));
  EXPECT_THAT(client.Request("GET", "/"), HasReason(Reason::kConfigInvalid));
}

}  // namespace
}  // namespace twi::net
