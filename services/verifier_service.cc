#include "services/verifier_service.h"

#include "libs/core/status.h"
#include "libs/net/json_api.h"

namespace twi::services {

void AddVerifierRoutes(net::Router& router, verifier::Verifier& v) {
  const net::RouteOptions json{.json_body = true};
  router.Handle("POST", "/v1/challenge",
                net::JsonRoute([&v](const Json&, const net::HttpRequest&) -> absl::StatusOr<Json> {
                  TWI_ASSIGN_OR_RETURN(verifier::Challenge challenge, v.NewChallenge());
                  return verifier::ToJson(challenge);
                }),
                json);
  router.Handle(
      "POST", "/v1/attest",
      net::JsonTextRoute(
          [&v](const Json& body, const net::HttpRequest& http) -> absl::StatusOr<std::string> {
            TWI_ASSIGN_OR_RETURN(verifier::AttestationRequest request,
                                 verifier::AttestationRequestFromJson(body));
            TWI_ASSIGN_OR_RETURN(verifier::AttestationResponse response,
                                 v.Attest(request, http.tls_exporter));
            return verifier::ToJsonText(response);
          }),
      json);
  router.Handle("GET", "/v1/verifier/keys", [&v](const net::HttpRequest&) {
    return net::HttpResponse::Json(200, v.keys().ToJson());
  });
}

void AddTpmEnrollmentRoutes(net::Router& router, const verifier::TpmEnrollment& enrollment) {
  const net::RouteOptions json{.json_body = true};
  router.Handle("POST", "/v1/tpm/enrollments",
                net::JsonRoute([&enrollment](const Json& body,
                                             const net::HttpRequest&) -> absl::StatusOr<Json> {
                  TWI_ASSIGN_OR_RETURN(const verifier::TpmEnrollmentRequest request,
                                       verifier::TpmEnrollmentRequestFromJson(body));
                  TWI_ASSIGN_OR_RETURN(const verifier::TpmEnrollmentChallenge challenge,
                                       enrollment.Challenge(request));
                  return verifier::ToJson(challenge);
                }),
                json);
  router.Handle(
      "POST", "/v1/tpm/enrollments/activate",
      net::JsonRoute(
          [&enrollment](const Json& body, const net::HttpRequest&) -> absl::StatusOr<Json> {
            TWI_ASSIGN_OR_RETURN(const verifier::TpmActivation activation,
                                 verifier::TpmActivationFromJson(body));
            TWI_ASSIGN_OR_RETURN(const std::vector<Bytes> chain, enrollment.Activate(activation));
            Json certificates = Json::array();
            for (const Bytes& der : chain) certificates.push_back(Base64UrlEncode(der));
            return Json{{"ak_certificates", std::move(certificates)}};
          }),
      json);
}

}  // namespace twi::services
