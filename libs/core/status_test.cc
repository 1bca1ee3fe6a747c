#include "libs/core/status.h"

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi {
namespace {

using ::twi::testing::HasReason;

TEST(StatusTest, ErrorCarriesReasonCodeAndMessage) {
  absl::Status s = Error(Reason::kNonceReused, "nonce already used");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message(), "nonce already used");
  EXPECT_THAT(s, HasReason(Reason::kNonceReused));
  EXPECT_EQ(ReasonHttpStatus(GetReason(s)), 401);
}

TEST(StatusTest, WireNamesRoundTrip) {
  for (Reason r : {Reason::kBodyTooLarge, Reason::kUnknownMeasurement, Reason::kEarExpired}) {
    EXPECT_EQ(ReasonFromName(ReasonName(r)), r);
  }
  EXPECT_EQ(ReasonName(Reason::kDebugForbidden), "DEBUG_FORBIDDEN");
  EXPECT_EQ(ReasonFromName("NO_SUCH_CODE"), Reason::kInternal);
}

TEST(StatusTest, OkReasonNeverProducesOkStatus) {
  absl::Status s = Error(Reason::kOk, "bug");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s, HasReason(Reason::kInternal));
}

TEST(StatusTest, ThirdPartyStatusMapsFromCode) {
  EXPECT_EQ(GetReason(absl::OkStatus()), Reason::kOk);
  EXPECT_EQ(GetReason(absl::InvalidArgumentError("x")), Reason::kInvalidArgument);
  EXPECT_EQ(GetReason(absl::UnavailableError("x")), Reason::kUnavailable);
  EXPECT_EQ(GetReason(absl::DataLossError("x")), Reason::kInternal);
}

TEST(StatusTest, AnnotateKeepsReason) {
  absl::Status s = Annotate(Error(Reason::kCsrInvalid, "bad DER"), "credential request");
  EXPECT_EQ(s.message(), "credential request: bad DER");
  EXPECT_THAT(s, HasReason(Reason::kCsrInvalid));
}

absl::StatusOr<int> Half(int v) {
  if (v % 2 != 0) return Error(Reason::kInvalidArgument, "odd");
  return v / 2;
}

absl::StatusOr<int> Quarter(int v) {
  TWI_ASSIGN_OR_RETURN(int h, Half(v));
  TWI_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi
