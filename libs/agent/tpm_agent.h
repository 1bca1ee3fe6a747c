// The agent on a TPM 2.0 (docs/tpm.md): before it attests it
//  1. measures itself: its binary's digest and its configuration's digest (and the workload
//     image's, if given) are extended into PCR 23 and recorded in its own event log under the
//     state directory;
//  2. makes sure its AK has a certificate: the cached one from an earlier enrollment while it
//     is valid for another hour and still for this AK, otherwise it enrolls the AK through the
//     TPM's EK with the Verifier (libs/verifier/tpm_enrollment.h) and caches the result.
// The attester it returns then quotes with qualifyingData = the binding digest.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/agent/https_acquire.h"
#include "libs/evidence/backends/tpm/ima_log.h"
#include "libs/evidence/backends/tpm/tpm_attester.h"

namespace twi::agent {

inline constexpr char kDefaultTcti[] = "device:/dev/tpmrm0";
inline constexpr char kDefaultTpmState[] = "/run/twi/tpm";

struct TpmAgentOptions {
  std::string tcti = kDefaultTcti;
  crypto::KeyType ak_type = crypto::KeyType::kEcP256;  // or kRsa (RSA-2048)
  // The PCRs quoted, in the SHA-256 bank (the bank the Verifier's claims come from).
  std::vector<uint32_t> pcrs = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};
  // The agent log and the AK certificate cache. Under /run by default: cleared at boot, like
  // the PCR the log describes.
  std::string state_dir = kDefaultTpmState;
  // The firmware's event log; shipped if it exists.
  std::string event_log_path = std::string(evidence::tpm::kSecurityfsEventLog);
  // IMA's measurement list; shipped if it exists.
  std::string ima_log_path = std::string(evidence::tpm::kSecurityfsImaLog);
  // The agent's configuration as measured (docs/tpm.md "Measured agent").
  std::string config_text;
  // The workload image the agent runs (32 bytes), measured as "image"; empty: none.
  Bytes image_digest;
  // The Verifier that enrolls AKs (its public listener).
  std::string enrollment_url;
};

// "0-23", "0,1,7,23", "0-7,14,23": ascending, without repeats, PCR 23 (the agent's) included.
// kInvalidArgument otherwise.
absl::StatusOr<std::vector<uint32_t>> ParsePcrList(std::string_view text);

// The AK chain as evidence carries it: without trailing self-issued certificates, the roots the
// Verifier holds anyway (TLS leaves them out for the same reason). Undecodable ones are kept.
std::vector<Bytes> ChainToShip(std::vector<Bytes> chain);

// Errors: the TPM's (kUnavailable), kTpmEventLogMismatch if PCR 23 holds extensions the agent
// log lacks, the enrollment's reason codes, kIoError for the state directory.
absl::StatusOr<std::unique_ptr<evidence::tpm::TpmAttester>> NewTpmAgentAttester(
    const TpmAgentOptions& options, const HttpsEndpoints& endpoints);

}  // namespace twi::agent
