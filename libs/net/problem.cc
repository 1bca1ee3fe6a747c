#include "libs/net/problem.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "libs/core/json.h"
#include "libs/core/status.h"

namespace twi::net {
namespace {

// Problem bodies from a peer are only read for their reason; anything larger is not a problem
// document twi would send.
constexpr size_t kMaxProblemBytes = 64 * 1024;

std::string ProblemType(std::string_view reason_name) {
  std::string type = "urn:twi:error:";
  for (char c : reason_name) type.push_back(c == '_' ? '-' : absl::ascii_tolower(c));
  return type;
}

Reason ReasonForHttpStatus(int status) {
  switch (status) {
    case 400:
      return Reason::kInvalidArgument;
    case 401:
      return Reason::kUnauthenticated;
    case 403:
      return Reason::kPermissionDenied;
    case 404:
      return Reason::kNotFound;
    case 405:
      return Reason::kMethodNotAllowed;
    case 413:
      return Reason::kBodyTooLarge;
    case 415:
      return Reason::kUnsupportedMediaType;
    case 502:
    case 503:
    case 504:
      return Reason::kUnavailable;
    default:
      return status >= 400 && status < 500 ? Reason::kInvalidArgument : Reason::kInternal;
  }
}

// The reason and detail of a problem document, if `response` carries one twi understands.
bool ParseProblem(const HttpResponse& response, Reason* reason, std::string* detail) {
  if (!HasMediaType(response.content_type, kProblemContentType) ||
      response.body.size() > kMaxProblemBytes) {
    return false;
  }
  absl::StatusOr<Json> problem = ParseJsonObject(response.body);
  if (!problem.ok()) return false;
  absl::StatusOr<std::string> name = GetString(*problem, "reason");
  if (!name.ok()) return false;
  const Reason parsed = ReasonFromName(*name);
  // ReasonFromName maps unknown names to kInternal; a newer peer's code is better approximated
  // by its HTTP status.
  if (parsed == Reason::kOk || (parsed == Reason::kInternal && *name != ReasonName(parsed))) {
    return false;
  }
  *reason = parsed;
  absl::StatusOr<std::string> text = GetString(*problem, "detail");
  *detail = text.ok() ? *std::move(text) : std::string(ReasonName(parsed));
  return true;
}

}  // namespace

HttpResponse ProblemResponse(const absl::Status& status) {
  const Reason reason = status.ok() ? Reason::kInternal : GetReason(status);
  const std::string_view name = ReasonName(reason);
  const int http_status = ReasonHttpStatus(reason);
  Json body = {{"type", ProblemType(name)},
               {"title", name},
               {"status", http_status},
               {"detail", std::string(status.message())},
               {"reason", name}};
  return HttpResponse::Text(http_status, kProblemContentType, DumpJson(body));
}

absl::Status StatusFromResponse(const HttpResponse& response) {
  if (response.status >= 200 && response.status < 300) return absl::OkStatus();
  Reason reason;
  std::string detail;
  if (ParseProblem(response, &reason, &detail)) return Error(reason, detail);
  return Error(ReasonForHttpStatus(response.status),
               absl::StrFormat("HTTP status %d without a problem document", response.status));
}

}  // namespace twi::net
