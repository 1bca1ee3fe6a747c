#include "libs/net/problem.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/json.h"
#include "testing/status_matchers.h"

namespace twi::net {
namespace {

using ::twi::testing::HasReason;

TEST(ProblemResponseTest, RendersRfc9457Fields) {
  const HttpResponse response =
      ProblemResponse(Error(Reason::kNonceReused, "nonce was already used"));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.content_type, "application/problem+json");
  ASSERT_OK_AND_ASSIGN(Json body, ParseJsonObject(response.body));
  EXPECT_EQ(body["type"], "urn:twi:error:nonce-reused");
  EXPECT_EQ(body["title"], "NONCE_REUSED");
  EXPECT_EQ(body["status"], 401);
  EXPECT_EQ(body["detail"], "nonce was already used");
  EXPECT_EQ(body["reason"], "NONCE_REUSED");
}

TEST(ProblemResponseTest, StatusWithoutReasonUsesCanonicalCode) {
  const HttpResponse response = ProblemResponse(absl::NotFoundError("gone"));
  EXPECT_EQ(response.status, 404);
  ASSERT_OK_AND_ASSIGN(Json body, ParseJsonObject(response.body));
  EXPECT_EQ(body["reason"], "NOT_FOUND");
}

TEST(ProblemResponseTest, OkStatusIsRenderedAsInternal) {
  const HttpResponse response = ProblemResponse(absl::OkStatus());
  EXPECT_EQ(response.status, 500);
  EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kInternal));
}

TEST(StatusFromResponseTest, RoundTripKeepsReasonAndDetail) {
  for (Reason reason : {Reason::kNonceReused, Reason::kBodyTooLarge, Reason::kTierInsufficient,
                        Reason::kInternal, Reason::kTransportError, Reason::kBindingMismatch}) {
    const absl::Status status = StatusFromResponse(ProblemResponse(Error(reason, "why")));
    EXPECT_THAT(status, HasReason(reason)) << ReasonName(reason);
    EXPECT_EQ(status.message(), "why");
  }
}

TEST(StatusFromResponseTest, SuccessIsOk) {
  EXPECT_OK(StatusFromResponse(HttpResponse::Json(200, Json::object())));
  EXPECT_OK(StatusFromResponse(HttpResponse::Text(204, "", "")));
}

TEST(StatusFromResponseTest, NonProblemErrorsMapByHttpStatus) {
  const std::vector<std::pair<int, Reason>> cases = {{400, Reason::kInvalidArgument},
                                                     {401, Reason::kUnauthenticated},
                                                     {403, Reason::kPermissionDenied},
                                                     {404, Reason::kNotFound},
                                                     {405, Reason::kMethodNotAllowed},
                                                     {413, Reason::kBodyTooLarge},
                                                     {415, Reason::kUnsupportedMediaType},
                                                     {418, Reason::kInvalidArgument},
                                                     {500, Reason::kInternal},
                                                     {502, Reason::kUnavailable},
                                                     {503, Reason::kUnavailable},
                                                     {504, Reason::kUnavailable},
                                                     {302, Reason::kInternal}};
  for (const auto& [http_status, reason] : cases) {
    EXPECT_THAT(StatusFromResponse(HttpResponse::Text(http_status, "text/html", "<p>no</p>")),
                HasReason(reason))
        << http_status;
  }
}

TEST(StatusFromResponseTest, UnknownReasonFallsBackToHttpStatus) {
  const HttpResponse response = HttpResponse::Text(403, "application/problem+json",
                                                   R"({"reason":"SOME_FUTURE_CODE","detail":"x"})");
  EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kPermissionDenied));
}

TEST(StatusFromResponseTest, BrokenProblemFallsBackToHttpStatus) {
  EXPECT_THAT(StatusFromResponse(HttpResponse::Text(401, "application/problem+json", "{not json")),
              HasReason(Reason::kUnauthenticated));
  EXPECT_THAT(StatusFromResponse(HttpResponse::Text(401, "application/problem+json", "[]")),
              HasReason(Reason::kUnauthenticated));
  EXPECT_THAT(
      StatusFromResponse(HttpResponse::Text(401, "application/problem+json", R"({"reason":7})")),
      HasReason(Reason::kUnauthenticated));
}

TEST(StatusFromResponseTest, ProblemReasonOnlyTrustedFromProblemContentType) {
  // A JSON body that merely looks like a problem is not one.
  const HttpResponse response =
      HttpResponse::Text(400, "application/json", R"({"reason":"NONCE_REUSED"})");
  EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kInvalidArgument));
}

TEST(StatusFromResponseTest, ProblemClaimingOkIsNotSuccess) {
  const HttpResponse response =
      HttpResponse::Text(500, "application/problem+json", R"({"reason":"OK"})");
  EXPECT_THAT(StatusFromResponse(response), HasReason(Reason::kInternal));
}

}  // namespace
}  // namespace twi::net
