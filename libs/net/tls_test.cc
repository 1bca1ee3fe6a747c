// TLS policy end to end: TLS 1.3 only, server authentication, mutual TLS.
#include <openssl/ssl.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/json.h"
#include "libs/net/client.h"
#include "libs/net/net_testing.h"
#include "libs/net/problem.h"
#include "libs/net/server.h"
#include "testing/status_matchers.h"

namespace twi::net {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::twi::net::testing::EchoRouter;
using ::twi::net::testing::kClientSpiffeId;
using ::twi::net::testing::RawTlsClient;
using ::twi::net::testing::Secret;
using ::twi::net::testing::SharedPki;
using ::twi::net::testing::StartTestServer;
using ::twi::net::testing::TestClient;
using ::twi::net::testing::TestClientTls;
using ::twi::net::testing::TestServerOptions;
using ::twi::testing::HasReason;

Json BodyOf(const HttpResponse& response) {
  absl::StatusOr<Json> body = ParseJsonObject(response.body);
  EXPECT_OK(body);
  return body.ok() ? *body : Json::object();
}

TEST(TlsTest, Tls12ClientIsRefused) {
  std::unique_ptr<HttpsServer> server = StartTestServer(EchoRouter(), TestServerOptions());
  ASSERT_NE(server, nullptr);
  std::string error;
  EXPECT_EQ(RawTlsClient::Connect(server->port(), TLS1_2_VERSION, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("handshake failed"));
  // The same raw client speaking TLS 1.3 gets through, so the refusal is about the version.
  EXPECT_NE(RawTlsClient::Connect(server->port(), TLS1_3_VERSION, &error), nullptr) << error;
}

TEST(TlsTest, ClientVerifiesServerIpSanByDefault) {
  std::unique_ptr<HttpsServer> server = StartTestServer(EchoRouter(), TestServerOptions());
  ASSERT_NE(server, nullptr);
  HttpsClient client = TestClient(*server);
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/echo"));
  EXPECT_EQ(response.status, 200);
}

TEST(TlsTest, ClientVerifiesServerDnsSan) {
  std::unique_ptr<HttpsServer> server = StartTestServer(EchoRouter(), TestServerOptions());
  ASSERT_NE(server, nullptr);
  TlsClientConfig tls = TestClientTls();
  tls.server_name = "localhost";
  HttpsClient client = TestClient(*server, std::move(tls));
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/echo"));
  EXPECT_EQ(response.status, 200);
}

TEST(TlsTest, WrongTrustAnchorFails) {
  std::unique_ptr<HttpsServer> server = StartTestServer(EchoRouter(), TestServerOptions());
  ASSERT_NE(server, nullptr);
  TlsClientConfig tls = TestClientTls();
  tls.ca_pem = SharedPki().other_ca.certificate_pem;
  HttpsClient client = TestClient(*server, std::move(tls));
  const absl::StatusOr<HttpResponse> response = client.Request("GET", "/echo");
  EXPECT_THAT(response, HasReason(Reason::kTransportError));
  EXPECT_THAT(response.status().message(), HasSubstr("certificate"));
  EXPECT_FALSE(client.connected());
}

TEST(TlsTest, HostnameMismatchFails) {
  std::unique_ptr<HttpsServer> server = StartTestServer(EchoRouter(), TestServerOptions());
  ASSERT_NE(server, nullptr);
  for (const char* name : {"verifier.example.org", "127.0.0.2", "local"}) {
    TlsClientConfig tls = TestClientTls();
    tls.server_name = name;
    HttpsClient client = TestClient(*server, std::move(tls));
    EXPECT_THAT(client.Request("GET", "/echo"), HasReason(Reason::kTransportError)) << name;
  }
}

TEST(MutualTlsTest, RequiredRejectsClientWithoutCertificate) {
  std::unique_ptr<HttpsServer> server =
      StartTestServer(EchoRouter(), TestServerOptions(ClientAuth::kRequired));
  ASSERT_NE(server, nullptr);
  HttpsClient client = TestClient(*server, TestClientTls(/*with_certificate=*/false));
  EXPECT_THAT(client.Request("GET", "/echo"), HasReason(Reason::kTransportError));
}

TEST(MutualTlsTest, RequiredAcceptsCertificateFromTrustedCa) {
  std::unique_ptr<HttpsServer> server =
      StartTestServer(EchoRouter(), TestServerOptions(ClientAuth::kRequired));
  ASSERT_NE(server, nullptr);
  HttpsClient client = TestClient(*server, TestClientTls(/*with_certificate=*/true));
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/mtls-only"));
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = BodyOf(response);
  EXPECT_EQ(body["verified"], true);
  EXPECT_THAT(body["uri_sans"].get<std::vector<std::string>>(), ElementsAre(kClientSpiffeId));
  EXPECT_EQ(body["subject"], "CN=client");
}

TEST(MutualTlsTest, RequiredRefusesCertificateFromOtherCa) {
  std::unique_ptr<HttpsServer> server =
      StartTestServer(EchoRouter(), TestServerOptions(ClientAuth::kRequired));
  ASSERT_NE(server, nullptr);
  TlsClientConfig tls = TestClientTls();
  tls.certificate_chain_pem = SharedPki().other_client.certificate_pem;
  tls.private_key_pem = Secret(SharedPki().other_client.private_key_pem);
  HttpsClient client = TestClient(*server, std::move(tls));
  EXPECT_THAT(client.Request("GET", "/echo"), HasReason(Reason::kTransportError));
}

TEST(MutualTlsTest, OptionalServesBothAndRouteCanRequireCertificate) {
  std::unique_ptr<HttpsServer> server =
      StartTestServer(EchoRouter(), TestServerOptions(ClientAuth::kOptional));
  ASSERT_NE(server, nullptr);

  HttpsClient anonymous = TestClient(*server, TestClientTls(/*with_certificate=*/false));
  ASSERT_OK_AND_ASSIGN(HttpResponse open, anonymous.Request("GET", "/echo"));
  EXPECT_EQ(open.status, 200);
  EXPECT_EQ(BodyOf(open)["verified"], false);
  EXPECT_EQ(BodyOf(open)["subject"], "");
  ASSERT_OK_AND_ASSIGN(HttpResponse refused, anonymous.Request("GET", "/mtls-only"));
  EXPECT_EQ(refused.status, 401);
  EXPECT_THAT(StatusFromResponse(refused), HasReason(Reason::kUnauthenticated));

  HttpsClient authenticated = TestClient(*server, TestClientTls(/*with_certificate=*/true));
  ASSERT_OK_AND_ASSIGN(HttpResponse allowed, authenticated.Request("GET", "/mtls-only"));
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(BodyOf(allowed)["verified"], true);
  EXPECT_THAT(BodyOf(allowed)["uri_sans"].get<std::vector<std::string>>(),
              ElementsAre(kClientSpiffeId));
}

TEST(MutualTlsTest, NoneIgnoresClientCertificate) {
  std::unique_ptr<HttpsServer> server = StartTestServer(EchoRouter(), TestServerOptions());
  ASSERT_NE(server, nullptr);
  HttpsClient client = TestClient(*server, TestClientTls(/*with_certificate=*/true));
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/mtls-only"));
  EXPECT_EQ(response.status, 401);
}

}  // namespace
}  // namespace twi::net
