#include "libs/net/router.h"

#include <exception>

#include "absl/strings/str_format.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/net/problem.h"

namespace twi::net {
namespace {

constexpr std::string_view kLogComponent = "net.router";

bool HasBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

void Router::Handle(std::string method, std::string path, Handler handler, RouteOptions options) {
  routes_[std::move(path)][std::move(method)] = Route{std::move(handler), options};
}

void Router::HandlePrefix(std::string method, std::string prefix, Handler handler,
                          RouteOptions options) {
  prefixes_[std::move(prefix)][std::move(method)] = Route{std::move(handler), options};
}

HttpResponse Router::Dispatch(const HttpRequest& request) const {
  auto by_path = routes_.find(request.path);
  if (by_path == routes_.end()) {
    // The longest matching prefix (a handful of prefixes at most: a scan is enough).
    by_path = prefixes_.end();
    for (auto it = prefixes_.begin(); it != prefixes_.end(); ++it) {
      if (request.path.starts_with(it->first) &&
          (by_path == prefixes_.end() || it->first.size() > by_path->first.size())) {
        by_path = it;
      }
    }
    if (by_path == prefixes_.end()) {
      return ProblemResponse(Error(Reason::kNotFound, "no such resource"));
    }
  }
  const auto by_method = by_path->second.find(request.method);
  if (by_method == by_path->second.end()) {
    std::string allow;
    for (const auto& [method, route] : by_path->second) {
      if (!allow.empty()) allow += ", ";
      allow += method;
    }
    HttpResponse response =
        ProblemResponse(Error(Reason::kMethodNotAllowed, "method not allowed on this resource"));
    response.headers.emplace_back("Allow", std::move(allow));
    return response;
  }
  const Route& route = by_method->second;
  if (route.options.require_client_certificate && !request.peer.certificate_verified) {
    return ProblemResponse(
        Error(Reason::kUnauthenticated, "a verified client certificate is required"));
  }
  if (route.options.json_body && HasBody(request.method) &&
      !HasMediaType(request.Header("content-type").value_or(""), "application/json")) {
    return ProblemResponse(
        Error(Reason::kUnsupportedMediaType, "Content-Type must be application/json"));
  }
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    LogError(kLogComponent, absl::StrFormat("handler for %s %s threw: %s", request.method,
                                            request.path, e.what()));
  } catch (...) {
    LogError(kLogComponent, absl::StrFormat("handler for %s %s threw a non-standard exception",
                                            request.method, request.path));
  }
  return ProblemResponse(Error(Reason::kInternal, "internal error"));
}

}  // namespace twi::net
