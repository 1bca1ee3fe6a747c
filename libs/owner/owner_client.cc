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

}  // namespace twi::owner
