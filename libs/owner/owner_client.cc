#include "libs/owner/owner_client.h"

#include <string>

#include "libs/net/json_api.h"

namespace twi::owner {

absl::StatusOr<Json> OwnerClient::Register(const Json& document) {
  return net::PostJson(*client_, kRegisterPath, {{"workload", document}});
}

absl::StatusOr<Json> OwnerClient::AddRelease(std::string_view workload, const Json& release) {
  return net::PostJson(*client_, kAddReleasePath,
                       {{"workload", std::string(workload)}, {"release", release}});
}

absl::StatusOr<Json> OwnerClient::RevokeRelease(std::string_view workload,
                                                std::string_view release) {
  return net::PostJson(*client_, kRevokeReleasePath,
                       {{"workload", std::string(workload)}, {"release", std::string(release)}});
}

absl::StatusOr<Json> OwnerClient::SetKeyReleasePolicy(std::string_view workload,
                                                      const Json& policy) {
  return net::PostJson(*client_, kKeyReleasePolicyPath,
                       {{"workload", std::string(workload)}, {"policy", policy}});
}

absl::StatusOr<Json> OwnerClient::Provision(std::string_view workload) {
  return net::PostJson(*client_, kProvisionPath, {{"workload", std::string(workload)}});
}

absl::StatusOr<Json> OwnerClient::AddProvenance(std::string_view workload, std::string_view release,
                                                ByteView document, std::string_view kind,
                                                std::string_view compliance_type) {
  // Base64: the document's exact bytes are its content address.
  Json body = {{"workload", std::string(workload)},
               {"release", std::string(release)},
               {"document", Base64Encode(document)}};
  if (!kind.empty()) body["kind"] = std::string(kind);
  if (!compliance_type.empty()) body["compliance_type"] = std::string(compliance_type);
  return net::PostJson(*client_, kProvenancePath, body);
}

}  // namespace twi::owner
