#include "libs/net/json_api.h"

#include <string>

#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/net/problem.h"
#include "testing/status_matchers.h"

namespace twi::net {
namespace {

using ::twi::testing::HasReason;

HttpRequest WithBody(std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/v1/x";
  request.body = std::move(body);
  return request;
}

TEST(JsonRouteTest, AnswersWithTheHandlersJson) {
  Handler route = JsonRoute([](const Json& body, const HttpRequest&) -> absl::StatusOr<Json> {
    return Json{{"echo", body}};
  });
  const HttpResponse response = route(WithBody(R"({"a":1})"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"echo":{"a":1}})");
}

TEST(JsonTextRouteTest, SendsTheHandlersTextAsJson) {
  Handler route =
      JsonTextRoute([](const Json& body, const HttpRequest&) -> absl::StatusOr<std::string> {
        return body.empty() ? R"({"empty":true})" : R"({"empty":false})";
      });
  const HttpResponse response = route(WithBody(""));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"empty":true})");
}

TEST(JsonTextRouteTest, BadBodiesAndHandlerErrorsAreProblems) {
  bool called = false;
  Handler route =
      JsonTextRoute([&called](const Json&, const HttpRequest&) -> absl::StatusOr<std::string> {
        called = true;
        return Error(Reason::kPermissionDenied, "no");
      });
  const HttpResponse malformed = route(WithBody("[1]"));
  EXPECT_EQ(malformed.content_type, kProblemContentType);
  EXPECT_THAT(StatusFromResponse(malformed), HasReason(Reason::kMalformedJson));
  EXPECT_FALSE(called);
  const HttpResponse refused = route(WithBody("{}"));
  EXPECT_EQ(refused.content_type, kProblemContentType);
  EXPECT_THAT(StatusFromResponse(refused), HasReason(Reason::kPermissionDenied));
}

}  // namespace
}  // namespace twi::net
