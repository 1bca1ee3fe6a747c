// The client side of the Workload Owner's API (owner_service.h; routes in
// services/key_release_service.cc): what `twi owner`, `twi quickstart` and the benchmarks call,
// over an mTLS connection whose client certificate is an owner's
// (spiffe://<td>/twi/owner/<name>). Answers are the server's JSON summaries; failures carry the
// server's reason code.
#pragma once

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/json.h"
#include "libs/net/client.h"

namespace twi::owner {

inline constexpr char kRegisterPath[] = "/v1/owner/workloads/register";
inline constexpr char kAddReleasePath[] = "/v1/owner/releases/add";
inline constexpr char kRevokeReleasePath[] = "/v1/owner/releases/revoke";
inline constexpr char kKeyReleasePolicyPath[] = "/v1/owner/key-release-policy";
inline constexpr char kProvisionPath[] = "/v1/owner/credentials/provision";
inline constexpr char kProvenancePath[] = "/v1/owner/provenance/add";

class OwnerClient {
 public:
  explicit OwnerClient(std::unique_ptr<net::HttpsClient> client) : client_(std::move(client)) {}

  // `document`: a workload policy as JSON (policy::WorkloadPolicyDocument).
  absl::StatusOr<Json> Register(const Json& document);
  // `release`: one `releases` entry of the workload policy schema, as JSON.
  absl::StatusOr<Json> AddRelease(std::string_view workload, const Json& release);
  absl::StatusOr<Json> RevokeRelease(std::string_view workload, std::string_view release);
  // `policy`: keyrelease::ToJson(KeyReleasePolicy) form.
  absl::StatusOr<Json> SetKeyReleasePolicy(std::string_view workload, const Json& policy);
  absl::StatusOr<Json> Provision(std::string_view workload);
  // A Workload Provenance document (its exact bytes) for a release; `kind` empty: detected;
  // `compliance_type` required for kind "compliance".
  absl::StatusOr<Json> AddProvenance(std::string_view workload, std::string_view release,
                                     ByteView document, std::string_view kind,
                                     std::string_view compliance_type);

 private:
  std::unique_ptr<net::HttpsClient> client_;
};

}  // namespace twi::owner
