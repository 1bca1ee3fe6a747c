#include "libs/evidence/backends/tpm/tpm_attester.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/evidence/backends/tpm/event_log.h"
#include "libs/evidence/backends/tpm/ima_log.h"
#include "libs/evidence/backends/tpm/quote.h"
#include "libs/evidence/backends/tpm/tpm_evidence.h"

namespace twi::evidence::tpm {
namespace {

constexpr int kQuoteAttempts = 3;

// A log that does not exist is not shipped: no firmware log (no TPM driver log, or a VM without
// one), or an agent that has not measured itself, which the Verifier then refuses.
absl::StatusOr<Bytes> ReadLog(const std::string& path, size_t max_size) {
  if (path.empty() || !std::filesystem::exists(path)) return Bytes{};
  TWI_ASSIGN_OR_RETURN(const std::string content, ReadFile(path, max_size));
  return ToBytes(content);
}

}  // namespace

absl::StatusOr<std::unique_ptr<TpmAttester>> TpmAttester::Create(TpmAttesterOptions options) {
  if (options.device == nullptr || options.banks.empty() || options.pcrs.empty()) {
    return Error(Reason::kInvalidArgument, "the TPM attester needs a TPM, banks and PCRs");
  }
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<TpmDevice::Key> ak,
                       options.device->CreateAttestationKey(options.ak_type));
  return std::unique_ptr<TpmAttester>(new TpmAttester(std::move(options), std::move(ak)));
}

std::string_view TpmAttester::tee() const { return kTee; }
std::string_view TpmAttester::media_type() const { return kMediaType; }
size_t TpmAttester::report_data_size() const { return 32; }

absl::StatusOr<std::pair<TpmQuote, PcrBank>> TpmAttester::QuoteBank(ByteView report_data,
                                                                    uint16_t bank) {
  for (int attempt = 0; attempt < kQuoteAttempts; ++attempt) {
    TWI_ASSIGN_OR_RETURN(PcrBank values, options_.device->ReadPcrs(bank, options_.pcrs));
    TWI_ASSIGN_OR_RETURN(TpmQuote quote,
                         options_.device->Quote(*ak_, report_data, bank, options_.pcrs));
    // The quote is over the PCRs as they were when it was made; if something extended a PCR
    // after the read, read and quote again.
    const auto checked =
        VerifyQuote(quote.attest, quote.signature, ak_->parsed(), report_data, {values});
    if (checked.ok()) return std::make_pair(std::move(quote), std::move(values));
    if (GetReason(checked.status()) != Reason::kTpmPcrDigestMismatch) return checked.status();
  }
  return Error(
      Reason::kUnavailable,
      absl::StrFormat("TPM: the %s PCRs kept changing while being quoted", HashAlgName(bank)));
}

absl::StatusOr<Bytes> TpmAttester::Attest(ByteView report_data) {
  if (report_data.size() != report_data_size()) {
    return Error(Reason::kInvalidArgument, "TPM qualifying data must be 32 bytes");
  }
  TpmEvidence evidence;
  evidence.ak_public = ak_->public_area();
  evidence.ak_certificates = ak_certificates_;
  for (const uint16_t bank : options_.banks) {
    TWI_ASSIGN_OR_RETURN(auto quoted, QuoteBank(report_data, bank));
    evidence.quotes.push_back(std::move(quoted.first));
    evidence.pcr_values[bank] = ConcatPcrValues(quoted.second);
  }
  TWI_ASSIGN_OR_RETURN(evidence.event_log, ReadLog(options_.event_log_path, kMaxEventLogSize));
  TWI_ASSIGN_OR_RETURN(evidence.agent_log, ReadLog(options_.agent_log_path, kMaxAgentLogSize));
  // IMA appends while we quote: read after, and the Verifier takes the prefix the quote covers.
  TWI_ASSIGN_OR_RETURN(evidence.ima_log, ReadLog(options_.ima_log_path, kMaxImaLogSize));
  if (!evidence.ima_log.empty()) evidence.ima_log_hash = ImaLogHashFromPath(options_.ima_log_path);
  return EncodeTpmEvidence(evidence);
}

}  // namespace twi::evidence::tpm
