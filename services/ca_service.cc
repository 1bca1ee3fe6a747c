#include "services/ca_service.h"

#include <algorithm>
#include <optional>

#include "libs/core/status.h"
#include "libs/net/json_api.h"
#include "libs/net/problem.h"

namespace twi::services {
namespace {

// The mechanism is what the route says, never what the client claims: it is audit data.
// `allowed_clients` null: any client (the public route); else only those URI SANs.
net::Handler IssueRoute(issuer::CredentialAuthority& ca, std::string mechanism,
                        std::optional<std::vector<std::string>> allowed_clients) {
  return net::JsonTextRoute(
      [&ca, mechanism = std::move(mechanism), allowed = std::move(allowed_clients)](
          const Json& body, const net::HttpRequest& http) -> absl::StatusOr<std::string> {
        if (allowed.has_value()) {
          const auto& sans = http.peer.uri_sans;
          const bool ok = std::any_of(sans.begin(), sans.end(), [&](const std::string& san) {
            return std::find(allowed->begin(), allowed->end(), san) != allowed->end();
          });
          if (!ok) {
            return Error(Reason::kPermissionDenied,
                         "this client certificate may not request issuance");
          }
        }
        TWI_ASSIGN_OR_RETURN(issuer::CredentialRequest request,
                             issuer::CredentialRequestFromJson(body));
        request.mechanism = mechanism;
        TWI_ASSIGN_OR_RETURN(issuer::IssuedCredentials issued, ca.Issue(request));
        return issuer::ToJsonText(issued);
      });
}

}  // namespace

void AddCaPublicRoutes(net::Router& router, issuer::CredentialAuthority& ca) {
  router.Handle("POST", "/v1/credentials", IssueRoute(ca, "B", std::nullopt), {.json_body = true});
  router.Handle("GET", "/v1/bundle", [&ca](const net::HttpRequest&) {
    return net::HttpResponse::Json(200, ca.bundle().ToSpiffeJwks());
  });
  router.Handle("GET", "/v1/bundle.pem", [&ca](const net::HttpRequest&) {
    return net::HttpResponse::Text(200, "application/pem-certificate-chain", ca.bundle().ToPem());
  });
}

void AddCaInternalRoutes(net::Router& router, issuer::CredentialAuthority& ca,
                         std::vector<std::string> verifier_ids) {
  router.Handle("POST", "/v1/internal/credentials", IssueRoute(ca, "A", std::move(verifier_ids)),
                {.json_body = true, .require_client_certificate = true});
}

}  // namespace twi::services
