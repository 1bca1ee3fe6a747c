// Test-only: matcher for policy parse errors.
#pragma once

#include <string>

#include "gmock/gmock.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"

namespace twi::policy::testing {

// The status is kConfigInvalid and its message starts with "<path>: ", i.e. names the key path.
MATCHER_P(ConfigErrorAt, path, "is kConfigInvalid at " + std::string(path)) {
  const absl::Status& status = ::twi::testing::GetStatus(arg);
  *result_listener << status;
  return ::twi::GetReason(status) == ::twi::Reason::kConfigInvalid &&
         std::string(status.message()).starts_with(std::string(path) + ": ");
}

}  // namespace twi::policy::testing
