// Test-only: reading the public TPM vectors (shared/vectors/tpm, README.md there).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/evidence/backends/tpm/quote.h"
#include "testing/temp_dir.h"

namespace twi::evidence::tpm::testing {

// The vectors' folder, or "" when they are absent (tests then skip).
inline std::string TpmVectorsDir() {
  const std::string dir = twi::testing::VectorsDir() + "/tpm";
  return ReadFile(dir + "/README.md").ok() ? dir : "";
}

inline absl::StatusOr<Bytes> ReadVector(const std::string& dir, const std::string& name) {
  TWI_ASSIGN_OR_RETURN(const std::string content, ReadFile(dir + "/" + name));
  return ToBytes(content);
}

// pcrs_<bank>.json: {"hash": bank, "pcrs": {"0": hex, ...}}.
inline absl::StatusOr<PcrBank> ReadVectorBank(const std::string& dir, const std::string& name,
                                              uint16_t alg) {
  TWI_ASSIGN_OR_RETURN(const std::string text, ReadFile(dir + "/" + name));
  TWI_ASSIGN_OR_RETURN(const Json json, ParseJsonObject(text));
  PcrBank bank{.hash_alg = alg, .values = {}};
  for (const auto& [index, hex] : json["pcrs"].items()) {
    TWI_ASSIGN_OR_RETURN(bank.values[std::stoul(index)], HexDecode(hex.get<std::string>()));
  }
  return bank;
}

inline constexpr char kVectorsMissing[] =
    "shared vectors not found (set TWI_VECTORS_DIR to the shared/vectors folder)";

}  // namespace twi::evidence::tpm::testing
