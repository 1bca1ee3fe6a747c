// RFC 9457 problem details: how a twi reason code travels over HTTP and comes back as a Status.
//
// The "reason" member is the contract; "detail" is human-readable and must not carry secrets
// (it is the Status message as given, so callers decide what an error says to a client).
#pragma once

#include "absl/status/status.h"
#include "libs/net/http.h"

namespace twi::net {

inline constexpr char kProblemContentType[] = "application/problem+json";

// Renders a non-OK status as application/problem+json with the HTTP status of its reason:
// {"type":"urn:twi:error:<reason lower-case, '_'->'-'>","title":"<REASON_NAME>",
//  "status":<http>,"detail":"<status message>","reason":"<REASON_NAME>"}
// An OK status is a caller bug and renders as INTERNAL. Thread-safe.
HttpResponse ProblemResponse(const absl::Status& status);

// Client side: a 2xx response is OK. A problem+json response becomes a Status with the Reason
// named by its "reason" member and its "detail" as message. Any other error response (or a
// problem naming a reason this build does not know) gets a Reason from its HTTP status:
// 400 kInvalidArgument, 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound,
// 405 kMethodNotAllowed, 413 kBodyTooLarge, 415 kUnsupportedMediaType, other 4xx
// kInvalidArgument, 502/503/504 kUnavailable, other 5xx (and 1xx/3xx) kInternal. Thread-safe.
absl::Status StatusFromResponse(const HttpResponse& response);

}  // namespace twi::net
