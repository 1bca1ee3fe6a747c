#include "libs/policy/workload_policy.h"

#include <algorithm>
#include <limits>
#include <set>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/policy/credential_format.h"
#include "libs/policy/schema.h"
#include "libs/policy/yaml_json.h"

namespace twi::policy {
namespace {

using internal::ChildPath;
using internal::ConfigError;
using internal::IndexPath;
using internal::MapReader;

constexpr std::string_view kKind = "workload";
// The agent has its own list (`agents`) so that "unmeasured agent" is a distinct failure.
constexpr std::string_view kAgentMeasurement = "agent";
constexpr size_t kMaxClaimValueSize = 1024;

bool IsClaimKeyChar(char c) { return internal::IsLabelChar(c) || c == ':' || c == '/'; }

// The allowed digests of one measurement: a single digest or a non-empty list of them.
absl::StatusOr<std::vector<Bytes>> ReadDigestSet(const Json& value, const std::string& path) {
  std::vector<Bytes> digests;
  if (!value.is_array()) {
    TWI_ASSIGN_OR_RETURN(Bytes digest, internal::ReadDigest(value, path, /*allow_sha384=*/true));
    digests.push_back(std::move(digest));
    return digests;
  }
  TWI_ASSIGN_OR_RETURN(const Json* list, internal::ReadList(value, path));
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string item_path = IndexPath(path, i);
    TWI_ASSIGN_OR_RETURN(Bytes digest,
                         internal::ReadDigest((*list)[i], item_path, /*allow_sha384=*/true));
    if (std::find(digests.begin(), digests.end(), digest) != digests.end()) {
      return ConfigError(item_path, "duplicate digest");
    }
    digests.push_back(std::move(digest));
  }
  return digests;
}

// IMA's claims (docs/tpm.md) name a file or buffer as IMA logged it, after "ima:" or
// "ima-verity:"; every other measurement name is a token.
absl::StatusOr<std::string> ReadMeasurementName(const std::string& name, const std::string& path) {
  constexpr size_t kMaxImaName = 4096;
  for (const std::string_view prefix : {"ima:", "ima-verity:"}) {
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string_view rest = std::string_view(name).substr(prefix.size());
    if (rest.empty() || rest.size() > kMaxImaName ||
        !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
      return ConfigError(path, "an IMA measurement names 1 to 4096 printable ASCII characters");
    }
    return name;
  }
  return internal::ReadToken(Json(name), path, 64, internal::IsMeasurementChar, "[a-z0-9._-]");
}

absl::StatusOr<std::map<std::string, std::vector<Bytes>>> ReadMeasurements(
    const Json& value, const std::string& path) {
  TWI_RETURN_IF_ERROR(internal::RequireMap(value, path));
  if (value.empty()) return ConfigError(path, "must name at least one measurement");
  std::map<std::string, std::vector<Bytes>> measurements;
  for (const auto& [name, digests] : value.items()) {
    const std::string entry_path = ChildPath(path, name);
    TWI_ASSIGN_OR_RETURN(std::string checked, ReadMeasurementName(name, entry_path));
    if (checked == kAgentMeasurement) {
      return ConfigError(entry_path, "list agent measurements under `agents`");
    }
    TWI_ASSIGN_OR_RETURN(measurements[checked], ReadDigestSet(digests, entry_path));
  }
  return measurements;
}

absl::StatusOr<Release> ReadRelease(const Json& value, const std::string& path) {
  TWI_ASSIGN_OR_RETURN(
      const MapReader reader,
      MapReader::Make(value, path,
                      {"name", "tee", "measurements", "agents", "min_svn", "allow_debug"}));
  Release release;
  TWI_ASSIGN_OR_RETURN(const Json* name, reader.Required("name"));
  TWI_ASSIGN_OR_RETURN(release.name, internal::ReadToken(*name, reader.PathOf("name"), 128,
                                                         internal::IsLabelChar, "[A-Za-z0-9._+-]"));
  TWI_ASSIGN_OR_RETURN(const Json* tee, reader.Required("tee"));
  TWI_ASSIGN_OR_RETURN(release.tee, internal::ReadToken(*tee, reader.PathOf("tee"), 32,
                                                        internal::IsLowerAlnumDash, "[a-z0-9-]"));
  TWI_ASSIGN_OR_RETURN(const Json* measurements, reader.Required("measurements"));
  TWI_ASSIGN_OR_RETURN(release.measurements,
                       ReadMeasurements(*measurements, reader.PathOf("measurements")));
  // Architecture §3: an unmeasured agent yields no credential, so every release names the agent
  // builds it trusts.
  TWI_ASSIGN_OR_RETURN(const Json* agents, reader.Required("agents"));
  if (!agents->is_array()) {
    return ConfigError(reader.PathOf("agents"), "must be a sequence of digests");
  }
  TWI_ASSIGN_OR_RETURN(release.agents, ReadDigestSet(*agents, reader.PathOf("agents")));
  if (const Json* min_svn = reader.Optional("min_svn")) {
    TWI_ASSIGN_OR_RETURN(int64_t svn, internal::ReadInt(*min_svn, reader.PathOf("min_svn"), 0,
                                                        std::numeric_limits<uint32_t>::max()));
    release.min_svn = static_cast<uint32_t>(svn);
  }
  if (const Json* allow_debug = reader.Optional("allow_debug")) {
    TWI_ASSIGN_OR_RETURN(release.allow_debug,
                         internal::ReadBool(*allow_debug, reader.PathOf("allow_debug")));
  }
  return release;
}

absl::StatusOr<std::vector<Release>> ReadReleases(const Json& value, const std::string& path) {
  if (!value.is_array()) return ConfigError(path, "must be a sequence");
  std::vector<Release> releases;
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string release_path = IndexPath(path, i);
    TWI_ASSIGN_OR_RETURN(Release release, ReadRelease(value[i], release_path));
    if (!names.insert(release.name).second) {
      return ConfigError(ChildPath(release_path, "name"),
                         absl::StrFormat("duplicate release name \"%s\"", release.name));
    }
    releases.push_back(std::move(release));
  }
  return releases;
}

absl::StatusOr<Json> ReadClaims(const Json& value, const std::string& path) {
  TWI_RETURN_IF_ERROR(internal::RequireMap(value, path));
  for (const auto& [key, claim] : value.items()) {
    const std::string claim_path = ChildPath(path, key);
    TWI_RETURN_IF_ERROR(
        internal::ReadToken(Json(key), claim_path, 128, IsClaimKeyChar, "[A-Za-z0-9._+:/-]")
            .status());
    if (claim.is_string()) {
      if (claim.get_ref<const std::string&>().size() > kMaxClaimValueSize) {
        return ConfigError(claim_path, absl::StrFormat("longer than %d bytes", kMaxClaimValueSize));
      }
    } else if (!claim.is_boolean() && !claim.is_number()) {
      return ConfigError(claim_path, "must be a string, boolean or number");
    }
  }
  return value;
}

absl::StatusOr<std::vector<std::string>> ReadFormats(const Json& value, const std::string& path) {
  TWI_ASSIGN_OR_RETURN(const Json* list, internal::ReadList(value, path));
  std::vector<std::string> formats;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string item_path = IndexPath(path, i);
    TWI_ASSIGN_OR_RETURN(std::string format, internal::ReadString((*list)[i], item_path));
    if (!IsKnownFormat(format)) {
      return ConfigError(item_path, absl::StrFormat("unknown format \"%s\" (expected %s or %s)",
                                                    format, kFormatX509Svid, kFormatWit));
    }
    if (std::find(formats.begin(), formats.end(), format) != formats.end()) {
      return ConfigError(item_path, absl::StrFormat("duplicate format \"%s\"", format));
    }
    formats.push_back(std::move(format));
  }
  return formats;
}

absl::Status ReadCredentials(const Json& value, const std::string& path, WorkloadPolicy& policy) {
  TWI_ASSIGN_OR_RETURN(const MapReader reader,
                       MapReader::Make(value, path, {"formats", "x509_svid_ttl", "wit_ttl"}));
  TWI_ASSIGN_OR_RETURN(const Json* formats, reader.Required("formats"));
  TWI_ASSIGN_OR_RETURN(policy.formats, ReadFormats(*formats, reader.PathOf("formats")));
  if (const Json* ttl = reader.Optional("x509_svid_ttl")) {
    TWI_ASSIGN_OR_RETURN(policy.x509_svid_ttl,
                         internal::ReadDuration(*ttl, reader.PathOf("x509_svid_ttl")));
  }
  if (const Json* ttl = reader.Optional("wit_ttl")) {
    TWI_ASSIGN_OR_RETURN(policy.wit_ttl, internal::ReadDuration(*ttl, reader.PathOf("wit_ttl")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WorkloadPolicy> ParseWorkloadPolicy(std::string_view yaml) {
  TWI_ASSIGN_OR_RETURN(const Json document, internal::YamlToJson(yaml));
  TWI_RETURN_IF_ERROR(internal::CheckHeader(document, kKind));
  TWI_ASSIGN_OR_RETURN(const MapReader root,
                       MapReader::Make(document, "",
                                       {"version", "kind", "name", "identifier", "claims",
                                        "credentials", "releases"}));

  WorkloadPolicy policy;
  // The id covers the exact bytes so an auditor can replay a decision from the file itself.
  policy.id = crypto::Sha256Id(AsBytes(yaml));
  TWI_ASSIGN_OR_RETURN(const Json* name, root.Required("name"));
  TWI_ASSIGN_OR_RETURN(
      policy.name, internal::ReadToken(*name, "name", 63, internal::IsLowerAlnumDash, "[a-z0-9-]"));
  TWI_ASSIGN_OR_RETURN(const Json* identifier, root.Required("identifier"));
  TWI_ASSIGN_OR_RETURN(std::string uri, internal::ReadString(*identifier, "identifier"));
  absl::StatusOr<spiffe::SpiffeId> id = spiffe::SpiffeId::Parse(uri);
  if (!id.ok()) return ConfigError("identifier", std::string(id.status().message()));
  if (id->is_root()) {
    return ConfigError("identifier", "must name a workload, not a trust domain (add a path)");
  }
  policy.identifier = *std::move(id);
  if (const Json* claims = root.Optional("claims")) {
    TWI_ASSIGN_OR_RETURN(policy.claims, ReadClaims(*claims, "claims"));
  }
  TWI_ASSIGN_OR_RETURN(const Json* credentials, root.Required("credentials"));
  TWI_RETURN_IF_ERROR(ReadCredentials(*credentials, "credentials", policy));
  TWI_ASSIGN_OR_RETURN(const Json* releases, root.Required("releases"));
  TWI_ASSIGN_OR_RETURN(policy.releases, ReadReleases(*releases, "releases"));
  return policy;
}

}  // namespace twi::policy
