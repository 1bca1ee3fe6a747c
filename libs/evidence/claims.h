// Normalized claims: what an evidence backend outputs after parsing and verifying evidence,
// and what the policy library appraises. Backend-independent by design: policies name TEE
// kinds and measurement names, never wire structures.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "libs/core/bytes.h"
#include "libs/core/json.h"

namespace twi::evidence {

struct Claims {
  // TEE kind; also the EAR submod label: "sample", "tpm", "sev-snp", "tdx", "sgx", "cca", ...
  std::string tee;
  // The TEE's report-data / qualifying-data field, compared with the binding digest.
  Bytes report_data;
  // Named measurements, e.g. "image" and "agent" for the sample TEE. Digests as raw bytes.
  std::map<std::string, Bytes> measurements;
  // Security version of the platform/TCB, if the TEE reports one.
  std::optional<uint32_t> svn;
  // Whether debug is enabled, if the TEE reports it.
  std::optional<bool> debug;
  // Every parsed field in JSON form, for the EAR's ear_attester_claims.
  Json attester_claims = Json::object();
};

}  // namespace twi::evidence
