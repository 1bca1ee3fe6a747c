// The Workload Owner's key-release policy for one workload (mechanism D), and the record of the
// credential key provisioned for it. Both live as files of the deployment:
//
//   policies/key-release/<workload>.json   the policy, written by `twi owner set-release-policy`
//   data/provisioned/<workload>.json       the key's pkcs11: URI and the public credentials
//
// The policy says when the Key Store may release the workload's credential key: the EAR's tier
// (and every submod's) at least `minimum_status`, the EAR at most `max_ear_age` old, and the
// EAR's workload claims holding each of `claims` exactly. The identity is implicit: a key is
// only ever released to an EAR naming its workload.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/json.h"
#include "libs/issuer/credential_api.h"
#include "libs/policy/tier.h"

namespace twi::keyrelease {

inline constexpr absl::Duration kMaxEarAgeLimit = absl::Hours(1);

struct KeyReleasePolicy {
  policy::Tier minimum_status = policy::Tier::kAffirming;  // affirming or warning
  absl::Duration max_ear_age = absl::Minutes(2);           // 1 s .. kMaxEarAgeLimit
  Json claims = Json::object();                            // claim -> required value
};

// {"minimum_status": "affirming", "max_ear_age_seconds": 120, "claims": {...}}.
Json ToJson(const KeyReleasePolicy& policy);
// Strict: unknown members, wrong types, a tier other than affirming/warning, an age out of range
// or non-scalar claim values are kRequestInvalid.
absl::StatusOr<KeyReleasePolicy> KeyReleasePolicyFromJson(const Json& json);

struct ProvisionedKey {
  std::string workload;
  std::string identifier;
  std::string key_uri;  // pkcs11: URI of the credential key in the Key Store
  absl::Time provisioned_at;
  issuer::IssuedCredentials credentials;  // public: certificate chain, WIT, bundle
};

// The two kinds of file above, under one deployment's directories. Writes are atomic; reads
// see the last complete write. Thread-safe (the file system serialises).
class KeyReleaseFiles {
 public:
  KeyReleaseFiles(std::string policies_dir, std::string provisioned_dir)
      : policies_dir_(std::move(policies_dir)), provisioned_dir_(std::move(provisioned_dir)) {}

  absl::Status PutPolicy(std::string_view workload, const KeyReleasePolicy& policy) const;
  // kKeyReleaseDenied if the owner set none (nothing is released without a policy).
  absl::StatusOr<KeyReleasePolicy> GetPolicy(std::string_view workload) const;

  absl::Status PutProvisioned(const ProvisionedKey& key) const;
  // kKeyNotProvisioned if no key was provisioned for `workload`.
  absl::StatusOr<ProvisionedKey> GetProvisioned(std::string_view workload) const;

 private:
  std::string policies_dir_;
  std::string provisioned_dir_;
};

}  // namespace twi::keyrelease
