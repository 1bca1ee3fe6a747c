// GoogleTest matchers for absl::Status / StatusOr and twi reason codes.
//
//   EXPECT_OK(status_or_statusor);
//   ASSERT_OK_AND_ASSIGN(auto value, FunctionReturningStatusOr());
//   EXPECT_THAT(status, HasReason(Reason::kNonceReused));
#pragma once

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"

namespace twi::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER_P(HasReason, reason, std::string("has reason ") + std::string(::twi::ReasonName(reason))) {
  const absl::Status& status = ::twi::testing::GetStatus(arg);
  const ::twi::Reason actual = ::twi::GetReason(status);
  if (actual != reason) {
    *result_listener << "reason is " << ::twi::ReasonName(actual) << " (" << status << ")";
    return false;
  }
  return true;
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::twi::testing::GetStatus(arg);
  if (!status.ok()) *result_listener << status;
  return status.ok();
}

// A StatusOr that is OK and whose value matches `matcher`.
MATCHER_P(IsOkAndHolds, matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

}  // namespace twi::testing

#define EXPECT_OK(expr) EXPECT_THAT((expr), ::twi::testing::IsOk())
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::twi::testing::IsOk())

#define TWI_TEST_CONCAT_INNER_(a, b) a##b
#define TWI_TEST_CONCAT_(a, b) TWI_TEST_CONCAT_INNER_(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(TWI_TEST_CONCAT_(twi_test_statusor_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  ASSERT_TRUE(statusor.ok()) << statusor.status();      \
  lhs = std::move(statusor).value()
