// Errors as values: absl::Status carrying a stable twi reason code.
//
// A reason code (Reason) is the contract with clients: HTTP problem responses, CLI exit output
// and policies branch on it, never on message text. Messages are for humans and must not carry
// secrets. Every reason maps to one absl::StatusCode and one HTTP status (reason_codes.inc).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace twi {

enum class Reason : int {
#define TWI_REASON(name, wire, code, http) name,
#include "libs/core/reason_codes.inc"
#undef TWI_REASON
};

// Stable wire name, e.g. "NONCE_REUSED".
std::string_view ReasonName(Reason reason);
// Inverse of ReasonName; kInternal for unknown names (a newer peer may send codes we lack).
Reason ReasonFromName(std::string_view name);
int ReasonHttpStatus(Reason reason);
absl::StatusCode ReasonStatusCode(Reason reason);

// Builds a non-OK status with the reason's canonical code and the reason as payload.
absl::Status Error(Reason reason, std::string_view message);
// Debian's abseil has its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), which is what
// Status::message() returns; these overloads keep call sites free of conversions.
absl::Status Error(Reason reason, absl::string_view message);
inline absl::Status Error(Reason reason, const char* message) {
  return Error(reason, std::string_view(message));
}
inline absl::Status Error(Reason reason, const std::string& message) {
  return Error(reason, std::string_view(message));
}

// The reason carried by `status`: kOk for OK, the payload if present, otherwise a reason derived
// from the canonical code (statuses made by third-party code carry no payload).
Reason GetReason(const absl::Status& status);

// Prefixes the message with context while keeping code and reason.
absl::Status Annotate(const absl::Status& status, std::string_view context);

}  // namespace twi

#define TWI_STATUS_CONCAT_INNER_(a, b) a##b
#define TWI_STATUS_CONCAT_(a, b) TWI_STATUS_CONCAT_INNER_(a, b)

#define TWI_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status twi_status_ = (expr);       \
    if (!twi_status_.ok()) return twi_status_; \
  } while (0)

#define TWI_ASSIGN_OR_RETURN(lhs, expr) \
  TWI_ASSIGN_OR_RETURN_IMPL_(TWI_STATUS_CONCAT_(twi_statusor_, __LINE__), lhs, expr)

#define TWI_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)    \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
