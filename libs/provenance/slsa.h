// SLSA Provenance v1 predicates (predicateType https://slsa.dev/provenance/v1): the structural
// check twi applies to build provenance an owner registers.
//
// Only structure: it says the predicate has what SLSA Build L1 requires, not that the builder is
// trusted or that the build was hermetic. Deciding which builder ids to accept is policy.
//
// Spec: slsa.dev/spec/v1.0 and v1.1 provenance.md ("Schema", "BuildDefinition", "RunDetails",
// "Builder", "BuildMetadata").
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/json.h"

namespace twi::provenance {

inline constexpr char kSlsaProvenanceV1[] = "https://slsa.dev/provenance/v1";

// The members a reader most often wants, copied out of a checked predicate.
struct SlsaProvenanceSummary {
  std::string build_type{};
  std::string builder_id{};
  std::string invocation_id{};  // empty if absent
};

// Checks a SLSA v1 `predicate`: buildDefinition {buildType: TypeURI, externalParameters: object,
// internalParameters: object if present, resolvedDependencies: ResourceDescriptors if present};
// runDetails {builder {id: TypeURI, builderDependencies: ResourceDescriptors, version: string
// map}, metadata {invocationId, startedOn, finishedOn strings}, byproducts: ResourceDescriptors}.
// Optional members may be absent or null (provenance.md "Parsing rules"); unknown ones are
// ignored. Errors: kProvenanceDocumentInvalid naming the member
// ("predicate.runDetails.builder.id").
absl::StatusOr<SlsaProvenanceSummary> CheckSlsaProvenance(const Json& predicate);

}  // namespace twi::provenance
