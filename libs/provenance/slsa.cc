#include "libs/provenance/slsa.h"

#include <string_view>

#include "libs/core/status.h"
#include "libs/provenance/document_internal.h"
#include "libs/provenance/in_toto.h"

namespace twi::provenance {
namespace {

using internal::Invalid;
using internal::MemberPath;

// provenance.md: resolvedDependencies, builderDependencies and byproducts are arrays of
// ResourceDescriptors.
absl::Status CheckDescriptors(const Json& parent, std::string_view member,
                              std::string_view parent_path) {
  TWI_ASSIGN_OR_RETURN(const Json* list, internal::OptionalArray(parent, member, parent_path));
  if (list == nullptr) return absl::OkStatus();
  const std::string path = MemberPath(parent_path, member);
  for (size_t i = 0; i < list->size(); ++i) {
    TWI_RETURN_IF_ERROR(ParseResourceDescriptor((*list)[i], internal::IndexPath(path, i)).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RequiredTypeUri(const Json& parent, std::string_view member,
                                            std::string_view parent_path) {
  TWI_ASSIGN_OR_RETURN(std::string value, internal::RequiredString(parent, member, parent_path));
  if (!internal::IsAbsoluteUri(value)) {
    return Invalid(MemberPath(parent_path, member), "is not an absolute URI (TypeURI)");
  }
  return value;
}

}  // namespace

absl::StatusOr<SlsaProvenanceSummary> CheckSlsaProvenance(const Json& predicate) {
  constexpr std::string_view kRoot = "predicate";
  if (!predicate.is_object()) return Invalid(kRoot, "must be an object");
  SlsaProvenanceSummary out;

  // "BuildDefinition": REQUIRED buildType, externalParameters.
  TWI_ASSIGN_OR_RETURN(const Json* definition,
                       internal::RequiredObject(predicate, "buildDefinition", kRoot));
  const std::string definition_path = MemberPath(kRoot, "buildDefinition");
  TWI_ASSIGN_OR_RETURN(out.build_type, RequiredTypeUri(*definition, "buildType", definition_path));
  TWI_RETURN_IF_ERROR(
      internal::RequiredObject(*definition, "externalParameters", definition_path).status());
  TWI_RETURN_IF_ERROR(
      internal::OptionalObject(*definition, "internalParameters", definition_path).status());
  TWI_RETURN_IF_ERROR(CheckDescriptors(*definition, "resolvedDependencies", definition_path));

  // "RunDetails": REQUIRED builder; "Builder": REQUIRED id.
  TWI_ASSIGN_OR_RETURN(const Json* run, internal::RequiredObject(predicate, "runDetails", kRoot));
  const std::string run_path = MemberPath(kRoot, "runDetails");
  TWI_ASSIGN_OR_RETURN(const Json* builder, internal::RequiredObject(*run, "builder", run_path));
  const std::string builder_path = MemberPath(run_path, "builder");
  TWI_ASSIGN_OR_RETURN(out.builder_id, RequiredTypeUri(*builder, "id", builder_path));
  TWI_RETURN_IF_ERROR(CheckDescriptors(*builder, "builderDependencies", builder_path));
  TWI_ASSIGN_OR_RETURN(const Json* version,
                       internal::OptionalObject(*builder, "version", builder_path));
  if (version != nullptr) {
    for (const Json& value : *version) {
      if (!value.is_string()) {
        return Invalid(MemberPath(builder_path, "version"), "values must be strings");
      }
    }
  }

  TWI_ASSIGN_OR_RETURN(const Json* metadata, internal::OptionalObject(*run, "metadata", run_path));
  if (metadata != nullptr) {
    const std::string metadata_path = MemberPath(run_path, "metadata");
    TWI_ASSIGN_OR_RETURN(out.invocation_id,
                         internal::OptionalString(*metadata, "invocationId", metadata_path));
    // field_types.md Timestamp: RFC 3339 in UTC.
    for (std::string_view member : {"startedOn", "finishedOn"}) {
      TWI_ASSIGN_OR_RETURN(const std::string time,
                           internal::OptionalString(*metadata, member, metadata_path));
      if (!time.empty() && !internal::IsRfc3339(time, /*utc_only=*/true)) {
        return Invalid(MemberPath(metadata_path, member), "is not an RFC 3339 UTC timestamp");
      }
    }
  }
  TWI_RETURN_IF_ERROR(CheckDescriptors(*run, "byproducts", run_path));
  return out;
}

}  // namespace twi::provenance
