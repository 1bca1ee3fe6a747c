// Test-only: the example policy documents of the policy brief and helpers to vary them.
#pragma once

#include <string>

#include "absl/strings/str_replace.h"
#include "libs/core/bytes.h"

namespace twi::policy::testing {

// "sha256:" followed by 64 copies of `hex_digit`, and the matching raw digest.
inline std::string Sha256Text(char hex_digit) { return "sha256:" + std::string(64, hex_digit); }
inline Bytes Sha256Raw(char hex_digit) { return *HexDecode(std::string(64, hex_digit)); }

inline constexpr char kImageV1 = '1';
inline constexpr char kImageV2 = '2';
inline constexpr char kAgentA = 'a';
inline constexpr char kAgentB = 'b';

// Replaces every `from` in `text` with `to`.
inline std::string Replace(const std::string& text, const std::string& from,
                           const std::string& to) {
  return absl::StrReplaceAll(text, {{from, to}});
}

// Two releases of one workload: 2026.11.0 (image v1, min_svn 3) and 2026.12.0 (image v2,
// allow_debug), both with agent A; agent B only in 2026.12.0.
inline std::string PayrollYaml() {
  return Replace(Replace(Replace(Replace(R"(version: 1
kind: workload
name: payroll
identifier: spiffe://example.org/workload/payroll
claims:
  application: Payroll Application
  location: DE
  cleared_for_pii: true
  tier: 3
credentials:
  formats: [x509-svid, wit]
  x509_svid_ttl: 1h
  wit_ttl: 30m
releases:
  - name: "2026.11.0"
    tee: sample
    measurements:
      image: IMAGE1
    agents: [AGENTA]
    min_svn: 3
    allow_debug: false
  - name: "2026.12.0"
    tee: sample
    measurements:
      image: [IMAGE2]
    agents: [AGENTA, AGENTB]
    allow_debug: true
)",
                                         "IMAGE1", Sha256Text(kImageV1)),
                                 "IMAGE2", Sha256Text(kImageV2)),
                         "AGENTA", Sha256Text(kAgentA)),
                 "AGENTB", Sha256Text(kAgentB));
}

// A second workload with its own image ('3') and identifier.
inline std::string BillingYaml() {
  return Replace(Replace(R"(version: 1
kind: workload
name: billing
identifier: spiffe://example.org/workload/billing
credentials:
  formats: [wit]
releases:
  - name: "1.0"
    tee: sample
    measurements:
      image: IMAGE3
    agents: [AGENTA]
)",
                         "IMAGE3", Sha256Text('3')),
                 "AGENTA", Sha256Text(kAgentA));
}

inline std::string AppraisalYaml() {
  return R"(version: 1
kind: appraisal
ear_ttl: 5m
actions:
  debug_enabled: reject
  svn_below_minimum: reject
)";
}

// A valid RFC 7638 SHA-256 thumbprint spelling (32 zero bytes).
inline constexpr std::string_view kThumbprint = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

inline std::string IssuanceYaml() {
  return Replace(R"(version: 1
kind: issuance
trusted_verifiers:
  - name: local
    jwk_thumbprint: THUMB
minimum_status: affirming
max_ear_age: 5m
formats:
  x509-svid: {max_ttl: 1h}
  wit: {max_ttl: 30m}
)",
                 "THUMB", std::string(kThumbprint));
}

}  // namespace twi::policy::testing
