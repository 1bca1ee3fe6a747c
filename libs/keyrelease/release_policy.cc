#include "libs/keyrelease/release_policy.h"

#include <cerrno>
#include <filesystem>

#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/status.h"

namespace twi::keyrelease {
namespace {

constexpr size_t kMaxFileSize = 1 << 20;

absl::Status Invalid(std::string_view message) {
  return Error(Reason::kRequestInvalid, absl::StrFormat("key-release policy: %s", message));
}

// Workload names become file names: only what a workload policy allows ([a-z0-9-]{1,63}).
absl::Status CheckWorkloadName(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 63 &&
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
  if (!ok) return Error(Reason::kRequestInvalid, "a workload name is [a-z0-9-]{1,63}");
  return absl::OkStatus();
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

Json ToJson(const KeyReleasePolicy& policy) {
  return {{"minimum_status", policy::TierName(policy.minimum_status)},
          {"max_ear_age_seconds", absl::ToInt64Seconds(policy.max_ear_age)},
          {"claims", policy.claims}};
}

absl::StatusOr<KeyReleasePolicy> KeyReleasePolicyFromJson(const Json& json) {
  if (!json.is_object()) return Invalid("not an object");
  for (const auto& [name, value] : json.items()) {
    if (name != "minimum_status" && name != "max_ear_age_seconds" && name != "claims") {
      return Invalid(absl::StrFormat("unknown member \"%s\"", name.substr(0, 64)));
    }
  }
  KeyReleasePolicy policy;
  if (json.contains("minimum_status")) {
    TWI_ASSIGN_OR_RETURN(const std::string name, GetString(json, "minimum_status"));
    absl::StatusOr<policy::Tier> tier = policy::TierFromName(name);
    if (!tier.ok() || (*tier != policy::Tier::kAffirming && *tier != policy::Tier::kWarning)) {
      return Invalid("minimum_status must be \"affirming\" or \"warning\"");
    }
    policy.minimum_status = *tier;
  }
  if (json.contains("max_ear_age_seconds")) {
    TWI_ASSIGN_OR_RETURN(const int64_t seconds, GetInt(json, "max_ear_age_seconds"));
    if (seconds < 1 || absl::Seconds(seconds) > kMaxEarAgeLimit) {
      return Invalid(absl::StrFormat("max_ear_age_seconds must be 1 to %d",
                                     absl::ToInt64Seconds(kMaxEarAgeLimit)));
    }
    policy.max_ear_age = absl::Seconds(seconds);
  }
  if (json.contains("claims")) {
    TWI_ASSIGN_OR_RETURN(const Json* claims, GetObject(json, "claims"));
    for (const auto& [name, value] : claims->items()) {
      if (!value.is_string() && !value.is_boolean() && !value.is_number()) {
        return Invalid(absl::StrFormat("claim \"%s\" must be a string, boolean or number",
                                       name.substr(0, 64)));
      }
    }
    policy.claims = *claims;
  }
  return policy;
}

absl::Status KeyReleaseFiles::PutPolicy(std::string_view workload,
                                        const KeyReleasePolicy& policy) const {
  TWI_RETURN_IF_ERROR(CheckWorkloadName(workload));
  TWI_RETURN_IF_ERROR(MakeDirs(policies_dir_, 0755));
  return WriteFileAtomic(absl::StrFormat("%s/%s.json", policies_dir_, workload),
                         ToJson(policy).dump(2) + "\n");
}

absl::StatusOr<KeyReleasePolicy> KeyReleaseFiles::GetPolicy(std::string_view workload) const {
  TWI_RETURN_IF_ERROR(CheckWorkloadName(workload));
  const std::string path = absl::StrFormat("%s/%s.json", policies_dir_, workload);
  if (!Exists(path)) {
    return Error(Reason::kKeyReleaseDenied,
                 absl::StrFormat("workload %s has no key-release policy", workload));
  }
  TWI_ASSIGN_OR_RETURN(const std::string text, ReadFile(path, kMaxFileSize));
  absl::StatusOr<Json> json = ParseJsonObject(text);
  absl::StatusOr<KeyReleasePolicy> policy =
      json.ok() ? KeyReleasePolicyFromJson(*json) : absl::StatusOr<KeyReleasePolicy>(json.status());
  if (!policy.ok()) {
    return Error(Reason::kConfigInvalid,
                 absl::StrFormat("%s: %s", path, policy.status().message()));
  }
  return policy;
}

absl::Status KeyReleaseFiles::PutProvisioned(const ProvisionedKey& key) const {
  TWI_RETURN_IF_ERROR(CheckWorkloadName(key.workload));
  TWI_RETURN_IF_ERROR(MakeDirs(provisioned_dir_, 0700));
  const Json json = {{"workload", key.workload},
                     {"identifier", key.identifier},
                     {"key_uri", key.key_uri},
                     {"provisioned_at", absl::ToUnixSeconds(key.provisioned_at)},
                     {"credentials", issuer::ToJson(key.credentials)}};
  return WriteFileAtomic(absl::StrFormat("%s/%s.json", provisioned_dir_, key.workload),
                         json.dump(2) + "\n", 0600);
}

absl::StatusOr<ProvisionedKey> KeyReleaseFiles::GetProvisioned(std::string_view workload) const {
  TWI_RETURN_IF_ERROR(CheckWorkloadName(workload));
  const std::string path = absl::StrFormat("%s/%s.json", provisioned_dir_, workload);
  if (!Exists(path)) {
    return Error(Reason::kKeyNotProvisioned,
                 absl::StrFormat("no credential key was provisioned for workload %s", workload));
  }
  TWI_ASSIGN_OR_RETURN(const std::string text, ReadFile(path, kMaxFileSize));
  TWI_ASSIGN_OR_RETURN(const Json json, ParseJsonObject(text));
  ProvisionedKey key;
  TWI_ASSIGN_OR_RETURN(key.workload, GetString(json, "workload"));
  TWI_ASSIGN_OR_RETURN(key.identifier, GetString(json, "identifier"));
  TWI_ASSIGN_OR_RETURN(key.key_uri, GetString(json, "key_uri"));
  TWI_ASSIGN_OR_RETURN(const int64_t at, GetInt(json, "provisioned_at"));
  key.provisioned_at = absl::FromUnixSeconds(at);
  TWI_ASSIGN_OR_RETURN(const Json* credentials, GetObject(json, "credentials"));
  TWI_ASSIGN_OR_RETURN(key.credentials, issuer::IssuedCredentialsFromJson(*credentials));
  return key;
}

}  // namespace twi::keyrelease
