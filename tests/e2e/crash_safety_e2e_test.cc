// Issuance is atomic with provenance across crashes (docs/provenance.md "Atomicity"): a real
// `twi server` is killed with SIGKILL, round after round, while workloads (real `twi agent
// acquire` processes) are being issued credentials. After the last restart every credential a
// workload received has its record and an inclusion proof, no two credentials share a log index,
// and the tree extends every checkpoint published before any of the crashes (checked with `twi
// log consistency` against the running server, as an auditor keeping checkpoints would).
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/crypto/keys.h"
#include "libs/deployment/layout.h"
#include "libs/net/client.h"
#include "libs/rp/provenance_check.h"
#include "libs/rp/provenance_client.h"
#include "libs/tlog/checkpoint.h"
#include "libs/tlog/note.h"
#include "libs/x509/certificate.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tests/e2e/deployment_fixture.h"

namespace twi::e2e {
namespace {

using ::testing::HasSubstr;

constexpr int kRounds = 6;
constexpr int kWorkers = 3;
// Credentials received in a round before its kill; the workers keep acquiring meanwhile, so
// the kill lands in the middle of issuances.
constexpr int kPerRound = 6;

class CrashSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(InitDeployment(dir())); }

  std::string dir() const { return tmp_.File("deployment"); }
  deployment::Layout layout() const { return deployment::Layout(dir()); }
  std::vector<std::string> ServerFlags(const RunningServer& server) const {
    return {"--vkey",      layout().log_vkey(),
            "--server",    server.public_url(),
            "--server-ca", layout().cert(deployment::kInternalCa)};
  }

  // `twi log checkpoint`: the verified latest checkpoint note, kept in a file of its own.
  std::string KeepCheckpoint(const RunningServer& server) {
    std::vector<std::string> args = {"log", "checkpoint", "--json"};
    for (const std::string& flag : ServerFlags(server)) args.push_back(flag);
    const testing::CommandResult r = Twi(args);
    EXPECT_TRUE(r.ok()) << r.err;
    absl::StatusOr<Json> json = ParseJsonObject(r.out);
    EXPECT_OK(json);
    if (!json.ok()) return "";
    const std::string file = tmp_.File(absl::StrCat("checkpoint-", kept_.size()));
    EXPECT_OK(WriteFileAtomic(file, (*json)["note"].get<std::string>()));
    kept_.push_back(file);
    return file;
  }

  testing::TempDir tmp_;
  std::vector<std::string> kept_;  // checkpoint files, oldest first
};

TEST_F(CrashSafetyTest, KillNineDuringIssuanceLosesNoRecordAndForksNoTree) {
  std::vector<std::string> received;  // credential directories of successful acquisitions
  std::mutex mu;
  std::condition_variable changed;
  std::atomic<int> next_dir{0};

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    RunningServer server = StartServer(dir());
    ASSERT_FALSE(server.public_url().empty());
    KeepCheckpoint(server);
    std::atomic<bool> stop{false};
    int in_round = 0;
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
      workers.emplace_back([&] {
        while (!stop.load()) {
          const std::string out = tmp_.File(absl::StrCat("credentials-", next_dir++));
          const testing::CommandResult r =
              Twi({"agent", "acquire", "--mechanism", "A", "--deployment", dir(), "--verifier",
                   server.public_url(), "--image", kImageV1, "--svn", "2", "--out", out});
          if (!r.ok()) continue;  // refused by the crash: nothing was received
          std::lock_guard lock(mu);
          received.push_back(out);
          ++in_round;
          changed.notify_all();
        }
      });
    }
    // Keep checkpoints while credentials arrive, as an auditor polling the log would.
    int seen = 0;
    while (seen < kPerRound) {
      std::unique_lock lock(mu);
      if (!changed.wait_for(lock, std::chrono::seconds(60), [&] { return in_round > seen; })) {
        break;
      }
      seen = in_round;
      lock.unlock();
      KeepCheckpoint(server);
    }
    EXPECT_GE(seen, kPerRound) << "issuance stalled: " << server.process->err();
    ASSERT_EQ(kill(server.process->pid(), SIGKILL), 0);
    server.process->Stop();  // reaps it
    stop = true;
    for (std::thread& t : workers) t.join();
  }
  ASSERT_GE(received.size(), static_cast<size_t>(kRounds * kPerRound));

  // After the last restart: every received credential (its X509-SVID and its WIT) has its
  // record, signed, in the log at the index its pointer names; no index serves two.
  RunningServer server = StartServer(dir());
  ASSERT_FALSE(server.public_url().empty());
  ASSERT_OK_AND_ASSIGN(const net::Endpoint endpoint, net::ParseHttpsUrl(server.public_url()));
  net::TlsClientConfig tls;
  ASSERT_OK_AND_ASSIGN(tls.ca_pem, ReadFile(layout().cert(deployment::kInternalCa)));
  net::HttpsClient client(endpoint.host, endpoint.port, std::move(tls));
  ASSERT_OK_AND_ASSIGN(const std::string signer_pem,
                       ReadFile(layout().public_key(deployment::kProvenanceSigning)));
  ASSERT_OK_AND_ASSIGN(const crypto::PublicKey signer, crypto::PublicKey::FromPem(signer_pem));
  ASSERT_OK_AND_ASSIGN(const std::string vkey, ReadFile(layout().log_vkey()));
  ASSERT_OK_AND_ASSIGN(
      const tlog::NoteVerifier log_key,
      tlog::NoteVerifier::FromVerifierKey(std::string(absl::StripTrailingAsciiWhitespace(vkey))));
  std::map<uint64_t, std::string> owner_of_index;
  for (const std::string& credentials : received) {
    SCOPED_TRACE(credentials);
    ASSERT_OK_AND_ASSIGN(const std::string pem, ReadFile(credentials + "/svid.pem"));
    ASSERT_OK_AND_ASSIGN(const std::vector<x509::Certificate> chain,
                         x509::Certificate::ChainFromPem(pem));
    ASSERT_OK_AND_ASSIGN(const std::string wit_line, ReadFile(credentials + "/wit.jwt"));
    const std::string wit(absl::StripTrailingAsciiWhitespace(wit_line));
    ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts x509_facts,
                         rp::X509CredentialFacts(chain.front().ToDer()));
    ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts wit_facts, rp::WitCredentialFacts(wit));
    for (const rp::CredentialFacts& facts : {x509_facts, wit_facts}) {
      ASSERT_OK_AND_ASSIGN(const rp::FetchedProvenance fetched,
                           rp::FetchProvenance(client, facts.credential_id));
      ASSERT_OK_AND_ASSIGN(
          const rp::VerifiedProvenance verified,
          rp::VerifyProvenance(facts, fetched.envelope, signer, fetched.proof_bundle, log_key));
      const auto [it, fresh] = owner_of_index.emplace(verified.log_index, facts.credential_id);
      EXPECT_TRUE(fresh) << "index " << verified.log_index << " serves " << it->second << " and "
                         << facts.credential_id;
    }
  }
  // One CLI check per round's worth of credentials: what a relying party would run.
  for (size_t i = 0; i < received.size(); i += kPerRound) {
    std::vector<std::string> args = {
        "verify",       "provenance",
        "--credential", received[i] + "/svid.pem",
        "--signer",     layout().public_key(deployment::kProvenanceSigning)};
    for (const std::string& flag : ServerFlags(server)) args.push_back(flag);
    const testing::CommandResult r = Twi(args);
    EXPECT_TRUE(r.ok()) << r.err;
  }

  // The tree after the crashes extends every checkpoint kept before them.
  const std::string latest = KeepCheckpoint(server);
  ASSERT_FALSE(latest.empty());
  ASSERT_OK_AND_ASSIGN(const std::string latest_note, ReadFile(latest));
  ASSERT_OK_AND_ASSIGN(const tlog::Checkpoint newest,
                       tlog::OpenCheckpoint(latest_note, log_key, log_key.name()));
  EXPECT_GE(newest.size, owner_of_index.size());
  std::set<uint64_t> sizes;
  for (size_t i = 0; i + 1 < kept_.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(const std::string note, ReadFile(kept_[i]));
    ASSERT_OK_AND_ASSIGN(const tlog::Checkpoint older,
                         tlog::OpenCheckpoint(note, log_key, log_key.name()));
    if (older.size == 0) continue;  // the empty tree: a prefix of anything, with no proof
    sizes.insert(older.size);
    std::vector<std::string> args = {"log", "consistency", "--old", kept_[i], "--new", latest};
    for (const std::string& flag : ServerFlags(server)) args.push_back(flag);
    const testing::CommandResult r = Twi(args);
    EXPECT_TRUE(r.ok()) << kept_[i] << " (size " << older.size << "): " << r.err;
    EXPECT_THAT(r.out, HasSubstr("consistent"));
  }
  RecordProperty("credentials", static_cast<int>(received.size()));
  RecordProperty("log_size", static_cast<int>(newest.size));
  RecordProperty("checkpoints_kept", static_cast<int>(kept_.size()));
  std::cout << received.size() << " credentials received, " << owner_of_index.size()
            << " records checked, log size " << newest.size << ", " << kept_.size()
            << " checkpoints kept (" << sizes.size() << " sizes)\n";
  // Each restart publishes the recovered size at once, so the kept checkpoints grew.
  EXPECT_GE(sizes.size(), static_cast<size_t>(kRounds - 1));
  // And the check can fail: a newer checkpoint is no prefix of an older one.
  std::vector<std::string> swapped = {"log", "consistency", "--old", latest, "--new", kept_[0]};
  for (const std::string& flag : ServerFlags(server)) swapped.push_back(flag);
  const testing::CommandResult refused = Twi(swapped);
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("TREE_SIZE_INVALID"));
}

}  // namespace
}  // namespace twi::e2e
