// The attesters the agent can produce evidence with, chosen by configuration. Only the insecure
// sample TEE exists so far; hardware attesters (TPM, configfs-tsm for SEV-SNP/TDX/CCA) join
// here.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/evidence/evidence.h"

namespace twi::agent {

struct SampleTeeOptions {
  // PKCS#8 file of the deployment's sample-platform key (the "hardware" of the sample TEE).
  std::string platform_key_path;
  Bytes image_digest;  // 32 bytes: the workload image the evidence claims to run
  uint32_t svn = 1;
  bool debug = false;
};

// INSECURE. A sample-TEE attester whose agent measurement is this executable's own digest
// (measurement.h). Errors: kIoError / kKeyInvalid for the key, kInvalidArgument for digests.
absl::StatusOr<std::unique_ptr<evidence::Attester>> NewSampleTeeAttester(
    const SampleTeeOptions& options);

}  // namespace twi::agent
