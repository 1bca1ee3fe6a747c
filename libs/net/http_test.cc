#include "libs/net/http.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace twi::net {
namespace {

TEST(QueryValueTest, FindsDecodesAndRefusesBrokenEscapes) {
  EXPECT_EQ(QueryValue("a=1&credential=x509%3Aab12&b=2", "credential"), "x509:ab12");
  EXPECT_EQ(QueryValue("index=7", "index"), "7");
  EXPECT_EQ(QueryValue("index=7&index=8", "index"), "7");
  EXPECT_EQ(QueryValue("indexes=7", "index"), "");
  EXPECT_EQ(QueryValue("", "index"), "");
  EXPECT_EQ(QueryValue("x=%4", "x"), "");
  EXPECT_EQ(QueryValue("x=%zz", "x"), "");
}

TEST(HttpRequestTest, HeaderReturnsFirstMatchIgnoringCase) {
  HttpRequest request;
  request.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(request.Header("x-a"), "1");
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  EXPECT_EQ(request.Header("x-missing"), std::nullopt);
}

TEST(HttpResponseTest, HeaderLooksUpHandlerSetNamesCaseInsensitively) {
  HttpResponse response;
  response.headers = {{"Allow", "GET"}};
  EXPECT_EQ(response.Header("allow"), "GET");
  EXPECT_EQ(response.Header("location"), std::nullopt);
}

TEST(HttpResponseTest, JsonSerializesBody) {
  const HttpResponse response = HttpResponse::Json(201, Json{{"a", 1}});
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"a":1})");
}

TEST(HttpResponseTest, JsonTextSendsBodyAsJson) {
  const HttpResponse response = HttpResponse::JsonText(200, R"({"a":1})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"a":1})");
}

TEST(HttpResponseTest, TextKeepsContentType) {
  const HttpResponse response = HttpResponse::Text(200, "text/plain", "hi");
  EXPECT_EQ(response.content_type, "text/plain");
  EXPECT_EQ(response.body, "hi");
}

TEST(HasMediaTypeTest, IgnoresParametersCaseAndSpace) {
  EXPECT_TRUE(HasMediaType("application/json", "application/json"));
  EXPECT_TRUE(HasMediaType("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_TRUE(HasMediaType("  application/json ;charset=utf-8", "application/json"));
  EXPECT_FALSE(HasMediaType("application/jsonx", "application/json"));
  EXPECT_FALSE(HasMediaType("text/plain", "application/json"));
  EXPECT_FALSE(HasMediaType("", "application/json"));
  EXPECT_FALSE(HasMediaType("application/problem+json", "application/json"));
}

}  // namespace
}  // namespace twi::net
