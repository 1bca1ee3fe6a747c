#include "libs/net/router.h"

#include <stdexcept>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/json.h"
#include "libs/net/problem.h"
#include "testing/status_matchers.h"

namespace twi::net {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::twi::testing::HasReason;

HttpResponse Ok(const HttpRequest& request) {
  return HttpResponse::Json(200, Json{{"path", request.path}});
}

HttpRequest MakeRequest(std::string method, std::string path, std::string content_type = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  if (!content_type.empty()) request.headers.emplace_back("content-type", content_type);
  return request;
}

TEST(RouterTest, DispatchesOnExactMethodAndPath) {
  Router router;
  router.Handle("GET", "/v1/a", Ok);
  router.Handle("POST", "/v1/a",
                [](const HttpRequest&) { return HttpResponse::Text(201, "", ""); });
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/v1/a")).status, 200);
  EXPECT_EQ(router.Dispatch(MakeRequest("POST", "/v1/a")).status, 201);
}

TEST(RouterTest, PrefixRoutesTakeTheLongestMatchAfterExactOnes) {
  Router router;
  router.HandlePrefix("GET", "/log/",
                      [](const HttpRequest&) { return HttpResponse::Text(200, "", "log"); });
  router.HandlePrefix("GET", "/log/tile/",
                      [](const HttpRequest& r) { return HttpResponse::Text(200, "", r.path); });
  router.Handle("GET", "/log/tile/exact",
                [](const HttpRequest&) { return HttpResponse::Text(203, "", ""); });
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/log/tile/0/000")).body, "/log/tile/0/000");
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/log/checkpoint")).body, "log");
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/log/tile/exact")).status, 203);
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/logs")).status, 404);
  EXPECT_EQ(router.Dispatch(MakeRequest("POST", "/log/tile/0/000")).status, 405);
}

TEST(RouterTest, UnknownPathIsNotFoundProblem) {
  Router router;
  router.Handle("GET", "/v1/a", Ok);
  for (const char* path : {"/v1/b", "/v1/a/", "/v1", "/V1/A"}) {
    const HttpResponse response = router.Dispatch(MakeRequest("GET", path));
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kNotFound));
  }
}

TEST(RouterTest, OtherMethodIsMethodNotAllowedWithAllowHeader) {
  Router router;
  router.Handle("POST", "/v1/a", Ok);
  router.Handle("GET", "/v1/a", Ok);
  const HttpResponse response = router.Dispatch(MakeRequest("DELETE", "/v1/a"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.Header("allow"), "GET, POST");
  EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kMethodNotAllowed));
}

TEST(RouterTest, RequireClientCertificate) {
  Router router;
  router.Handle("GET", "/v1/a", Ok, RouteOptions{.require_client_certificate = true});
  HttpRequest request = MakeRequest("GET", "/v1/a");
  const HttpResponse refused = router.Dispatch(request);
  EXPECT_EQ(refused.status, 401);
  EXPECT_THAT(StatusFromResponse(refused), HasReason(Reason::kUnauthenticated));
  request.peer.certificate_verified = true;
  EXPECT_EQ(router.Dispatch(request).status, 200);
}

TEST(RouterTest, JsonBodyRequiresJsonContentType) {
  Router router;
  router.Handle("POST", "/v1/a", Ok, RouteOptions{.json_body = true});
  router.Handle("GET", "/v1/a", Ok, RouteOptions{.json_body = true});
  for (const char* type : {"text/plain", "", "application/problem+json", "application/jsonp"}) {
    const HttpResponse response = router.Dispatch(MakeRequest("POST", "/v1/a", type));
    EXPECT_EQ(response.status, 415) << type;
    EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kUnsupportedMediaType));
  }
  EXPECT_EQ(router.Dispatch(MakeRequest("POST", "/v1/a", "application/json")).status, 200);
  EXPECT_EQ(router.Dispatch(MakeRequest("POST", "/v1/a", "application/json; charset=utf-8")).status,
            200);
  // A GET carries no body, so its content type is not checked.
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/v1/a")).status, 200);
}

TEST(RouterTest, AuthenticationIsCheckedBeforeContentType) {
  Router router;
  router.Handle("POST", "/v1/a", Ok,
                RouteOptions{.json_body = true, .require_client_certificate = true});
  EXPECT_EQ(router.Dispatch(MakeRequest("POST", "/v1/a", "text/plain")).status, 401);
}

TEST(RouterTest, ThrowingHandlerIsInternalErrorWithoutLeakingMessage) {
  Router router;
  router.Handle("GET", "/boom", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("secret-detail-123");
  });
  router.Handle("GET", "/int", [](const HttpRequest&) -> HttpResponse { throw 42; });
  for (const char* path : {"/boom", "/int"}) {
    const HttpResponse response = router.Dispatch(MakeRequest("GET", path));
    EXPECT_EQ(response.status, 500);
    EXPECT_THAT(response.body, Not(HasSubstr("secret-detail-123")));
    EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kInternal));
  }
}

TEST(RouterTest, RegisteringAgainReplaces) {
  Router router;
  router.Handle("GET", "/v1/a", Ok);
  router.Handle("GET", "/v1/a", [](const HttpRequest&) { return HttpResponse::Text(202, "", ""); });
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/v1/a")).status, 202);
}

}  // namespace
}  // namespace twi::net
