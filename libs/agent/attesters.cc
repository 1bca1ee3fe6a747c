#include "libs/agent/attesters.h"

#include "libs/agent/measurement.h"
#include "libs/core/status.h"
#include "libs/crypto/signature.h"

namespace twi::agent {

absl::StatusOr<std::unique_ptr<evidence::Attester>> NewSampleTeeAttester(SampleTeeOptions options) {
  if (options.platform_key == nullptr) {
    return Error(Reason::kKeyInvalid, "the sample TEE needs its platform key");
  }
  evidence::sample::SampleMeasurements measurements;
  measurements.image_digest = options.image_digest;
  TWI_ASSIGN_OR_RETURN(measurements.agent_digest, MeasureSelf());
  measurements.svn = options.svn;
  measurements.debug = options.debug;
  TWI_ASSIGN_OR_RETURN(auto attester,
                       evidence::sample::SampleAttester::Create(std::move(options.platform_key),
                                                                std::move(measurements)));
  return std::unique_ptr<evidence::Attester>(std::move(attester));
}

}  // namespace twi::agent
