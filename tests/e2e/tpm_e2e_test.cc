// Issue 5 end to end: a workload on a real TPM 2.0 (swtpm, manufactured with an EK certificate
// by swtpm_setup's local CA) obtains credentials through `twi agent acquire --tee tpm` for
// mechanisms A to D: fresh EK, AK activation with the Verifier, measured agent, quote,
// credential. Then the TPM's state changes the way an attack would change it, and each change
// is refused with its reason code.
#include <algorithm>
#include <filesystem>
#include <string>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/ima_test_list.h"
#include "libs/evidence/backends/tpm/tpm_device.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"
#include "libs/policy/workload_render.h"
#include "testing/status_matchers.h"
#include "testing/swtpm.h"
#include "tests/e2e/deployment_fixture.h"

namespace twi::e2e {
namespace {

namespace tpm = evidence::tpm;

constexpr char kTpmWorkloadId[] = "spiffe://e2e.twi.test/workload/tpm-orders";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

class TpmAcquireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::SwtpmInstalled() || access("/usr/bin/swtpm_setup", X_OK) != 0)
      GTEST_SKIP() << "swtpm / swtpm-tools are not installed (apt-get install swtpm swtpm-tools)";
    ASSERT_OK_AND_ASSIGN(manufacturer_, testing::ManufactureSwtpm(tmp_.File("tpm"), ca_dir()));
    ASSERT_OK_AND_ASSIGN(swtpm_, testing::Swtpm::Start(tmp_.File("tpm")));
    ASSERT_OK_AND_ASSIGN(pcr0_, ReadPcr0());

    ASSERT_NO_FATAL_FAILURE(InitDeployment(dir()));
    // The operator trusts the swtpm local CA as the TPM manufacturer.
    ASSERT_OK_AND_ASSIGN(std::string config, ReadFile(dir() + "/config.yaml"));
    config = Replace(config, "  ek_roots: []", "  ek_roots:\n    - " + manufacturer_.root_pem);
    config = Replace(config, "  ek_intermediates: []",
                     "  ek_intermediates:\n    - " + manufacturer_.intermediate_pem);
    ASSERT_OK(WriteFileAtomic(dir() + "/config.yaml", config));
    ASSERT_NO_FATAL_FAILURE(WriteTpmWorkload());
    server_ = StartServer(dir());
    ASSERT_FALSE(server_.public_url().empty());
  }

  std::string dir() const { return tmp_.File("deployment"); }
  std::string ca_dir() const { return tmp_.File("manufacturer"); }

  // Read between agent runs: swtpm serves one client at a time.
  absl::StatusOr<Bytes> ReadPcr0() const {
    TWI_ASSIGN_OR_RETURN(auto device, tpm::TpmDevice::Open(swtpm_->tcti()));
    TWI_ASSIGN_OR_RETURN(const tpm::PcrBank bank, device->ReadPcrs(tpm::kAlgSha256, {0}));
    return bank.values.at(0);
  }

  absl::Status ExtendPcr0(std::string_view what) const {
    TWI_ASSIGN_OR_RETURN(auto device, tpm::TpmDevice::Open(swtpm_->tcti()));
    return device->Extend(0, tpm::kAlgSha256, crypto::Sha256(AsBytes(what)));
  }

  // Release "1" endorses this TPM's PCR 0 and this build's agent. Release "evil" names the PCR 0
  // an unendorsed firmware gives, with an agent nobody runs.
  void WriteTpmWorkload() {
    const testing::CommandResult measured = Twi({"agent", "measure"});
    ASSERT_TRUE(measured.ok()) << measured.err;
    ASSERT_OK_AND_ASSIGN(
        const Bytes agent,
        HexDecode(std::string(absl::StripAsciiWhitespace(measured.out)).substr(7)));
    ASSERT_OK_AND_ASSIGN(
        policy::WorkloadPolicy workload,
        policy::SimpleWorkload("tpm-orders", kTpmWorkloadId, "tpm",
                               {{"1", Bytes(32, 1)}, {"evil", Bytes(32, 2)}}, agent));
    workload.releases[0].measurements = {{"pcr0", {pcr0_}}};
    workload.releases[1].measurements = {{"pcr0", {EvilPcr0()}}};
    workload.releases[1].agents = {crypto::Sha256(AsBytes("an agent nobody runs"))};
    // Release "ima", tried first, names only the service binary as IMA measured it.
    policy::Release ima = workload.releases[0];
    ima.name = "ima";
    ima.measurements = {{"ima:/usr/bin/orders", {crypto::Sha256(AsBytes("orders v1"))}}};
    workload.releases.insert(workload.releases.begin(), ima);
    ASSERT_OK(WriteFileAtomic(dir() + "/policies/workloads/tpm-orders.yaml",
                              policy::RenderWorkloadPolicy(workload)));
  }

  Bytes EvilPcr0() const {
    Bytes input = pcr0_;
    const Bytes digest = crypto::Sha256(AsBytes("unendorsed firmware"));
    input.insert(input.end(), digest.begin(), digest.end());
    return crypto::Sha256(input);
  }

  testing::CommandResult Acquire(const std::string& mechanism, const std::string& out,
                                 const std::string& tcti = "",
                                 const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"agent",        "acquire",
                                     "--mechanism",  mechanism,
                                     "--deployment", dir(),
                                     "--tee",        "tpm",
                                     "--tcti",       tcti.empty() ? swtpm_->tcti() : tcti,
                                     "--tpm-state",  tmp_.File("agent-state"),
                                     "--event-log",  tmp_.File("no-firmware-log"),
                                     "--out",        tmp_.File(out),
                                     "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    // Not the machine's own IMA list: this TPM is not the one its kernel extends.
    if (std::find(extra.begin(), extra.end(), "--ima-log") == extra.end()) {
      args.insert(args.end(), {"--ima-log", tmp_.File("no-ima-list")});
    }
    return Twi(args);
  }

  // Measures and lists a file the way the kernel's IMA does (PCR 10, SHA-256 bank).
  absl::Status ImaMeasure(const std::string& list, const tpm::testing::ImaTestEntry& entry,
                          bool extend = true) const {
    if (extend) {
      TWI_ASSIGN_OR_RETURN(auto device, tpm::TpmDevice::Open(swtpm_->tcti()));
      TWI_RETURN_IF_ERROR(
          device->Extend(10, tpm::kAlgSha256,
                         tpm::testing::ImaExtendDigest(entry, crypto::DigestAlgorithm::kSha256)));
    }
    std::string content = ReadFile(list).value_or("");
    content += ToString(tpm::testing::EncodeImaEntry(entry));
    return WriteFileAtomic(list, content);
  }

  static absl::StatusOr<Json> SubmodOf(const std::string& out) {
    TWI_ASSIGN_OR_RETURN(const std::string ear, ReadFile(out + "/ear.jwt"));
    TWI_ASSIGN_OR_RETURN(
        const Bytes payload,
        Base64UrlDecode(ear.substr(ear.find('.') + 1, ear.rfind('.') - ear.find('.') - 1)));
    TWI_ASSIGN_OR_RETURN(const Json claims, ParseJsonObject(ToString(payload)));
    return claims["submods"]["tpm"];
  }

  static std::string ReasonOf(const testing::CommandResult& r) {
    auto json = ParseJsonObject(r.out);
    return json.ok() ? json->value("/error/reason"_json_pointer, "") : r.err;
  }

  testing::TempDir tmp_;
  testing::SwtpmManufacturer manufacturer_;
  std::unique_ptr<testing::Swtpm> swtpm_;
  Bytes pcr0_;
  RunningServer server_;
};

TEST_F(TpmAcquireTest, MechanismsAToDOnARealTpm) {
  // D releases a credential the owner provisioned for the workload.
  const testing::CommandResult minted = Twi(
      {"server", "mint-tls", "--dir", dir(), "--service", "owner/alice", "--out", tmp_.File("o")});
  ASSERT_TRUE(minted.ok()) << minted.err;
  const std::vector<std::string> owner = {"--deployment", dir(),
                                          "--cert",       tmp_.File("o") + "/owner-alice.pem",
                                          "--key",        tmp_.File("o") + "/owner-alice.key",
                                          "--json"};
  std::vector<std::string> policy = {"owner", "set-release-policy", "--workload", "tpm-orders"};
  policy.insert(policy.end(), owner.begin(), owner.end());
  ASSERT_TRUE(Twi(policy).ok());
  std::vector<std::string> provision = {"owner", "provision", "--workload", "tpm-orders"};
  provision.insert(provision.end(), owner.begin(), owner.end());
  const testing::CommandResult provisioned = Twi(provision);
  ASSERT_TRUE(provisioned.ok()) << provisioned.out << provisioned.err;

  std::string first_ak_certificates;
  for (const std::string mechanism : {"A", "B", "C", "D"}) {
    SCOPED_TRACE(mechanism);
    const testing::CommandResult r = Acquire(mechanism, "out-" + mechanism);
    ASSERT_TRUE(r.ok()) << r.out << r.err;
    ASSERT_OK_AND_ASSIGN(const Json result, ParseJsonObject(r.out));
    EXPECT_EQ(result.value("spiffe_id", ""), kTpmWorkloadId);
    EXPECT_EQ(result.value("mechanism", ""), mechanism);
    // The AK was enrolled once, through the EK, and its certificate is reused afterwards.
    ASSERT_OK_AND_ASSIGN(const std::string cached,
                         ReadFile(tmp_.File("agent-state") + "/ak-certificates.pem"));
    if (first_ak_certificates.empty()) first_ak_certificates = cached;
    EXPECT_EQ(cached, first_ak_certificates);
  }
  // The EAR of mechanism A names the tpm submod and the quote's facts.
  ASSERT_OK_AND_ASSIGN(const Json submod, SubmodOf(tmp_.File("out-A")));
  EXPECT_EQ(submod["ear_status"], "affirming");
  EXPECT_EQ(submod["ear_attester_claims"]["agent_events"].size(), 2u);
}

TEST_F(TpmAcquireTest, ChangedTpmStateIsRefused) {
  // An RSA AK (enrolled on first use) quoting only the PCRs the policy and the agent need.
  const testing::CommandResult before =
      Acquire("A", "before", "", {"--ak-type", "rsa", "--tpm-pcrs", "0,23"});
  ASSERT_TRUE(before.ok()) << before.out << before.err;
  ASSERT_OK_AND_ASSIGN(const Json submod, SubmodOf(tmp_.File("before")));
  EXPECT_EQ(submod["ear_attester_claims"]["pcrs"]["sha256"].size(), 2u);
  // Firmware that no release endorses, but a release names the PCR and not this agent.
  ASSERT_OK(ExtendPcr0("unendorsed firmware"));
  testing::CommandResult r = Acquire("A", "unknown-agent");
  EXPECT_EQ(ReasonOf(r), "UNKNOWN_AGENT") << r.out << r.err;
  // Further changed: no release at all.
  ASSERT_OK(ExtendPcr0("more unendorsed firmware"));
  r = Acquire("A", "unknown-measurement");
  EXPECT_EQ(ReasonOf(r), "UNKNOWN_MEASUREMENT") << r.out << r.err;
  for (const char* out : {"unknown-agent", "unknown-measurement"}) {
    EXPECT_FALSE(std::filesystem::exists(tmp_.File(out) + "/svid.pem")) << out;
  }
}

// IMA's list travels with the quote; the release that names the service binary as IMA
// measured it is the one chosen, and a list hiding a measurement is refused.
TEST_F(TpmAcquireTest, AnImaMeasuredServiceGetsTheReleaseThatNamesIt) {
  testing::CommandResult r = Acquire("A", "plain");
  ASSERT_TRUE(r.ok()) << r.out << r.err;
  ASSERT_OK_AND_ASSIGN(Json submod, SubmodOf(tmp_.File("plain")));
  EXPECT_EQ(submod["ear_verifier_claims"]["release"], "1");

  const std::string list = tmp_.File("binary_runtime_measurements");
  ASSERT_OK(ImaMeasure(
      list, tpm::testing::ImaFile("/usr/lib/systemd/systemd", crypto::Sha256(AsBytes("systemd")))));
  ASSERT_OK(ImaMeasure(
      list, tpm::testing::ImaFile("/usr/bin/orders", crypto::Sha256(AsBytes("orders v1")))));
  r = Acquire("A", "ima", "", {"--ima-log", list});
  ASSERT_TRUE(r.ok()) << r.out << r.err;
  ASSERT_OK_AND_ASSIGN(submod, SubmodOf(tmp_.File("ima")));
  EXPECT_EQ(submod["ear_verifier_claims"]["release"], "ima");
  EXPECT_EQ(submod["ear_attester_claims"]["ima"]["attested"], 2);

  // Another build of the service: release "ima" no longer matches, release "1" still does.
  ASSERT_OK(ImaMeasure(
      list, tpm::testing::ImaFile("/usr/bin/orders", crypto::Sha256(AsBytes("orders v2")))));
  r = Acquire("A", "rebuilt", "", {"--ima-log", list});
  ASSERT_TRUE(r.ok()) << r.out << r.err;
  ASSERT_OK_AND_ASSIGN(submod, SubmodOf(tmp_.File("rebuilt")));
  EXPECT_EQ(submod["ear_verifier_claims"]["release"], "1");

  // A measurement the list hides.
  ASSERT_OK(ImaMeasure(list, tpm::testing::ImaFile("/tmp/implant", Bytes(32, 7)), true));
  ASSERT_OK_AND_ASSIGN(std::string content, ReadFile(list));
  content.resize(
      content.size() -
      tpm::testing::EncodeImaEntry(tpm::testing::ImaFile("/tmp/implant", Bytes(32, 7))).size());
  ASSERT_OK(WriteFileAtomic(list, content));
  r = Acquire("A", "hidden", "", {"--ima-log", list});
  EXPECT_EQ(ReasonOf(r), "TPM_EVENT_LOG_MISMATCH") << r.out << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp_.File("hidden") + "/svid.pem"));
}

TEST_F(TpmAcquireTest, ATpmFromAnUntrustedManufacturerIsNotEnrolled) {
  ASSERT_OK_AND_ASSIGN(const testing::SwtpmManufacturer other,
                       testing::ManufactureSwtpm(tmp_.File("other-tpm"), tmp_.File("other-ca")));
  ASSERT_OK_AND_ASSIGN(auto other_tpm, testing::Swtpm::Start(tmp_.File("other-tpm")));
  const testing::CommandResult r = Acquire("A", "untrusted", other_tpm->tcti());
  EXPECT_EQ(ReasonOf(r), "TPM_EK_UNTRUSTED") << r.out << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp_.File("untrusted") + "/svid.pem"));
}

}  // namespace
}  // namespace twi::e2e
