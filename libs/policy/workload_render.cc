#include "libs/policy/workload_render.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/policy/credential_format.h"
#include "libs/policy/yaml_json.h"

namespace twi::policy {
namespace {

// Plain when it can only read back as this string; else double-quoted (JSON string syntax is
// valid YAML double-quoted syntax).
std::string Quote(std::string_view text) {
  const std::string lower = absl::AsciiStrToLower(std::string(text));
  const bool plain = !text.empty() && absl::ascii_isalpha(static_cast<unsigned char>(text[0])) &&
                     std::all_of(text.begin(), text.end(),
                                 [](char c) {
                                   return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                                          c == '_' || c == '-' || c == '.';
                                 }) &&
                     lower != "true" && lower != "false" && lower != "null";
  return plain ? std::string(text) : Json(std::string(text)).dump();
}

std::string Digest(const Bytes& digest) {
  return (digest.size() == 48 ? "sha384:" : "sha256:") + HexEncode(digest);
}

std::string DigestList(const std::vector<Bytes>& digests) {
  std::string out = "[";
  for (size_t i = 0; i < digests.size(); ++i) {
    if (i > 0) out += ", ";
    out += Digest(digests[i]);
  }
  return out + "]";
}

}  // namespace

std::string RenderWorkloadPolicy(const WorkloadPolicy& policy, std::string_view header) {
  std::string out;
  if (!header.empty()) {
    for (absl::string_view line :
         absl::StrSplit(absl::string_view(header.data(), header.size()), '\n')) {
      out += absl::StrFormat("# %s\n", line);
    }
  }
  out += "version: 1\nkind: workload\n";
  out += absl::StrFormat("name: %s\n", Quote(policy.name));
  out += absl::StrFormat("identifier: %s\n", Quote(policy.identifier.ToString()));
  if (!policy.claims.empty()) {
    out += "claims:\n";
    for (const auto& [key, value] : policy.claims.items()) {
      out += absl::StrFormat("  %s: %s\n", Quote(key), value.dump());
    }
  }
  out += "credentials:\n  formats: [";
  for (size_t i = 0; i < policy.formats.size(); ++i) {
    out += (i > 0 ? ", " : "") + policy.formats[i];
  }
  out += absl::StrFormat("]\n  x509_svid_ttl: %s\n  wit_ttl: %s\n",
                         absl::FormatDuration(policy.x509_svid_ttl),
                         absl::FormatDuration(policy.wit_ttl));
  out += policy.releases.empty() ? "releases: []\n" : "releases:\n";
  for (const Release& release : policy.releases) {
    out += absl::StrFormat("  - name: %s\n    tee: %s\n    measurements:\n", Quote(release.name),
                           Quote(release.tee));
    for (const auto& [name, digests] : release.measurements) {
      out += absl::StrFormat("      %s: %s\n", Quote(name), DigestList(digests));
    }
    out += absl::StrFormat("    agents: %s\n    min_svn: %d\n    allow_debug: %s\n",
                           DigestList(release.agents), release.min_svn,
                           release.allow_debug ? "true" : "false");
  }
  return out;
}

Json WorkloadPolicyDocument(const WorkloadPolicy& policy) {
  absl::StatusOr<Json> document = internal::YamlToJson(RenderWorkloadPolicy(policy));
  // Rendered text always reads back (workload_render_test checks the round trip).
  return document.ok() ? *std::move(document) : Json::object();
}

absl::StatusOr<WorkloadPolicy> SimpleWorkload(
    std::string name, std::string_view identifier, std::string tee,
    const std::vector<std::pair<std::string, Bytes>>& releases, const Bytes& agent,
    uint32_t min_svn) {
  auto id = spiffe::SpiffeId::Parse(identifier);
  if (!id.ok()) return Error(Reason::kConfigInvalid, id.status().message());
  WorkloadPolicy policy;
  policy.name = std::move(name);
  policy.identifier = *std::move(id);
  policy.formats = {std::string(kFormatX509Svid), std::string(kFormatWit)};
  for (const auto& [release_name, image] : releases) {
    Release release;
    release.name = release_name;
    release.tee = tee;
    release.measurements["image"] = {image};
    release.agents = {agent};
    release.min_svn = min_svn;
    policy.releases.push_back(std::move(release));
  }
  return policy;
}

}  // namespace twi::policy
