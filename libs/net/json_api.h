// The JSON-over-HTTPS conventions of twi's APIs, on both sides of the wire.
//
// Server side: JsonRoute adapts a function from a parsed JSON object to a Status-or-JSON answer
// into a Router handler, so that every endpoint parses, answers and fails the same way (bodies
// parsed with the depth limit of libs/core/json.h, errors as RFC 9457 problem+json). Client side:
// PostJson / GetJson send a request and turn a problem response back into the server's Status.
//
// Not here: routing (router.h), size limits and deadlines (server.h / client.h enforce them).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/json.h"
#include "libs/net/client.h"
#include "libs/net/http.h"
#include "libs/net/router.h"

namespace twi::net {

using JsonHandler = std::function<absl::StatusOr<Json>(const Json& body, const HttpRequest&)>;

// A handler that parses the request body as a JSON object (an empty body reads as {}), calls
// `handler` and answers 200 with its JSON, or a problem response with the Status' reason.
// A body that is not a JSON object -> 400 MALFORMED_JSON. Thread-safe if `handler` is.
Handler JsonRoute(JsonHandler handler);

// As JsonRoute, for a handler that serializes its answer itself (a hot path that skips the DOM);
// the text must be one JSON object and is sent unchecked.
using JsonTextHandler =
    std::function<absl::StatusOr<std::string>(const Json& body, const HttpRequest&)>;
Handler JsonTextRoute(JsonTextHandler handler);

// POSTs `body` to `path` and returns the JSON object of a 2xx answer, or the Status the server's
// problem response carries. `allow_reconnect` as for HttpsClient::Request (false when the body
// binds the current connection's TLS exporter). Errors: those of HttpsClient::Request and
// StatusFromResponse; kMalformedJson if a 2xx body is not a JSON object.
absl::StatusOr<Json> PostJson(HttpsClient& client, std::string_view path, const Json& body,
                              bool allow_reconnect = true);

// GETs `path`; otherwise as PostJson.
absl::StatusOr<Json> GetJson(HttpsClient& client, std::string_view path);

}  // namespace twi::net
