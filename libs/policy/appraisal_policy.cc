#include "libs/policy/appraisal_policy.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/policy/schema.h"
#include "libs/policy/yaml_json.h"

namespace twi::policy {
namespace {

using internal::ConfigError;
using internal::MapReader;

constexpr std::string_view kKind = "appraisal";

absl::StatusOr<Action> ReadAction(const Json& value, const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string name, internal::ReadString(value, path));
  for (Action action : {Action::kReject, Action::kWarn}) {
    if (ActionName(action) == name) return action;
  }
  return ConfigError(path, absl::StrFormat("must be \"reject\" or \"warn\", not \"%s\"", name));
}

absl::Status ReadActions(const Json& value, const std::string& path, AppraisalPolicy& policy) {
  TWI_ASSIGN_OR_RETURN(const MapReader reader,
                       MapReader::Make(value, path, {"debug_enabled", "svn_below_minimum"}));
  if (const Json* debug = reader.Optional("debug_enabled")) {
    TWI_ASSIGN_OR_RETURN(policy.debug_enabled, ReadAction(*debug, reader.PathOf("debug_enabled")));
  }
  if (const Json* svn = reader.Optional("svn_below_minimum")) {
    TWI_ASSIGN_OR_RETURN(policy.svn_below_minimum,
                         ReadAction(*svn, reader.PathOf("svn_below_minimum")));
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kReject:
      return "reject";
    case Action::kWarn:
      return "warn";
  }
  return "reject";
}

absl::StatusOr<AppraisalPolicy> ParseAppraisalPolicy(std::string_view yaml) {
  TWI_ASSIGN_OR_RETURN(const Json document, internal::YamlToJson(yaml));
  TWI_RETURN_IF_ERROR(internal::CheckHeader(document, kKind));
  TWI_ASSIGN_OR_RETURN(const MapReader root,
                       MapReader::Make(document, "", {"version", "kind", "ear_ttl", "actions"}));
  AppraisalPolicy policy;
  policy.id = crypto::Sha256Id(AsBytes(yaml));
  if (const Json* ttl = root.Optional("ear_ttl")) {
    TWI_ASSIGN_OR_RETURN(policy.ear_ttl, internal::ReadDuration(*ttl, "ear_ttl", kMaxEarTtl));
  }
  if (const Json* actions = root.Optional("actions")) {
    TWI_RETURN_IF_ERROR(ReadActions(*actions, "actions", policy));
  }
  return policy;
}

}  // namespace twi::policy
