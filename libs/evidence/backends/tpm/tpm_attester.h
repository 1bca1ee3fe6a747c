// Attester for TPM 2.0 (the agent's side of tpm_verifier.h): quotes the configured PCRs of
// every configured bank with qualifyingData = the binding digest, and ships the AK, its
// certificates, the PCR values, the firmware's event log, the agent's own log and IMA's list.
//
// Not thread-safe (one TPM connection).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "libs/evidence/backends/tpm/tpm_device.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"
#include "libs/evidence/evidence.h"

namespace twi::evidence::tpm {

// The kernel's copy of the firmware event log.
inline constexpr std::string_view kSecurityfsEventLog =
    "/sys/kernel/security/tpm0/binary_bios_measurements";

struct TpmAttesterOptions {
  std::unique_ptr<TpmDevice> device = nullptr;
  crypto::KeyType ak_type = crypto::KeyType::kEcP256;
  std::vector<uint16_t> banks = {kAlgSha256};
  std::vector<uint32_t> pcrs = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};
  std::string event_log_path = {};  // empty: no firmware log is shipped
  std::string agent_log_path = {};  // empty: no agent log (the agent is then unmeasured)
  // An IMA binary measurement list (ima_log.h), read after quoting so it holds at least what
  // the quote covers; its hash algorithm from its name. Empty: none shipped.
  std::string ima_log_path = {};
};

class TpmAttester final : public Attester {
 public:
  // Opens the AK. kInvalidArgument for an empty bank or PCR list; the TPM's errors.
  static absl::StatusOr<std::unique_ptr<TpmAttester>> Create(TpmAttesterOptions options);

  std::string_view tee() const override;
  std::string_view media_type() const override;
  size_t report_data_size() const override;  // 32: the binding digest itself
  // Reads the PCRs and quotes them, again if they changed in between (at most three times:
  // kUnavailable after that). kIoError if a configured log cannot be read.
  absl::StatusOr<Bytes> Attest(ByteView report_data) override;

  TpmDevice& device() { return *options_.device; }
  const TpmDevice::Key& ak() const { return *ak_; }
  // The AK certificate (first) and its intermediates, DER, shipped with every quote.
  void set_ak_certificates(std::vector<Bytes> certificates) {
    ak_certificates_ = std::move(certificates);
  }

 private:
  TpmAttester(TpmAttesterOptions options, std::unique_ptr<TpmDevice::Key> ak)
      : options_(std::move(options)), ak_(std::move(ak)) {}
  absl::StatusOr<std::pair<TpmQuote, PcrBank>> QuoteBank(ByteView report_data, uint16_t bank);

  TpmAttesterOptions options_;
  std::unique_ptr<TpmDevice::Key> ak_;  // destroyed before the device: declared after it
  std::vector<Bytes> ak_certificates_;
};

}  // namespace twi::evidence::tpm
