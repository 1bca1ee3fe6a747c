#include "libs/net/json_api.h"

#include "libs/core/status.h"
#include "libs/net/problem.h"

namespace twi::net {
namespace {

absl::StatusOr<Json> JsonObjectOf(absl::StatusOr<HttpResponse> response) {
  if (!response.ok()) return response.status();
  TWI_RETURN_IF_ERROR(StatusFromResponse(*response));
  return ParseJsonObject(response->body);
}

}  // namespace

Handler JsonRoute(JsonHandler handler) {
  return JsonTextRoute(
      [handler = std::move(handler)](const Json& body,
                                     const HttpRequest& request) -> absl::StatusOr<std::string> {
        TWI_ASSIGN_OR_RETURN(Json answer, handler(body, request));
        return DumpJson(answer);
      });
}

Handler JsonTextRoute(JsonTextHandler handler) {
  return [handler = std::move(handler)](const HttpRequest& request) -> HttpResponse {
    absl::StatusOr<Json> body =
        request.body.empty() ? absl::StatusOr<Json>(Json::object()) : ParseJsonObject(request.body);
    if (!body.ok()) return ProblemResponse(body.status());
    absl::StatusOr<std::string> answer = handler(*body, request);
    if (!answer.ok()) return ProblemResponse(answer.status());
    return HttpResponse::JsonText(200, *std::move(answer));
  };
}

absl::StatusOr<Json> PostJson(HttpsClient& client, std::string_view path, const Json& body,
                              bool allow_reconnect) {
  return JsonObjectOf(
      client.Request("POST", path, DumpJson(body), "application/json", {}, allow_reconnect));
}

absl::StatusOr<Json> GetJson(HttpsClient& client, std::string_view path) {
  return JsonObjectOf(client.Request("GET", path, {}, {}));
}

}  // namespace twi::net
