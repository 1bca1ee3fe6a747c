#include "services/key_release_service.h"

#include "absl/strings/match.h"
#include "libs/core/status.h"
#include "libs/net/json_api.h"
#include "libs/net/problem.h"
#include "libs/owner/owner_client.h"
#include "libs/provenance/workload_document.h"

namespace twi::services {
namespace {

// The owner's SPIFFE ID from the verified client certificate.
absl::StatusOr<std::string> OwnerOf(const net::HttpRequest& http, const std::string& prefix) {
  for (const std::string& san : http.peer.uri_sans) {
    if (absl::StartsWith(san, prefix) && san.size() > prefix.size()) return san;
  }
  return Error(Reason::kPermissionDenied, "this client certificate is not a Workload Owner's");
}

using OwnerHandler = std::function<absl::StatusOr<Json>(const Json& body, const std::string& owner,
                                                        const std::string& workload)>;

net::Handler OwnerRoute(std::string prefix, OwnerHandler handler) {
  return net::JsonRoute(
      [prefix = std::move(prefix), handler = std::move(handler)](
          const Json& body, const net::HttpRequest& http) -> absl::StatusOr<Json> {
        TWI_ASSIGN_OR_RETURN(const std::string owner, OwnerOf(http, prefix));
        TWI_ASSIGN_OR_RETURN(const std::string workload, GetString(body, "workload"));
        return handler(body, owner, workload);
      });
}

}  // namespace

void AddMechanismCRoutes(net::Router& router, verifier::Verifier& verifier,
                         issuer::CredentialAuthority& ca) {
  const net::RouteOptions json{.json_body = true};
  router.Handle(
      "POST", "/v1/credentials/challenge",
      net::JsonRoute([&verifier](const Json&, const net::HttpRequest&) -> absl::StatusOr<Json> {
        TWI_ASSIGN_OR_RETURN(verifier::Challenge challenge, verifier.NewChallenge());
        return verifier::ToJson(challenge);
      }),
      json);
  router.Handle("POST", "/v1/credentials/attested",
                net::JsonTextRoute([&verifier, &ca](const Json& body, const net::HttpRequest& http)
                                       -> absl::StatusOr<std::string> {
                  TWI_ASSIGN_OR_RETURN(verifier::AttestationRequest request,
                                       verifier::AttestationRequestFromJson(body));
                  if (!request.wants_credentials()) {
                    return Error(Reason::kRequestInvalid,
                                 "a mechanism C request carries a \"csr\"");
                  }
                  issuer::CredentialRequest credential_request;
                  credential_request.csr_pem = std::move(request.csr_pem);
                  credential_request.formats = request.formats;
                  credential_request.mechanism = "C";
                  request.csr_pem.clear();
                  // The evidence binds the workload's connection to this CA: its exporter goes to
                  // the Verifier with the evidence.
                  TWI_ASSIGN_OR_RETURN(verifier::AttestationResponse response,
                                       verifier.Attest(request, http.tls_exporter));
                  credential_request.ear = response.ear;
                  TWI_ASSIGN_OR_RETURN(response.credentials, ca.Issue(credential_request));
                  return verifier::ToJsonText(response);
                }),
                json);
}

void AddKeyReleaseRoutes(net::Router& router, const keyrelease::KeyReleaseService& service,
                         const keyrelease::KeyReleaseFiles& files) {
  router.Handle(
      "POST", keyrelease::kReleasePath,
      net::JsonRoute([&service](const Json& body, const net::HttpRequest&) -> absl::StatusOr<Json> {
        TWI_ASSIGN_OR_RETURN(const keyrelease::ReleaseRequest request,
                             keyrelease::ReleaseRequestFromJson(body));
        TWI_ASSIGN_OR_RETURN(const keyrelease::ReleaseResponse response, service.Release(request));
        return keyrelease::ToJson(response);
      }),
      {.json_body = true});
  router.Handle("GET", keyrelease::kPublishedPath, [&files](const net::HttpRequest& http) {
    absl::StatusOr<keyrelease::ProvisionedKey> provisioned =
        files.GetProvisioned(net::QueryValue(http.query, "workload"));
    if (!provisioned.ok()) return net::ProblemResponse(provisioned.status());
    return net::HttpResponse::JsonText(200, issuer::ToJsonText(provisioned->credentials));
  });
}

void AddOwnerRoutes(net::Router& router, owner::OwnerService& service, std::string owner_prefix) {
  const net::RouteOptions options{.json_body = true, .require_client_certificate = true};
  router.Handle(
      "POST", owner::kRegisterPath,
      net::JsonRoute([&service, owner_prefix](
                         const Json& body, const net::HttpRequest& http) -> absl::StatusOr<Json> {
        TWI_ASSIGN_OR_RETURN(const std::string owner, OwnerOf(http, owner_prefix));
        TWI_ASSIGN_OR_RETURN(const Json* document, GetObject(body, "workload"));
        return service.RegisterWorkload(*document, owner);
      }),
      options);
  router.Handle("POST", owner::kAddReleasePath,
                OwnerRoute(owner_prefix,
                           [&service](const Json& body, const std::string& owner,
                                      const std::string& workload) -> absl::StatusOr<Json> {
                             TWI_ASSIGN_OR_RETURN(const Json* release, GetObject(body, "release"));
                             return service.AddRelease(workload, *release, owner);
                           }),
                options);
  router.Handle("POST", owner::kRevokeReleasePath,
                OwnerRoute(owner_prefix,
                           [&service](const Json& body, const std::string& owner,
                                      const std::string& workload) -> absl::StatusOr<Json> {
                             TWI_ASSIGN_OR_RETURN(const std::string release,
                                                  GetString(body, "release"));
                             return service.RevokeRelease(workload, release, owner);
                           }),
                options);
  router.Handle("POST", owner::kKeyReleasePolicyPath,
                OwnerRoute(owner_prefix,
                           [&service](const Json& body, const std::string& owner,
                                      const std::string& workload) -> absl::StatusOr<Json> {
                             TWI_ASSIGN_OR_RETURN(const Json* policy, GetObject(body, "policy"));
                             return service.SetKeyReleasePolicy(workload, *policy, owner);
                           }),
                options);
  router.Handle(
      "POST", owner::kProvenancePath,
      OwnerRoute(
          owner_prefix,
          [&service](const Json& body, const std::string& owner,
                     const std::string& workload) -> absl::StatusOr<Json> {
            TWI_ASSIGN_OR_RETURN(const std::string release, GetString(body, "release"));
            TWI_ASSIGN_OR_RETURN(const std::string encoded, GetString(body, "document"));
            absl::StatusOr<Bytes> document = Base64Decode(encoded);
            if (!document.ok()) {
              return Error(Reason::kRequestInvalid, "\"document\" is not base64");
            }
            provenance::IngestOptions options;
            if (body.contains("kind")) {
              TWI_ASSIGN_OR_RETURN(const std::string kind, GetString(body, "kind"));
              options.declared_kind = provenance::DocumentKindFromName(kind);
              if (!options.declared_kind.has_value()) {
                return Error(Reason::kProvenanceTypeUnsupported,
                             "unknown document kind \"" + kind.substr(0, 32) + "\"");
              }
            }
            if (body.contains("compliance_type")) {
              TWI_ASSIGN_OR_RETURN(options.compliance_type, GetString(body, "compliance_type"));
            }
            return service.AddProvenanceDocument(workload, release, *document, options, owner);
          }),
      options);
  router.Handle("POST", owner::kProvisionPath,
                OwnerRoute(owner_prefix,
                           [&service](const Json&, const std::string& owner,
                                      const std::string& workload) -> absl::StatusOr<Json> {
                             return service.ProvisionCredentials(workload, owner);
                           }),
                options);
}

}  // namespace twi::services
