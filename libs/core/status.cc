#include "libs/core/status.h"

#include <array>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_format.h"

namespace twi {
namespace {

// Payload key under which the reason name travels inside an absl::Status.
constexpr char kReasonPayloadUrl[] = "type.twi/reason";

struct ReasonInfo {
  std::string_view name;
  absl::StatusCode code;
  int http;
};

constexpr std::array kReasons = {
#define TWI_REASON(name, wire, code, http) ReasonInfo{wire, absl::StatusCode::code, http},
#include "libs/core/reason_codes.inc"
#undef TWI_REASON
};

const ReasonInfo& Info(Reason reason) {
  const auto index = static_cast<size_t>(reason);
  return index < kReasons.size() ? kReasons[index]
                                 : kReasons[static_cast<size_t>(Reason::kInternal)];
}

Reason ReasonFromCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return Reason::kOk;
    case absl::StatusCode::kInvalidArgument:
      return Reason::kInvalidArgument;
    case absl::StatusCode::kNotFound:
      return Reason::kNotFound;
    case absl::StatusCode::kUnauthenticated:
      return Reason::kUnauthenticated;
    case absl::StatusCode::kPermissionDenied:
      return Reason::kPermissionDenied;
    case absl::StatusCode::kDeadlineExceeded:
      return Reason::kTimeout;
    case absl::StatusCode::kUnavailable:
      return Reason::kUnavailable;
    case absl::StatusCode::kResourceExhausted:
      return Reason::kBodyTooLarge;
    default:
      return Reason::kInternal;
  }
}

}  // namespace

std::string_view ReasonName(Reason reason) { return Info(reason).name; }

Reason ReasonFromName(std::string_view name) {
  for (size_t i = 0; i < kReasons.size(); ++i) {
    if (kReasons[i].name == name) return static_cast<Reason>(i);
  }
  return Reason::kInternal;
}

int ReasonHttpStatus(Reason reason) { return Info(reason).http; }

absl::StatusCode ReasonStatusCode(Reason reason) { return Info(reason).code; }

absl::Status Error(Reason reason, std::string_view message) {
  if (reason == Reason::kOk) reason = Reason::kInternal;  // an error must never read as success
  absl::Status status(Info(reason).code, absl::string_view(message.data(), message.size()));
  const std::string_view name = Info(reason).name;
  status.SetPayload(kReasonPayloadUrl, absl::Cord(absl::string_view(name.data(), name.size())));
  return status;
}

Reason GetReason(const absl::Status& status) {
  if (status.ok()) return Reason::kOk;
  if (auto payload = status.GetPayload(kReasonPayloadUrl); payload.has_value()) {
    return ReasonFromName(std::string(*payload));
  }
  return ReasonFromCode(status.code());
}

absl::Status Error(Reason reason, absl::string_view message) {
  return Error(reason, std::string_view(message.data(), message.size()));
}

absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  std::string message = absl::StrFormat("%s: %s", context, std::string(status.message()));
  absl::Status annotated(status.code(), message);
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

}  // namespace twi
