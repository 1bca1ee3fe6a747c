#include "libs/agent/tpm_agent.h"

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/agent/measurement.h"
#include "libs/core/files.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/agent_measurement.h"
#include "libs/evidence/backends/tpm/ak_certificate.h"
#include "libs/evidence/backends/tpm/event_claims.h"
#include "libs/net/json_api.h"
#include "libs/verifier/tpm_enrollment.h"
#include "libs/x509/certificate.h"

namespace twi::agent {
namespace {

namespace tpm = evidence::tpm;

constexpr char kComponent[] = "agent";
const std::vector<uint16_t> kBanks = {tpm::kAlgSha256};
// A cached AK certificate is renewed when it has less than this left.
constexpr absl::Duration kRenewBefore = absl::Hours(1);

absl::Status MeasureAgent(tpm::TpmDevice& device, const std::string& log,
                          const TpmAgentOptions& options) {
  std::error_code ignored;
  const std::string binary = std::filesystem::read_symlink("/proc/self/exe", ignored).string();
  TWI_ASSIGN_OR_RETURN(const Bytes digest, MeasureSelf());
  TWI_RETURN_IF_ERROR(tpm::RecordAgentMeasurement(
      device, log, tpm::kDefaultAgentPcr, kBanks,
      {.tag = tpm::kTagAgentBinary, .what = binary, .digests = {{tpm::kAlgSha256, digest}}}));
  TWI_RETURN_IF_ERROR(tpm::RecordAgentMeasurement(
      device, log, tpm::kDefaultAgentPcr, kBanks,
      {.tag = tpm::kTagAgentConfig,
       .what = options.config_text,
       .digests = tpm::DigestsFor(AsBytes(options.config_text), kBanks)}));
  if (options.image_digest.empty()) return absl::OkStatus();
  if (options.image_digest.size() != 32) {
    return Error(Reason::kInvalidArgument, "the workload image digest must be SHA-256");
  }
  return tpm::RecordAgentMeasurement(device, log, tpm::kDefaultAgentPcr, kBanks,
                                     {.tag = tpm::kTagWorkloadImage,
                                      .what = "sha256:" + HexEncode(options.image_digest),
                                      .digests = {{tpm::kAlgSha256, options.image_digest}}});
}

// The cached chain if it is for this AK and valid for a while yet.
std::optional<std::vector<Bytes>> CachedChain(const std::string& path, const tpm::TpmPublic& ak) {
  absl::StatusOr<std::string> pem = ReadFile(path, 64 << 10);
  if (!pem.ok()) return std::nullopt;
  absl::StatusOr<std::vector<x509::Certificate>> chain = x509::Certificate::ChainFromPem(*pem);
  absl::StatusOr<Bytes> name = ak.Name();
  absl::StatusOr<crypto::PublicKey> key = ak.Key();
  if (!chain.ok() || chain->empty() || !name.ok() || !key.ok()) return std::nullopt;
  const x509::Certificate& leaf = chain->front();
  absl::StatusOr<std::optional<Bytes>> certified = tpm::AkNameOf(leaf.ToDer());
  if (!certified.ok() || *certified != std::optional<Bytes>(*name) ||
      !leaf.public_key().Equals(*key) || leaf.not_after() - absl::Now() < kRenewBefore) {
    return std::nullopt;
  }
  std::vector<Bytes> out;
  for (const x509::Certificate& c : *chain) out.push_back(c.ToDer());
  return out;
}

absl::StatusOr<std::vector<Bytes>> Enroll(tpm::TpmAttester& attester, const std::string& url,
                                          const HttpsEndpoints& endpoints) {
  tpm::TpmDevice& device = attester.device();
  TWI_ASSIGN_OR_RETURN(const std::unique_ptr<tpm::TpmDevice::Key> ek,
                       device.CreateEndorsementKey());
  verifier::TpmEnrollmentRequest request;
  request.ak_public = attester.ak().public_area();
  TWI_ASSIGN_OR_RETURN(const Bytes ek_certificate, device.ReadEkCertificate());
  request.ek_certificates = {ek_certificate};
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<net::HttpsClient> client, Connect(url, endpoints));
  TWI_ASSIGN_OR_RETURN(const Json challenge_json,
                       net::PostJson(*client, "/v1/tpm/enrollments", verifier::ToJson(request)));
  TWI_ASSIGN_OR_RETURN(const verifier::TpmEnrollmentChallenge challenge,
                       verifier::TpmEnrollmentChallengeFromJson(challenge_json));
  TWI_ASSIGN_OR_RETURN(const SecretBytes secret,
                       device.ActivateCredential(attester.ak(), *ek, challenge.credential_blob,
                                                 challenge.encrypted_secret));
  const verifier::TpmActivation activation{request, challenge.expires_at,
                                           Bytes(secret.view().begin(), secret.view().end())};
  TWI_ASSIGN_OR_RETURN(const Json activated, net::PostJson(*client, "/v1/tpm/enrollments/activate",
                                                           verifier::ToJson(activation)));
  TWI_ASSIGN_OR_RETURN(std::vector<Bytes> chain, verifier::AkCertificatesFromJson(activated));
  return chain;
}

}  // namespace

absl::StatusOr<std::vector<uint32_t>> ParsePcrList(std::string_view text) {
  std::vector<uint32_t> pcrs;
  auto bad = [&] {
    return Error(Reason::kInvalidArgument,
                 absl::StrFormat("PCR list \"%s\": ascending PCRs 0-23 like 0-9,14,23, with 23 "
                                 "(the agent's measurements) included",
                                 std::string(text)));
  };
  for (absl::string_view part : absl::StrSplit(absl::string_view(text.data(), text.size()), ',')) {
    const std::vector<absl::string_view> range = absl::StrSplit(part, absl::MaxSplits('-', 1));
    uint32_t first = 0, last = 0;
    if (!absl::SimpleAtoi(range[0], &first) ||
        !absl::SimpleAtoi(range.size() == 2 ? range[1] : range[0], &last) || first > last ||
        last > 23 || (!pcrs.empty() && first <= pcrs.back())) {
      return bad();
    }
    for (uint32_t pcr = first; pcr <= last; ++pcr) pcrs.push_back(pcr);
  }
  if (pcrs.empty() || pcrs.back() != tpm::kDefaultAgentPcr) return bad();
  return pcrs;
}

std::vector<Bytes> ChainToShip(std::vector<Bytes> chain) {
  while (chain.size() > 1) {
    absl::StatusOr<x509::Certificate> last = x509::Certificate::FromDer(chain.back());
    if (!last.ok() || last->Subject() != last->Issuer()) break;
    chain.pop_back();
  }
  return chain;
}

absl::StatusOr<std::unique_ptr<tpm::TpmAttester>> NewTpmAgentAttester(
    const TpmAgentOptions& options, const HttpsEndpoints& endpoints) {
  std::error_code error;
  std::filesystem::create_directories(options.state_dir, error);
  if (error) {
    return Error(Reason::kIoError,
                 absl::StrFormat("TPM state directory %s: %s", options.state_dir, error.message()));
  }
  const std::string agent_log = options.state_dir + "/agent-measurements.log";
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<tpm::TpmDevice> device, tpm::TpmDevice::Open(options.tcti));
  TWI_RETURN_IF_ERROR(MeasureAgent(*device, agent_log, options));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<tpm::TpmAttester> attester,
                       tpm::TpmAttester::Create({.device = std::move(device),
                                                 .ak_type = options.ak_type,
                                                 .banks = kBanks,
                                                 .pcrs = options.pcrs,
                                                 .event_log_path = options.event_log_path,
                                                 .agent_log_path = agent_log,
                                                 .ima_log_path = options.ima_log_path}));
  const std::string cache = options.state_dir + "/ak-certificates.pem";
  std::optional<std::vector<Bytes>> chain = CachedChain(cache, attester->ak().parsed());
  if (!chain.has_value()) {
    LogInfo(kComponent,
            "enrolling the TPM's attestation key through its EK at " + options.enrollment_url);
    TWI_ASSIGN_OR_RETURN(chain, Enroll(*attester, options.enrollment_url, endpoints));
    std::string pem;
    for (const Bytes& der : *chain) {
      TWI_ASSIGN_OR_RETURN(const x509::Certificate c, x509::Certificate::FromDer(der));
      pem += c.ToPem();
    }
    TWI_RETURN_IF_ERROR(WriteFileAtomic(cache, pem, 0644));
  }
  attester->set_ak_certificates(ChainToShip(*std::move(chain)));
  return attester;
}

}  // namespace twi::agent
