// Internal to libs/net: conversion between Beast messages and twi's HttpRequest/HttpResponse.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "libs/net/boost_asio.h"
#include "libs/net/http.h"

namespace twi::net::internal {

// Method, target (split into path and query), lower-cased headers and body. Connection facts
// (peer, exporter, remote address) are the caller's to fill in.
HttpRequest FromBeastRequest(BeastRequest&& request);

// The wire form of a handler's response: Content-Type, Content-Length, Cache-Control: no-store
// (unless the handler set its own) and Connection per `keep_alive`. A response that could not be
// sent faithfully (status outside 100..599, CR/LF/NUL in a header) becomes a 500 problem.
BeastResponse ToBeastResponse(HttpResponse response, bool keep_alive);

// Client side: status, content type, body and all headers (names lower-cased).
HttpResponse FromBeastResponse(BeastResponse&& response);

// Client side: an HTTP/1.1 request. kInvalidArgument if the method, target or a header holds
// characters that would break the message framing.
absl::StatusOr<BeastRequest> MakeBeastRequest(std::string_view method, std::string_view target,
                                              std::string_view host, std::string_view body,
                                              std::string_view content_type,
                                              const HeaderList& headers);

}  // namespace twi::net::internal
