// HttpsServer and HttpsClient end to end over real TLS on 127.0.0.1.
#include "libs/net/server.h"

#include <openssl/ssl.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/json.h"
#include "libs/net/client.h"
#include "libs/net/net_testing.h"
#include "libs/net/problem.h"
#include "testing/status_matchers.h"

namespace twi::net {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using ::twi::net::testing::AddEchoRoutes;
using ::twi::net::testing::EchoRouter;
using ::twi::net::testing::RawTlsClient;
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

// A handler that blocks until the test releases it. Released on destruction at the latest, so a
// failing test cannot leave the server's shutdown waiting forever; the handler shares the state,
// so it may outlive the Gate.
class Gate {
 public:
  ~Gate() { Open(); }
  Handler MakeHandler() {
    return [state = state_](const HttpRequest&) {
      state->entered.set_value();
      state->released.wait();
      return HttpResponse::Json(200, Json{{"slow", true}});
    };
  }
  void WaitEntered() { state_->entered_future.wait(); }
  void Open() {
    if (!state_->opened) state_->release.set_value();
    state_->opened = true;
  }

 private:
  struct State {
    std::promise<void> entered;
    std::future<void> entered_future = entered.get_future();
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    bool opened = false;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = TestServerOptions()) {
    AddEchoRoutes(*router_);
    server_ = StartTestServer(router_, std::move(options));
    ASSERT_NE(server_, nullptr);
  }
  HttpsClient Client(ClientOptions options = {}) {
    return TestClient(*server_, TestClientTls(), options);
  }

  std::shared_ptr<Router> router_ = std::make_shared<Router>();
  std::unique_ptr<HttpsServer> server_;
};

TEST_F(ServerTest, GetRoundTrip) {
  Start();
  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/echo?a=1&b=2"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.Header("cache-control"), "no-store");
  EXPECT_EQ(response.Header("content-length"), std::to_string(response.body.size()));
  const Json body = BodyOf(response);
  EXPECT_EQ(body["method"], "GET");
  EXPECT_EQ(body["path"], "/echo");
  EXPECT_EQ(body["query"], "a=1&b=2");
  EXPECT_THAT(body["remote"].get<std::string>(), StartsWith("127.0.0.1:"));
}

TEST_F(ServerTest, PostJsonRoundTrip) {
  Start();
  HttpsClient client = Client();
  const std::string payload = R"({"nonce":"abc","n":[1,2,3]})";
  ASSERT_OK_AND_ASSIGN(
      HttpResponse response,
      client.Request("POST", "/echo", payload, "application/json", {{"X-Trace", "t1"}}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(BodyOf(response)["body"], payload);
  EXPECT_OK(StatusFromResponse(response));
}

TEST_F(ServerTest, KeepAliveReusesConnectionAndExporterMatchesClient) {
  Start();
  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(Bytes exporter, client.TlsExporter());
  EXPECT_EQ(exporter.size(), 32u);
  ASSERT_OK_AND_ASSIGN(HttpResponse first,
                       client.Request("GET", "/echo", {}, "application/json", {},
                                      /*allow_reconnect=*/false));
  EXPECT_TRUE(client.connected());
  ASSERT_OK_AND_ASSIGN(HttpResponse second, client.Request("GET", "/echo"));
  EXPECT_EQ(BodyOf(first)["exporter"], HexEncode(exporter));
  EXPECT_EQ(BodyOf(second)["exporter"], HexEncode(exporter));
  EXPECT_EQ(BodyOf(first)["remote"], BodyOf(second)["remote"]);  // same TCP connection

  HttpsClient other = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse third, other.Request("GET", "/echo"));
  ASSERT_OK_AND_ASSIGN(Bytes other_exporter, other.TlsExporter());
  EXPECT_NE(other_exporter, exporter);
  EXPECT_EQ(BodyOf(third)["exporter"], HexEncode(other_exporter));
}

TEST_F(ServerTest, CloseOpensNewConnectionWithNewExporter) {
  Start();
  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(Bytes before, client.TlsExporter());
  client.Close();
  EXPECT_FALSE(client.connected());
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/echo"));
  ASSERT_OK_AND_ASSIGN(Bytes after, client.TlsExporter());
  EXPECT_NE(before, after);
  EXPECT_EQ(BodyOf(response)["exporter"], HexEncode(after));
}

TEST_F(ServerTest, BodyOverLimitIsBodyTooLargeProblem) {
  ServerOptions options = TestServerOptions();
  options.max_body_bytes = 1024;
  Start(std::move(options));
  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse response,
                       client.Request("POST", "/echo", std::string(4096, 'x')));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_EQ(response.Header("connection"), "close");
  const Json problem = BodyOf(response);
  EXPECT_EQ(problem["type"], "urn:twi:error:body-too-large");
  EXPECT_EQ(problem["title"], "BODY_TOO_LARGE");
  EXPECT_EQ(problem["status"], 413);
  EXPECT_EQ(problem["reason"], "BODY_TOO_LARGE");
  EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kBodyTooLarge));
  EXPECT_FALSE(client.connected());
  // A body at the limit is fine, on a fresh connection.
  ASSERT_OK_AND_ASSIGN(HttpResponse ok, client.Request("POST", "/echo", std::string(1024, 'y')));
  EXPECT_EQ(ok.status, 200);
}

TEST_F(ServerTest, WrongContentTypeIsUnsupportedMediaType) {
  Start();
  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse response,
                       client.Request("POST", "/echo", "hello", "text/plain"));
  EXPECT_EQ(response.status, 415);
  EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kUnsupportedMediaType));
}

TEST_F(ServerTest, UnknownPathAndWrongMethod) {
  Start();
  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse missing, client.Request("GET", "/nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(StatusFromResponse(missing), HasReason(Reason::kNotFound));
  ASSERT_OK_AND_ASSIGN(HttpResponse wrong, client.Request("DELETE", "/echo"));
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("allow"), "GET, POST");
  EXPECT_THAT(StatusFromResponse(wrong), HasReason(Reason::kMethodNotAllowed));
  // Error statuses keep the connection alive.
  EXPECT_TRUE(client.connected());
}

TEST_F(ServerTest, ThrowingHandlerIsInternalErrorWithoutDetail) {
  router_->Handle("GET", "/boom", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("db password is hunter2");
  });
  Start();
  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/boom"));
  EXPECT_EQ(response.status, 500);
  EXPECT_THAT(response.body, Not(HasSubstr("hunter2")));
  EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kInternal));
  ASSERT_OK_AND_ASSIGN(HttpResponse after, client.Request("GET", "/echo"));
  EXPECT_EQ(after.status, 200);
}

TEST_F(ServerTest, UnsendableHandlerResponseBecomesInternalError) {
  router_->Handle("GET", "/split", [](const HttpRequest&) {
    HttpResponse response = HttpResponse::Text(200, "text/plain", "x");
    response.headers.emplace_back("X-Injected", "a\r\nSet-Cookie: evil=1");
    return response;
  });
  router_->Handle("GET", "/status",
                  [](const HttpRequest&) { return HttpResponse::Text(1000, "text/plain", "x"); });
  Start();
  HttpsClient client = Client();
  for (const char* path : {"/split", "/status"}) {
    ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", path));
    EXPECT_EQ(response.status, 500) << path;
    EXPECT_EQ(response.Header("set-cookie"), std::nullopt);
  }
}

TEST_F(ServerTest, HandlerMayOverrideCacheControlButNotFraming) {
  router_->Handle("GET", "/bundle", [](const HttpRequest&) {
    HttpResponse response = HttpResponse::Text(200, "application/json", "{}");
    response.headers = {
        {"Cache-Control", "max-age=60"}, {"Content-Length", "999"}, {"Connection", "close"}};
    return response;
  });
  Start();
  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/bundle"));
  EXPECT_EQ(response.Header("cache-control"), "max-age=60");
  EXPECT_EQ(response.Header("content-length"), "2");
  EXPECT_TRUE(client.connected());
}

TEST_F(ServerTest, MalformedRequestGets400AndServerKeepsServing) {
  Start();
  std::string error;
  std::unique_ptr<RawTlsClient> raw =
      RawTlsClient::Connect(server_->port(), TLS1_3_VERSION, &error);
  ASSERT_NE(raw, nullptr) << error;
  ASSERT_TRUE(raw->Write("THIS IS NOT HTTP\r\n\r\n"));
  bool closed = false;
  const std::string reply = raw->ReadUntilClosed(absl::Seconds(5), &closed);
  EXPECT_TRUE(closed);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(reply, HasSubstr("REQUEST_INVALID"));
  EXPECT_THAT(reply, HasSubstr("application/problem+json"));

  HttpsClient client = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Request("GET", "/echo"));
  EXPECT_EQ(response.status, 200);
}

TEST_F(ServerTest, ExpectContinueIsAnswered) {
  Start();
  std::string error;
  std::unique_ptr<RawTlsClient> raw =
      RawTlsClient::Connect(server_->port(), TLS1_3_VERSION, &error);
  ASSERT_NE(raw, nullptr) << error;
  ASSERT_TRUE(
      raw->Write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_THAT(raw->ReadUntil("\r\n\r\n", absl::Seconds(5)), StartsWith("HTTP/1.1 100"));
  ASSERT_TRUE(raw->Write(R"({"a":1})"));
  const std::string reply = raw->ReadUntil("}", absl::Seconds(5));
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(reply, HasSubstr(R"(\"a\":1)"));
}

TEST_F(ServerTest, OversizedHeaderGets400) {
  ServerOptions options = TestServerOptions();
  options.max_header_bytes = 1024;
  Start(std::move(options));
  std::string error;
  std::unique_ptr<RawTlsClient> raw =
      RawTlsClient::Connect(server_->port(), TLS1_3_VERSION, &error);
  ASSERT_NE(raw, nullptr) << error;
  ASSERT_TRUE(
      raw->Write("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n"));
  bool closed = false;
  const std::string reply = raw->ReadUntilClosed(absl::Seconds(5), &closed);
  EXPECT_TRUE(closed);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 400"));
}

TEST_F(ServerTest, HalfRequestIsDisconnectedAfterReadTimeout) {
  ServerOptions options = TestServerOptions();
  options.read_timeout = absl::Milliseconds(300);
  Start(std::move(options));
  std::string error;
  std::unique_ptr<RawTlsClient> raw =
      RawTlsClient::Connect(server_->port(), TLS1_3_VERSION, &error);
  ASSERT_NE(raw, nullptr) << error;
  const absl::Time start = absl::Now();
  ASSERT_TRUE(raw->Write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"par"));
  bool closed = false;
  const std::string reply = raw->ReadUntilClosed(absl::Seconds(5), &closed);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_TRUE(closed);
  EXPECT_EQ(reply, "");
  EXPECT_GE(elapsed, absl::Milliseconds(250));
  EXPECT_LT(elapsed, absl::Seconds(4));
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options = TestServerOptions();
  options.idle_timeout = absl::Milliseconds(200);
  Start(std::move(options));
  std::string error;
  std::unique_ptr<RawTlsClient> raw =
      RawTlsClient::Connect(server_->port(), TLS1_3_VERSION, &error);
  ASSERT_NE(raw, nullptr) << error;
  const absl::Time start = absl::Now();
  bool closed = false;
  raw->ReadUntilClosed(absl::Seconds(5), &closed);
  EXPECT_TRUE(closed);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(150));
}

TEST_F(ServerTest, ConnectionsBeyondMaxAreClosed) {
  ServerOptions options = TestServerOptions();
  options.max_connections = 1;
  Start(std::move(options));
  HttpsClient first = Client();
  ASSERT_OK_AND_ASSIGN(HttpResponse response, first.Request("GET", "/echo"));
  EXPECT_EQ(response.status, 200);
  HttpsClient second = Client();
  EXPECT_THAT(second.Request("GET", "/echo"), HasReason(Reason::kTransportError));
  ASSERT_OK_AND_ASSIGN(HttpResponse again, first.Request("GET", "/echo"));
  EXPECT_EQ(again.status, 200);
}

TEST_F(ServerTest, ResponseOverClientLimitIsBodyTooLarge) {
  router_->Handle("GET", "/big", [](const HttpRequest&) {
    return HttpResponse::Text(200, "text/plain", std::string(10000, 'b'));
  });
  Start();
  ClientOptions options;
  options.max_response_bytes = 1000;
  HttpsClient client = Client(options);
  EXPECT_THAT(client.Request("GET", "/big"), HasReason(Reason::kBodyTooLarge));
  EXPECT_FALSE(client.connected());
}

TEST_F(ServerTest, ClientRequestTimeout) {
  Gate gate;
  router_->Handle("GET", "/slow", gate.MakeHandler());
  Start();
  ClientOptions options;
  options.request_timeout = absl::Milliseconds(200);
  HttpsClient client = Client(options);
  const absl::Time start = absl::Now();
  EXPECT_THAT(client.Request("GET", "/slow"), HasReason(Reason::kTimeout));
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
  EXPECT_FALSE(client.connected());
  gate.Open();
}

TEST_F(ServerTest, ClientRejectsRequestsThatWouldBreakFraming) {
  Start();
  HttpsClient client = Client();
  EXPECT_THAT(client.Request("GET", "/echo HTTP/1.1\r\nX: y"), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(client.Request("GET", "echo"), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(client.Request("GET", "/echo", {}, "application/json", {{"X-A", "b\r\nX-C: d"}}),
              HasReason(Reason::kInvalidArgument));
  for (const char* reserved : {"Content-Length", "Connection", "Transfer-Encoding", "Host"}) {
    EXPECT_THAT(client.Request("GET", "/echo", {}, "application/json", {{reserved, "5"}}),
                HasReason(Reason::kInvalidArgument))
        << reserved;
  }
  EXPECT_THAT(client.Request("GET", "/echo", {}, "application/json", {{"Bad Name", "x"}}),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(client.Request("GET", "/echo", {}, "application/json", {{"A:B", "x"}}),
              HasReason(Reason::kInvalidArgument));
  // Nothing was sent: the client never connected.
  EXPECT_FALSE(client.connected());
}

TEST_F(ServerTest, ReconnectsWhenPooledConnectionWasClosed) {
  Start();
  const uint16_t port = server_->port();
  HttpsClient retrying = Client();
  HttpsClient strict = Client();
  ASSERT_OK(retrying.Request("GET", "/echo").status());
  ASSERT_OK(strict.Request("GET", "/echo").status());
  // Shutdown closes both idle connections; a new server then takes over the port.
  server_->Shutdown(absl::Seconds(5));
  ServerOptions options = TestServerOptions();
  options.port = port;
  std::unique_ptr<HttpsServer> replacement = StartTestServer(EchoRouter(), std::move(options));
  ASSERT_NE(replacement, nullptr);

  EXPECT_THAT(strict.Request("GET", "/echo", {}, "application/json", {}, /*allow_reconnect=*/false),
              HasReason(Reason::kTransportError));
  ASSERT_OK_AND_ASSIGN(HttpResponse response, retrying.Request("GET", "/echo"));
  EXPECT_EQ(response.status, 200);
}

TEST_F(ServerTest, ShutdownDrainsInFlightRequestAndRefusesNewConnections) {
  Gate gate;
  router_->Handle("GET", "/slow", gate.MakeHandler());
  Start();
  HttpsClient client = Client();
  absl::StatusOr<HttpResponse> slow_result;
  std::thread request([&] { slow_result = client.Request("GET", "/slow"); });
  gate.WaitEntered();

  std::thread shutdown([&] { server_->Shutdown(absl::Seconds(20)); });
  // Once the listener is closed, new connections are refused.
  bool refused = false;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(5); absl::Now() < deadline;) {
    ClientOptions options;
    options.connect_timeout = absl::Seconds(1);
    HttpsClient probe = Client(options);
    if (!probe.TlsExporter().ok()) {
      refused = true;
      break;
    }
  }
  EXPECT_TRUE(refused);

  gate.Open();
  request.join();
  shutdown.join();
  ASSERT_OK(slow_result.status());
  EXPECT_EQ(slow_result->status, 200);
  EXPECT_EQ(slow_result->Header("connection"), "close");
  EXPECT_EQ(BodyOf(*slow_result)["slow"], true);
  EXPECT_THAT(client.Request("GET", "/echo"), HasReason(Reason::kTransportError));
}

TEST_F(ServerTest, ShutdownClosesIdleConnectionsWithoutWaitingForDrain) {
  Start();
  HttpsClient client = Client();
  ASSERT_OK(client.Request("GET", "/echo").status());
  ASSERT_TRUE(client.connected());
  const absl::Time start = absl::Now();
  server_->Shutdown(absl::Seconds(30));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  server_->Shutdown(absl::Seconds(30));  // idempotent
}

TEST_F(ServerTest, ShutdownForceClosesStalledRequestsAfterDrain) {
  router_->Handle("GET", "/ping",
                  [](const HttpRequest&) { return HttpResponse::Text(200, "text/plain", "pong"); });
  Start();  // read_timeout stays at 10 s: only the drain deadline can end the stalled request
  std::string error;
  std::unique_ptr<RawTlsClient> raw =
      RawTlsClient::Connect(server_->port(), TLS1_3_VERSION, &error);
  ASSERT_NE(raw, nullptr) << error;
  // A complete request pipelined with an unfinished one, in one TLS record: once the first is
  // answered the server is already reading the second, so the connection is never idle.
  ASSERT_TRUE(raw->Write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n"));
  ASSERT_THAT(raw->ReadUntil("pong", absl::Seconds(5)), HasSubstr("pong"));
  const absl::Time start = absl::Now();
  server_->Shutdown(absl::Milliseconds(300));
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_GE(elapsed, absl::Milliseconds(250));  // the stalled request was given the drain time
  EXPECT_LT(elapsed, absl::Seconds(4));         // but not its 10 s read timeout
  bool closed = false;
  EXPECT_EQ(raw->ReadUntilClosed(absl::Seconds(5), &closed), "");
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, ConcurrentClients) {
  Start();
  constexpr int kThreads = 8;
  constexpr int kRequests = 50;
  std::vector<int> successes(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpsClient client = Client();
      for (int i = 0; i < kRequests; ++i) {
        const std::string payload = absl::StrFormat(R"({"t":%d,"i":%d})", t, i);
        absl::StatusOr<HttpResponse> response = client.Request("POST", "/echo", payload);
        if (!response.ok() || response->status != 200) continue;
        absl::StatusOr<Json> body = ParseJsonObject(response->body);
        if (body.ok() && (*body)["body"] == payload) ++successes[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(successes[t], kRequests) << "thread " << t;
}

}  // namespace
}  // namespace twi::net
