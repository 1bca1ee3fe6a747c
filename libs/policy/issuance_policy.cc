#include "libs/policy/issuance_policy.h"

#include <set>

#include "absl/strings/str_format.h"
#include "libs/core/bytes.h"
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

constexpr std::string_view kKind = "issuance";
// RFC 7638 §3 with SHA-256: the thumbprint is 32 bytes.
constexpr size_t kThumbprintSize = 32;

absl::StatusOr<TrustedVerifier> ReadVerifier(const Json& value, const std::string& path) {
  TWI_ASSIGN_OR_RETURN(const MapReader reader,
                       MapReader::Make(value, path, {"name", "jwk_thumbprint"}));
  TrustedVerifier verifier;
  TWI_ASSIGN_OR_RETURN(const Json* name, reader.Required("name"));
  TWI_ASSIGN_OR_RETURN(verifier.name,
                       internal::ReadToken(*name, reader.PathOf("name"), 63, internal::IsLabelChar,
                                           "[A-Za-z0-9._+-]"));
  TWI_ASSIGN_OR_RETURN(const Json* thumbprint, reader.Required("jwk_thumbprint"));
  const std::string thumbprint_path = reader.PathOf("jwk_thumbprint");
  TWI_ASSIGN_OR_RETURN(verifier.jwk_thumbprint, internal::ReadString(*thumbprint, thumbprint_path));
  // Strict base64url (no padding, canonical) so one key has exactly one spelling here and a
  // string comparison with a computed thumbprint is sound.
  absl::StatusOr<Bytes> decoded = Base64UrlDecode(verifier.jwk_thumbprint);
  if (!decoded.ok() || decoded->size() != kThumbprintSize) {
    return ConfigError(thumbprint_path,
                       "must be the base64url (unpadded) SHA-256 JWK thumbprint of RFC 7638");
  }
  return verifier;
}

absl::StatusOr<std::vector<TrustedVerifier>> ReadVerifiers(const Json& value,
                                                           const std::string& path) {
  TWI_ASSIGN_OR_RETURN(const Json* list, internal::ReadList(value, path));
  std::vector<TrustedVerifier> verifiers;
  std::set<std::string, std::less<>> names;
  std::set<std::string, std::less<>> thumbprints;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string item_path = IndexPath(path, i);
    TWI_ASSIGN_OR_RETURN(TrustedVerifier verifier, ReadVerifier((*list)[i], item_path));
    if (!names.insert(verifier.name).second) {
      return ConfigError(ChildPath(item_path, "name"),
                         absl::StrFormat("duplicate verifier name \"%s\"", verifier.name));
    }
    if (!thumbprints.insert(verifier.jwk_thumbprint).second) {
      return ConfigError(ChildPath(item_path, "jwk_thumbprint"), "duplicate thumbprint");
    }
    verifiers.push_back(std::move(verifier));
  }
  return verifiers;
}

absl::StatusOr<Tier> ReadMinimumStatus(const Json& value, const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string name, internal::ReadString(value, path));
  // Requiring "none" or "contraindicated" would let untrustworthy results through.
  if (name == TierName(Tier::kAffirming)) return Tier::kAffirming;
  if (name == TierName(Tier::kWarning)) return Tier::kWarning;
  return ConfigError(path,
                     absl::StrFormat("must be \"affirming\" or \"warning\", not \"%s\"", name));
}

absl::StatusOr<std::map<std::string, FormatLimits>> ReadFormats(const Json& value,
                                                                const std::string& path) {
  TWI_ASSIGN_OR_RETURN(const MapReader reader,
                       MapReader::Make(value, path, {kFormatX509Svid, kFormatWit}));
  if (value.empty()) return ConfigError(path, "must allow at least one format");
  std::map<std::string, FormatLimits> formats;
  for (std::string_view format : {kFormatX509Svid, kFormatWit}) {
    const Json* limits = reader.Optional(format);
    if (limits == nullptr) continue;
    TWI_ASSIGN_OR_RETURN(const MapReader limits_reader,
                         MapReader::Make(*limits, reader.PathOf(format), {"max_ttl"}));
    TWI_ASSIGN_OR_RETURN(const Json* max_ttl, limits_reader.Required("max_ttl"));
    FormatLimits parsed;
    TWI_ASSIGN_OR_RETURN(parsed.max_ttl,
                         internal::ReadDuration(*max_ttl, limits_reader.PathOf("max_ttl")));
    formats.emplace(std::string(format), parsed);
  }
  return formats;
}

}  // namespace

absl::StatusOr<IssuancePolicy> ParseIssuancePolicy(std::string_view yaml) {
  TWI_ASSIGN_OR_RETURN(const Json document, internal::YamlToJson(yaml));
  TWI_RETURN_IF_ERROR(internal::CheckHeader(document, kKind));
  TWI_ASSIGN_OR_RETURN(const MapReader root,
                       MapReader::Make(document, "",
                                       {"version", "kind", "trusted_verifiers", "minimum_status",
                                        "max_ear_age", "formats"}));
  IssuancePolicy policy;
  policy.id = crypto::Sha256Id(AsBytes(yaml));
  TWI_ASSIGN_OR_RETURN(const Json* verifiers, root.Required("trusted_verifiers"));
  TWI_ASSIGN_OR_RETURN(policy.trusted_verifiers, ReadVerifiers(*verifiers, "trusted_verifiers"));
  if (const Json* status = root.Optional("minimum_status")) {
    TWI_ASSIGN_OR_RETURN(policy.minimum_status, ReadMinimumStatus(*status, "minimum_status"));
  }
  if (const Json* age = root.Optional("max_ear_age")) {
    TWI_ASSIGN_OR_RETURN(policy.max_ear_age,
                         internal::ReadDuration(*age, "max_ear_age", kMaxEarAge));
  }
  TWI_ASSIGN_OR_RETURN(const Json* formats, root.Required("formats"));
  TWI_ASSIGN_OR_RETURN(policy.formats, ReadFormats(*formats, "formats"));
  return policy;
}

}  // namespace twi::policy
