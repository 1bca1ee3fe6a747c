// Maps (method, exact path) to handlers and turns routing failures into problem responses.
//
// Not a web framework: no path parameters, no middleware, no special paths (health checks and the
// like are ordinary routes registered by their owner). Prefix routes serve trees of static-like
// resources (the log's tiles), whose handler parses the rest of the path itself.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "libs/net/http.h"

namespace twi::net {

// Handlers run on the server's I/O threads, possibly several at once: they must be thread-safe
// and should not block for long. An exception escaping a handler becomes a 500 INTERNAL problem.
using Handler = std::function<HttpResponse(const HttpRequest&)>;

struct RouteOptions {
  // POST/PUT/PATCH: the Content-Type must be application/json (parameters like charset allowed),
  // else 415 problem UNSUPPORTED_MEDIA_TYPE.
  bool json_body = false;
  // A verified client certificate is required, else 401 problem UNAUTHENTICATED.
  bool require_client_certificate = false;
};

// Set up with Handle() before the router is shared; immutable afterwards. Dispatch is thread-safe.
class Router {
 public:
  // Registers `handler` for `method` on exactly `path`; registering the same pair again replaces
  // the earlier handler. Not thread-safe.
  void Handle(std::string method, std::string path, Handler handler, RouteOptions options = {});
  // Registers `handler` for `method` on every path that starts with `prefix` (which should end
  // in '/') and has no exact route; the longest prefix wins. Not thread-safe.
  void HandlePrefix(std::string method, std::string prefix, Handler handler,
                    RouteOptions options = {});

  // Routes `request`. Unknown path -> 404 NOT_FOUND problem; known path, other method -> 405
  // METHOD_NOT_ALLOWED problem with an Allow header; then the route's options are checked
  // (401 UNAUTHENTICATED before 415 UNSUPPORTED_MEDIA_TYPE). A throwing handler -> 500 INTERNAL
  // problem whose detail does not include the exception text (it is logged instead).
  HttpResponse Dispatch(const HttpRequest& request) const;

 private:
  struct Route {
    Handler handler;
    RouteOptions options;
  };
  // path -> method -> route; std::map keeps the Allow header's order stable.
  std::map<std::string, std::map<std::string, Route>, std::less<>> routes_;
  std::map<std::string, std::map<std::string, Route>, std::less<>> prefixes_;
};

}  // namespace twi::net
