// Attester for the insecure `sample` TEE: signs reports with the deployment's sample-platform
// key, which a real TEE would keep in hardware. Development and CI only.
#pragma once

#include <memory>

#include "libs/crypto/signature.h"
#include "libs/evidence/evidence.h"

namespace twi::evidence::sample {

struct SampleMeasurements {
  Bytes image_digest;  // 32 bytes
  Bytes agent_digest;  // 32 bytes
  uint32_t svn = 0;
  bool debug = false;
};

class SampleAttester final : public Attester {
 public:
  // `platform_signer` must be ES256 (P-256). kInvalidArgument for wrong digest sizes.
  static absl::StatusOr<std::unique_ptr<SampleAttester>> Create(
      std::unique_ptr<crypto::Signer> platform_signer, SampleMeasurements measurements);

  std::string_view tee() const override;
  std::string_view media_type() const override;
  size_t report_data_size() const override;
  absl::StatusOr<Bytes> Attest(ByteView report_data) override;

 private:
  SampleAttester(std::unique_ptr<crypto::Signer> signer, SampleMeasurements m)
      : signer_(std::move(signer)), measurements_(std::move(m)) {}
  std::unique_ptr<crypto::Signer> signer_;
  SampleMeasurements measurements_;
};

}  // namespace twi::evidence::sample
