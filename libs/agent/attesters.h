// The attesters the agent can produce evidence with, chosen by configuration. Only the insecure
// sample TEE exists so far; hardware attesters (TPM, configfs-tsm for SEV-SNP/TDX/CCA) join
// here.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/crypto/signature.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/evidence/evidence.h"

namespace twi::agent {

struct SampleTeeOptions {
  // The deployment's sample-platform key (the "hardware" of the sample TEE), a P-256 Signer
  // over its Key Store (deployment::OpenRoleSigner).
  std::unique_ptr<crypto::Signer> platform_key;
  Bytes image_digest;  // 32 bytes: the workload image the evidence claims to run
  uint32_t svn = 1;
  bool debug = false;
};

// INSECURE. A sample-TEE attester whose agent measurement is this executable's own digest
// (measurement.h). Errors: kKeyInvalid for a missing or non-P-256 key, kInvalidArgument for
// digests.
absl::StatusOr<std::unique_ptr<evidence::Attester>> NewSampleTeeAttester(SampleTeeOptions options);

}  // namespace twi::agent
