#include "libs/agent/attesters.h"

#include "libs/agent/measurement.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"

namespace twi::agent {

absl::StatusOr<std::unique_ptr<evidence::Attester>> NewSampleTeeAttester(
    const SampleTeeOptions& options) {
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> signer,
                       crypto::LoadSoftwareSigner(options.platform_key_path));
  evidence::sample::SampleMeasurements measurements;
  measurements.image_digest = options.image_digest;
  TWI_ASSIGN_OR_RETURN(measurements.agent_digest, MeasureSelf());
  measurements.svn = options.svn;
  measurements.debug = options.debug;
  TWI_ASSIGN_OR_RETURN(auto attester, evidence::sample::SampleAttester::Create(
                                          std::move(signer), std::move(measurements)));
  return std::unique_ptr<evidence::Attester>(std::move(attester));
}

}  // namespace twi::agent
