// Internal to libs/policy: the yaml-cpp adapter. Turns one YAML policy document into JSON with
// YAML 1.2 core-schema typing, so the schema readers (schema.h) see typed values and never a
// yaml-cpp exception. Not a general YAML library: it refuses what a policy never needs.
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/json.h"

namespace twi::policy::internal {

// Policies are small, hand-written files; anything larger is a mistake or an attack.
inline constexpr size_t kMaxPolicyBytes = 1024 * 1024;
// Deepest nesting of mappings/sequences a policy may use (the schemas need 4).
inline constexpr int kMaxYamlDepth = 16;

// Parses exactly one YAML document whose top level is a mapping.
//
// Scalars: quoted (or !!str-tagged) -> string; plain true/True/TRUE/false/False/FALSE -> bool;
// plain decimal integers -> integer; plain decimal floats -> number; null/~/empty -> null; any
// other plain scalar -> string (so "yes"/"on" stay strings, unlike YAML 1.1). Other tags,
// non-string keys and duplicate keys are refused, as are inputs over kMaxPolicyBytes or nested
// deeper than kMaxYamlDepth. Aliases resolve to their anchored value.
//
// Thread-safe. Returns kConfigInvalid naming the path of the problem where there is one.
absl::StatusOr<Json> YamlToJson(std::string_view yaml);

}  // namespace twi::policy::internal
