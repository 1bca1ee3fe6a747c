// The TPM attester and the `tpm` verifier backend together on a real TPM 2.0 (swtpm): evidence
// binds the report data, the measured agent and the boot log become claims, and every way the
// TPM's state can disagree with what is shipped is refused: an extension the logs do not
// record, an AK of another TPM, an older quote or a rolled-back TPM state.
#include "libs/evidence/backends/tpm/tpm_attester.h"

#include <filesystem>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/agent_measurement.h"
#include "libs/evidence/backends/tpm/event_claims.h"
#include "libs/evidence/backends/tpm/event_log_writer.h"
#include "libs/evidence/backends/tpm/ima_test_list.h"
#include "libs/evidence/backends/tpm/memory_clock_store.h"
#include "libs/evidence/backends/tpm/tpm_verifier.h"
#include "libs/evidence/binding.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"
#include "testing/subprocess.h"
#include "testing/swtpm.h"
#include "testing/temp_dir.h"

namespace twi::evidence::tpm {
namespace {

using ::twi::testing::HasReason;
using ::twi::x509::testing::TestNow;

const std::vector<uint16_t> kSha256 = {kAlgSha256};

class TpmAttesterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!twi::testing::SwtpmInstalled())
      GTEST_SKIP() << "swtpm is not installed (apt-get install swtpm)";
    ASSERT_OK_AND_ASSIGN(ca_, x509::testing::MakeRoot(TestNow(), "ak-ca.test"));
    ASSERT_OK_AND_ASSIGN(swtpm_, twi::testing::Swtpm::Start(tmp_.File("tpm")));
    ASSERT_OK_AND_ASSIGN(attester_, NewAttester(*swtpm_));
    ASSERT_OK_AND_ASSIGN(auto verifier,
                         TpmVerifier::Create({.ak_roots = {ca_->certificate}, .clocks = &clocks_}));
    verifier_ = std::move(verifier);
  }

  absl::StatusOr<std::unique_ptr<TpmAttester>> NewAttester(
      const twi::testing::Swtpm& swtpm, crypto::KeyType type = crypto::KeyType::kEcP256) {
    TWI_ASSIGN_OR_RETURN(auto device, TpmDevice::Open(swtpm.tcti()));
    TWI_ASSIGN_OR_RETURN(auto attester, TpmAttester::Create({.device = std::move(device),
                                                             .ak_type = type,
                                                             .banks = kSha256,
                                                             .event_log_path = event_log_,
                                                             .agent_log_path = agent_log_,
                                                             .ima_log_path = ima_log_}));
    TWI_ASSIGN_OR_RETURN(const Bytes cert, AkCertificate(*attester));
    attester->set_ak_certificates({cert});
    return attester;
  }

  // What enrollment gives an AK: a certificate from the deployment's AK CA.
  absl::StatusOr<Bytes> AkCertificate(const TpmAttester& attester) const {
    TWI_ASSIGN_OR_RETURN(const crypto::PublicKey key, attester.ak().parsed().Key());
    TWI_ASSIGN_OR_RETURN(const x509::Certificate cert,
                         x509::IssueCertificate({.subject_key = key,
                                                 .subject = {{"CN", "tpm-ak"}},
                                                 .not_before = TestNow() - absl::Hours(1),
                                                 .not_after = TestNow() + absl::Hours(24)},
                                                &ca_->certificate, *ca_->signer));
    return cert.ToDer();
  }

  absl::StatusOr<Claims> AttestAndVerify(TpmAttester& attester, ByteView report_data) {
    TWI_ASSIGN_OR_RETURN(const Bytes evidence, attester.Attest(report_data));
    return verifier_->Verify(evidence, TestNow());
  }

  absl::Status Measure(uint32_t tag, std::string_view content) {
    return RecordAgentMeasurement(attester_->device(), agent_log_, kDefaultAgentPcr, kSha256,
                                  {.tag = tag,
                                   .what = std::string(content.substr(0, 16)),
                                   .digests = DigestsFor(AsBytes(content), kSha256)});
  }

  twi::testing::TempDir tmp_;
  std::string event_log_;  // empty unless a test writes a firmware log
  std::string agent_log_ = tmp_.File("agent.log");
  std::string ima_log_;  // empty unless a test writes an IMA list
  std::optional<x509::testing::Party> ca_;
  MemoryTpmClockStore clocks_;
  std::unique_ptr<twi::testing::Swtpm> swtpm_;
  std::unique_ptr<TpmAttester> attester_;
  std::unique_ptr<TpmVerifier> verifier_;
};

TEST_F(TpmAttesterTest, EvidenceVerifiesAndBindsTheReportData) {
  const Bytes binding = crypto::Sha256(AsBytes("nonce, key and channel"));
  ASSERT_OK_AND_ASSIGN(const Claims claims, AttestAndVerify(*attester_, binding));
  EXPECT_EQ(claims.tee, "tpm");
  EXPECT_OK(CheckReportData(claims.report_data, binding));
  // Stale qualifying data: evidence made for another nonce does not bind this one.
  EXPECT_THAT(CheckReportData(claims.report_data, crypto::Sha256(AsBytes("next nonce"))),
              HasReason(Reason::kBindingMismatch));
  for (int pcr = 0; pcr < 24; ++pcr)
    EXPECT_EQ(claims.measurements.count("pcr" + std::to_string(pcr)), 1u);
  EXPECT_EQ(claims.measurements.count("agent"), 0u);  // the agent never measured itself
  EXPECT_THAT(attester_->Attest(Bytes(64, 1)), HasReason(Reason::kInvalidArgument));

  // An RSA AK from the same TPM.
  attester_.reset();
  ASSERT_OK_AND_ASSIGN(auto rsa, NewAttester(*swtpm_, crypto::KeyType::kRsa));
  EXPECT_EQ(rsa->ak().parsed().type, kAlgRsa);
  EXPECT_OK(AttestAndVerify(*rsa, binding).status());
}

TEST_F(TpmAttesterTest, TheMeasuredAgentIsClaimed) {
  ASSERT_OK(Measure(kTagAgentBinary, "the agent binary, version 1"));
  ASSERT_OK(Measure(kTagAgentConfig, "{\"verifier\":\"https://verifier.test\"}"));
  ASSERT_OK_AND_ASSIGN(const std::string log_before, ReadFile(agent_log_));
  // A second run in the same boot measures nothing new.
  ASSERT_OK(Measure(kTagAgentBinary, "the agent binary, version 1"));
  ASSERT_OK_AND_ASSIGN(const std::string log_after, ReadFile(agent_log_));
  EXPECT_EQ(log_after, log_before);

  const Bytes binding(32, 0x42);
  ASSERT_OK_AND_ASSIGN(Claims claims, AttestAndVerify(*attester_, binding));
  EXPECT_EQ(claims.measurements.at("agent"),
            crypto::Sha256(AsBytes("the agent binary, version 1")));
  EXPECT_EQ(claims.measurements.at("agent-config"),
            crypto::Sha256(AsBytes("{\"verifier\":\"https://verifier.test\"}")));
  EXPECT_EQ(claims.attester_claims["agent_events"].size(), 2u);

  // An agent updated without a reboot: the latest binary is the one claimed.
  ASSERT_OK(Measure(kTagAgentBinary, "the agent binary, version 2"));
  ASSERT_OK_AND_ASSIGN(claims, AttestAndVerify(*attester_, binding));
  EXPECT_EQ(claims.measurements.at("agent"),
            crypto::Sha256(AsBytes("the agent binary, version 2")));
  EXPECT_EQ(claims.attester_claims["agent_events"].size(), 3u);
}

TEST_F(TpmAttesterTest, AnExtensionTheLogsDoNotRecordIsRefused) {
  ASSERT_OK(Measure(kTagAgentBinary, "the agent binary"));
  // Something else extends the agent's PCR: the agent log no longer replays to it.
  ASSERT_OK(attester_->device().Extend(kDefaultAgentPcr, kAlgSha256,
                                       crypto::Sha256(AsBytes("another agent"))));
  EXPECT_THAT(AttestAndVerify(*attester_, Bytes(32, 1)), HasReason(Reason::kTpmEventLogMismatch));
  EXPECT_THAT(Measure(kTagAgentBinary, "the agent binary"),
              HasReason(Reason::kTpmEventLogMismatch));
}

TEST_F(TpmAttesterTest, ACrashBetweenLogAndExtendIsCompletedByTheNextRun) {
  ASSERT_OK(Measure(kTagAgentBinary, "the agent binary"));
  // The configuration's event is logged, and the agent stops before extending it.
  LogEvent event{.pcr = kDefaultAgentPcr,
                 .type = kEvEventTag,
                 .digests = DigestsFor(AsBytes("the agent config"), kSha256),
                 .data = EncodeTaggedEvent(kTagAgentConfig, AsBytes("the agent config"))};
  ASSERT_OK_AND_ASSIGN(std::string log, ReadFile(agent_log_));
  log += ToString(EncodeLogEvent(event));
  ASSERT_OK(WriteFileAtomic(agent_log_, log));
  EXPECT_THAT(AttestAndVerify(*attester_, Bytes(32, 1)), HasReason(Reason::kTpmEventLogMismatch));
  ASSERT_OK(Measure(kTagAgentConfig, "the agent config"));
  ASSERT_OK_AND_ASSIGN(const std::string after, ReadFile(agent_log_));
  EXPECT_EQ(after, log);  // completed by extending, not logged twice
  ASSERT_OK_AND_ASSIGN(const Claims claims, AttestAndVerify(*attester_, Bytes(32, 1)));
  EXPECT_EQ(claims.measurements.at("agent-config"), crypto::Sha256(AsBytes("the agent config")));
}

TEST_F(TpmAttesterTest, ALogFromAnEarlierBootStartsAfresh) {
  ASSERT_OK(Measure(kTagAgentBinary, "the agent binary, before the reboot"));
  // Reboot: PCR 23 is reset, the agent's state directory survived.
  attester_.reset();
  swtpm_.reset();
  ASSERT_OK_AND_ASSIGN(swtpm_, twi::testing::Swtpm::Start(tmp_.File("tpm")));
  ASSERT_OK_AND_ASSIGN(attester_, NewAttester(*swtpm_));
  EXPECT_THAT(AttestAndVerify(*attester_, Bytes(32, 1)), HasReason(Reason::kTpmEventLogMismatch));
  ASSERT_OK(Measure(kTagAgentBinary, "the agent binary, after the reboot"));
  ASSERT_OK_AND_ASSIGN(const Claims claims, AttestAndVerify(*attester_, Bytes(32, 1)));
  EXPECT_EQ(claims.measurements.at("agent"),
            crypto::Sha256(AsBytes("the agent binary, after the reboot")));
  EXPECT_EQ(claims.attester_claims["agent_events"].size(), 1u);
}

// A boot loader's measurements as GRUB makes them (PCR 8 commands, PCR 9 files), written as a
// firmware log and extended into the swtpm.
class BootLog {
 public:
  explicit BootLog(TpmDevice& tpm) : tpm_(tpm), log_(EncodeLogHeader(kSha256)) {}
  absl::Status Add(uint32_t pcr, std::string_view data, ByteView digest) {
    LogEvent event{.pcr = pcr,
                   .type = kEvIpl,
                   .digests = {{kAlgSha256, Bytes(digest.begin(), digest.end())}},
                   .data = ToBytes(std::string(data) + '\0')};
    const Bytes record = EncodeLogEvent(event);
    log_.insert(log_.end(), record.begin(), record.end());
    return tpm_.Extend(pcr, kAlgSha256, digest);
  }
  absl::Status Command(std::string_view text) {
    return Add(8, text, crypto::Sha256(AsBytes(text)));
  }
  absl::Status Write(const std::string& path) const {
    return WriteFileAtomic(path, ToString(log_));
  }

 private:
  TpmDevice& tpm_;
  Bytes log_;
};

TEST_F(TpmAttesterTest, BootLogClaimsAndAnUnendorsedKernel) {
  event_log_ = tmp_.File("firmware.log");
  attester_.reset();
  ASSERT_OK_AND_ASSIGN(attester_, NewAttester(*swtpm_));
  const Bytes kernel = crypto::Sha256(AsBytes("vmlinuz 6.1"));
  BootLog boot(attester_->device());
  ASSERT_OK(boot.Command("grub_cmd: linux /boot/vmlinuz-6.1 root=/dev/vda1 ro"));
  ASSERT_OK(boot.Add(9, "/boot/vmlinuz-6.1", kernel));
  ASSERT_OK(boot.Command("kernel_cmdline: /boot/vmlinuz-6.1 root=/dev/vda1 ro"));
  ASSERT_OK(boot.Write(event_log_));

  ASSERT_OK_AND_ASSIGN(const Claims claims, AttestAndVerify(*attester_, Bytes(32, 1)));
  EXPECT_EQ(claims.measurements.at("kernel"), kernel);
  EXPECT_EQ(claims.measurements.at("cmdline"),
            crypto::Sha256(AsBytes("kernel_cmdline: /boot/vmlinuz-6.1 root=/dev/vda1 ro")));
  EXPECT_EQ(claims.attester_claims["kernel"]["path"], "/boot/vmlinuz-6.1");
  EXPECT_EQ(claims.attester_claims["cmdline"], "/boot/vmlinuz-6.1 root=/dev/vda1 ro");

  // A second kernel loaded and logged: which one runs is unknown, so no kernel is claimed.
  ASSERT_OK(boot.Command("grub_cmd: linux /boot/vmlinuz-evil"));
  ASSERT_OK(boot.Add(9, "/boot/vmlinuz-evil", crypto::Sha256(AsBytes("evil"))));
  ASSERT_OK(boot.Write(event_log_));
  ASSERT_OK_AND_ASSIGN(const Claims twice, AttestAndVerify(*attester_, Bytes(32, 1)));
  EXPECT_EQ(twice.measurements.count("kernel"), 0u);
  // PCR 9 changed by a kernel the log does not show.
  ASSERT_OK(attester_->device().Extend(9, kAlgSha256, crypto::Sha256(AsBytes("unlogged"))));
  EXPECT_THAT(AttestAndVerify(*attester_, Bytes(32, 1)), HasReason(Reason::kTpmEventLogMismatch));
}

// What a kernel's IMA does: extend PCR 10 per measurement and list it; the quote covers a
// prefix of the list, whose files become claims.
TEST_F(TpmAttesterTest, TheImaListOfTheQuotedBootIsClaimed) {
  ima_log_ = tmp_.File("binary_runtime_measurements");
  attester_.reset();
  ASSERT_OK_AND_ASSIGN(attester_, NewAttester(*swtpm_));
  ASSERT_OK_AND_ASSIGN(const PcrBank boot,
                       attester_->device().ReadPcrs(kAlgSha256, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  crypto::Hasher aggregate(crypto::DigestAlgorithm::kSha256);
  for (const auto& [pcr, value] : boot.values) aggregate.Update(value);
  const Bytes orders = crypto::Sha256(AsBytes("orders v1"));
  std::vector<testing::ImaTestEntry> entries = {
      testing::ImaFile("boot_aggregate", aggregate.Finish()),
      testing::ImaFile("/usr/bin/orders", orders)};
  Bytes list;
  auto add = [&](const testing::ImaTestEntry& entry, bool extend) -> absl::Status {
    if (extend) {
      TWI_RETURN_IF_ERROR(attester_->device().Extend(
          10, kAlgSha256, testing::ImaExtendDigest(entry, crypto::DigestAlgorithm::kSha256)));
    }
    const Bytes encoded = testing::EncodeImaEntry(entry);
    list.insert(list.end(), encoded.begin(), encoded.end());
    return WriteFileAtomic(ima_log_, ToString(list));
  };
  for (const auto& entry : entries) ASSERT_OK(add(entry, true));

  ASSERT_OK_AND_ASSIGN(Claims claims, AttestAndVerify(*attester_, Bytes(32, 1)));
  EXPECT_EQ(claims.measurements.at("ima:/usr/bin/orders"), orders);
  EXPECT_EQ(claims.attester_claims["ima"]["boot_aggregate"], "checked");
  EXPECT_EQ(claims.attester_claims["ima"]["attested"], 2);

  // Listed after the quote was made (here: never extended): shipped, not vouched for.
  ASSERT_OK(add(testing::ImaFile("/usr/bin/later", orders), false));
  ASSERT_OK_AND_ASSIGN(claims, AttestAndVerify(*attester_, Bytes(32, 1)));
  EXPECT_EQ(claims.measurements.count("ima:/usr/bin/later"), 0u);
  EXPECT_EQ(claims.attester_claims["ima"]["entries"], 3);
  EXPECT_EQ(claims.attester_claims["ima"]["attested"], 2);

  // A measurement the list leaves out.
  ASSERT_OK(attester_->device().Extend(10, kAlgSha256, crypto::Sha256(AsBytes("hidden"))));
  EXPECT_THAT(AttestAndVerify(*attester_, Bytes(32, 1)), HasReason(Reason::kTpmEventLogMismatch));
}

TEST_F(TpmAttesterTest, AQuoteFromAnotherTpmsAkIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto other_tpm, twi::testing::Swtpm::Start(tmp_.File("other-tpm")));
  ASSERT_OK_AND_ASSIGN(auto other, NewAttester(*other_tpm));
  // The other TPM quotes, but presents this TPM's AK certificate.
  ASSERT_OK_AND_ASSIGN(const Bytes mine, AkCertificate(*attester_));
  other->set_ak_certificates({mine});
  EXPECT_THAT(AttestAndVerify(*other, Bytes(32, 1)), HasReason(Reason::kTpmAkUntrusted));
  // An AK certificate from a CA the verifier does not trust.
  ASSERT_OK_AND_ASSIGN(auto stranger, x509::testing::MakeRoot(TestNow(), "stranger.test"));
  ASSERT_OK_AND_ASSIGN(const crypto::PublicKey key, other->ak().parsed().Key());
  ASSERT_OK_AND_ASSIGN(const x509::Certificate foreign,
                       x509::IssueCertificate({.subject_key = key,
                                               .subject = {{"CN", "tpm-ak"}},
                                               .not_before = TestNow() - absl::Hours(1),
                                               .not_after = TestNow() + absl::Hours(1)},
                                              &stranger.certificate, *stranger.signer));
  other->set_ak_certificates({foreign.ToDer()});
  EXPECT_THAT(AttestAndVerify(*other, Bytes(32, 1)), HasReason(Reason::kTpmAkUntrusted));
}

TEST_F(TpmAttesterTest, OlderQuotesAndARolledBackTpmAreRefused) {
  ASSERT_OK_AND_ASSIGN(const Bytes first, attester_->Attest(Bytes(32, 1)));
  ASSERT_OK_AND_ASSIGN(const Bytes second, attester_->Attest(Bytes(32, 2)));
  ASSERT_OK_AND_ASSIGN(const Claims seen, verifier_->Verify(second, TestNow()));
  EXPECT_THAT(verifier_->Verify(first, TestNow()), HasReason(Reason::kTpmClockInvalid));

  // Power-cycle the TPM, keeping a copy of its state from before.
  attester_.reset();
  swtpm_.reset();
  std::filesystem::copy(tmp_.File("tpm"), tmp_.File("tpm-copy"),
                        std::filesystem::copy_options::recursive);
  ASSERT_OK_AND_ASSIGN(swtpm_, twi::testing::Swtpm::Start(tmp_.File("tpm")));
  ASSERT_OK_AND_ASSIGN(attester_, NewAttester(*swtpm_));
  // swtpm was stopped without TPM2_Shutdown, as by a power loss: the clock is reported unsafe.
  ASSERT_OK_AND_ASSIGN(const Bytes after_crash, attester_->Attest(Bytes(32, 3)));
  ASSERT_OK_AND_ASSIGN(auto strict, TpmVerifier::Create({.ak_roots = {ca_->certificate},
                                                         .refuse_unsafe_clock = true}));
  EXPECT_THAT(strict->Verify(after_crash, TestNow()), HasReason(Reason::kTpmClockInvalid));
  ASSERT_OK_AND_ASSIGN(const Claims rebooted, verifier_->Verify(after_crash, TestNow()));
  EXPECT_EQ(rebooted.attester_claims["clock"]["safe"], false);
  const int reset_count = rebooted.attester_claims["clock"]["reset_count"].get<int>();
  EXPECT_GT(reset_count, seen.attester_claims["clock"]["reset_count"].get<int>());
  // This boot lasts an hour (TPM2_ClockSet, through tpm2-tools while our connection is closed),
  // so that a TPM restarted from the older state cannot catch up.
  attester_.reset();
  const uint64_t clock = rebooted.attester_claims["clock"]["clock"].get<uint64_t>();
  const twi::testing::CommandResult set = twi::testing::RunCommand(
      {"tpm2_setclock", std::to_string(clock + 3600 * 1000)}, {{"TPM2TOOLS_TCTI", swtpm_->tcti()}});
  ASSERT_TRUE(set.ok()) << set.err;
  ASSERT_OK_AND_ASSIGN(attester_, NewAttester(*swtpm_));
  ASSERT_OK(AttestAndVerify(*attester_, Bytes(32, 5)).status());
  // A quote from before the reboot is older still.
  EXPECT_THAT(verifier_->Verify(second, TestNow()), HasReason(Reason::kTpmClockInvalid));

  // The TPM's state rolled back to the copy: its counters repeat, its clock is behind.
  attester_.reset();
  swtpm_.reset();
  std::filesystem::copy(
      tmp_.File("tpm-copy"), tmp_.File("tpm"),
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  ASSERT_OK_AND_ASSIGN(swtpm_, twi::testing::Swtpm::Start(tmp_.File("tpm")));
  ASSERT_OK_AND_ASSIGN(attester_, NewAttester(*swtpm_));
  ASSERT_OK_AND_ASSIGN(const Bytes rolled_back, attester_->Attest(Bytes(32, 4)));
  const auto refused = verifier_->Verify(rolled_back, TestNow());
  EXPECT_THAT(refused, HasReason(Reason::kTpmClockInvalid)) << "reset count was " << reset_count;
}

}  // namespace
}  // namespace twi::evidence::tpm
