// End to end with real processes: split roles (Verifier and CA in separate processes, talking
// mTLS), the internal API's client authorization, the gate on the insecure sample TEE, the
// quickstart, key custody (no private key file in a deployment), and --help everywhere.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/crypto/keys.h"
#include "testing/status_matchers.h"
#include "testing/swtpm.h"
#include "tests/e2e/deployment_fixture.h"

namespace twi::e2e {
namespace {

using ::testing::HasSubstr;

TEST(SplitRolesTest, VerifierReachesRemoteCaOverMtlsForMechanismA) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("d");
  ASSERT_NO_FATAL_FAILURE(InitDeployment(dir));
  RunningServer ca = StartServer(dir, "ca");
  ASSERT_FALSE(ca.internal_url().empty());
  RunningServer verifier = StartServer(dir, "verifier", {{"TWI_CA_URL", ca.internal_url()}});
  ASSERT_FALSE(verifier.public_url().empty());
  EXPECT_TRUE(verifier.internal_url().empty()) << "a verifier-only process has no internal API";

  const auto a = Twi({"agent", "acquire", "--mechanism", "A", "--verifier", verifier.public_url(),
                      "--server-ca", dir + "/pki/internal-ca.pem", "--deployment", dir, "--image",
                      kImageV1, "--svn", "2", "--out", tmp.File("A"), "--json"});
  ASSERT_TRUE(a.ok()) << a.err << verifier.process->err() << ca.process->err();
  EXPECT_THAT(a.out, HasSubstr(kWorkloadId));
  const auto b =
      Twi({"agent", "acquire", "--mechanism", "B", "--verifier", verifier.public_url(), "--ca",
           ca.public_url(), "--server-ca", dir + "/pki/internal-ca.pem", "--deployment", dir,
           "--image", kImageV2, "--svn", "2", "--out", tmp.File("B")});
  EXPECT_TRUE(b.ok()) << b.err;
  // The CA-only process serves no verifier API.
  const auto challenge =
      testing::RunCommand({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                           "-H", "Content-Type: application/json", "-d", "{}", "--cacert",
                           dir + "/pki/internal-ca.pem", ca.public_url() + "/v1/challenge"});
  EXPECT_EQ(challenge.out, "404");
}

TEST(SplitRolesTest, InternalApiRequiresTheVerifierServiceCertificate) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("d");
  ASSERT_NO_FATAL_FAILURE(InitDeployment(dir));
  RunningServer ca = StartServer(dir, "ca");
  const std::string url = ca.internal_url() + "/v1/internal/credentials";
  // Identities of the internal PKI for curl, minted outside the deployment directory.
  for (const char* service : {"server", "verifier"}) {
    const auto minted = Twi({"server", "mint-tls", "--dir", dir, "--service", service, "--out",
                             tmp.File("tls"), "--validity", "1h"});
    ASSERT_TRUE(minted.ok()) << minted.err;
  }
  auto post = [&](const std::string& name) {
    std::vector<std::string> args = {"curl",     "-sS",
                                     "-X",       "POST",
                                     "-H",       "Content-Type: application/json",
                                     "-d",       "{}",
                                     "--cacert", dir + "/pki/internal-ca.pem",
                                     "-w",       "\n%{http_code}"};
    if (!name.empty()) {
      args.insert(args.end(), {"--cert", tmp.File("tls/" + name + ".pem"), "--key",
                               tmp.File("tls/" + name + ".key")});
    }
    args.push_back(url);
    return testing::RunCommand(args);
  };
  // No client certificate: the TLS handshake itself fails.
  EXPECT_FALSE(post("").ok());
  // A certificate of the internal PKI, but not the verifier's identity: 403.
  const auto denied = post("server");
  EXPECT_THAT(denied.out, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(denied.out, HasSubstr("\n403"));
  // The verifier's certificate passes authorization and reaches request validation.
  const auto allowed = post("verifier");
  EXPECT_THAT(allowed.out, HasSubstr("REQUEST_INVALID"));
  EXPECT_THAT(allowed.out, HasSubstr("\n400"));
}

// After init, serving and issuing, no file of the deployment holds a private key: role keys are
// in the token (as its own encrypted objects), service TLS keys only in the server's memory.
TEST(KeyCustodyTest, NoPrivateKeyFileInTheDeploymentAfterServing) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("d");
  ASSERT_NO_FATAL_FAILURE(InitDeployment(dir));
  {
    RunningServer server = StartServer(dir);
    const auto a = Twi({"agent", "acquire", "--mechanism", "A", "--deployment", dir, "--image",
                        kImageV1, "--svn", "2", "--out", tmp.File("A")});
    ASSERT_TRUE(a.ok()) << a.err << server.process->err();
  }
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    ASSERT_OK_AND_ASSIGN(std::string content, ReadFile(entry.path().string()));
    EXPECT_EQ(content.find("PRIVATE KEY"), std::string::npos) << entry.path();
    EXPECT_FALSE(crypto::PrivateKey::FromPkcs8Der(AsBytes(content)).ok()) << entry.path();
  }
  EXPECT_GT(files, 10u);
  // The workload's own key is in its output, outside the deployment.
  ASSERT_OK_AND_ASSIGN(std::string svid_key, ReadFile(tmp.File("A/svid.key")));
  EXPECT_NE(svid_key.find("PRIVATE KEY"), std::string::npos);
}

TEST(KeyCustodyTest, MintTlsWritesOnlyOutsideTheDeployment) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("d");
  ASSERT_NO_FATAL_FAILURE(InitDeployment(dir));
  for (const std::string& out : {dir + "/keys", dir, dir + "/../d/pki/x"}) {
    const auto refused =
        Twi({"server", "mint-tls", "--dir", dir, "--service", "verifier", "--out", out});
    EXPECT_EQ(refused.exit_code, 1) << out;
    EXPECT_THAT(refused.err, HasSubstr("INVALID_ARGUMENT")) << out;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/keys/verifier.key"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/pki/x"));
  const auto minted = Twi({"server", "mint-tls", "--dir", dir, "--service", "owner/alice", "--out",
                           tmp.File("owner"), "--json"});
  ASSERT_TRUE(minted.ok()) << minted.err;
  EXPECT_THAT(minted.out, HasSubstr("spiffe://" + std::string(kTrustDomain) + "/twi/owner/alice"));
  const auto verified =
      testing::RunCommand({"openssl", "verify", "-CAfile", dir + "/pki/internal-ca.pem",
                           tmp.File("owner/owner-alice.pem")});
  EXPECT_TRUE(verified.ok()) << verified.out << verified.err;
  // Not the trust domain's PKI: workload credentials and service identities never mix.
  const auto foreign =
      testing::RunCommand({"openssl", "verify", "-CAfile", dir + "/pki/td-root.pem",
                           tmp.File("owner/owner-alice.pem")});
  EXPECT_FALSE(foreign.ok());
}

TEST(SampleTeeGateTest, DeploymentWithoutTheFlagRefusesSampleEvidence) {
  testing::TempDir tmp;
  const std::string secure = tmp.File("secure");
  const std::string insecure = tmp.File("insecure");
  ASSERT_NO_FATAL_FAILURE(InitDeployment(secure, /*allow_sample=*/false));
  ASSERT_NO_FATAL_FAILURE(InitDeployment(insecure, /*allow_sample=*/true));
  EXPECT_FALSE(std::filesystem::exists(secure + "/pki/sample-platform.pub.pem"));
  RunningServer server = StartServer(secure);
  // Evidence signed with the insecure deployment's sample-platform key, sent to the secure one.
  const auto r = Twi({"agent", "acquire", "--mechanism", "A", "--verifier", server.public_url(),
                      "--server-ca", secure + "/pki/internal-ca.pem", "--deployment", insecure,
                      "--image", kImageV1, "--svn", "2", "--out", tmp.File("out")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("TEE_NOT_ALLOWED"));
  EXPECT_FALSE(std::filesystem::exists(tmp.File("out")));
}

TEST(SampleTeeGateTest, ProductionProfileRefusesTheSampleTee) {
  testing::TempDir tmp;
  const auto init = Twi({"server", "init", "--dir", tmp.File("p"), "--trust-domain", kTrustDomain,
                         "--allow-insecure-sample-tee"});
  EXPECT_EQ(init.exit_code, 1);
  EXPECT_THAT(init.err, HasSubstr("CONFIG_INVALID"));
  EXPECT_FALSE(std::filesystem::exists(tmp.File("p") + "/config.yaml"));
  // A production deployment whose config is edited to allow it does not start.
  const auto ok = Twi({"server", "init", "--dir", tmp.File("q"), "--trust-domain", kTrustDomain});
  ASSERT_TRUE(ok.ok()) << ok.err;
  ASSERT_OK_AND_ASSIGN(std::string config, ReadFile(tmp.File("q") + "/config.yaml"));
  const size_t at = config.find("allow_insecure_sample_tee: false");
  ASSERT_NE(at, std::string::npos) << config;
  config.replace(at, 32, "allow_insecure_sample_tee: true");
  ASSERT_OK(WriteFileAtomic(tmp.File("q") + "/config.yaml", config));
  const auto start = Twi({"server", "--dir", tmp.File("q"), "--listen-public", "127.0.0.1:0",
                          "--listen-internal", "127.0.0.1:0"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr("CONFIG_INVALID"));
}

// Run 0 takes the default TEE (swtpm's TPM where it is installed), run 1 reuses the deployment
// with the sample TEE; run 2 the default again, on the same TPM after its restart.
TEST(QuickstartTest, RunsEndToEndTwiceAndLeavesTheArtifacts) {
  testing::TempDir tmp;
  const std::string tpm_or_sample = testing::SwtpmInstalled() ? "tpm" : "sample";
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE(run);
    const std::string tee = run == 1 ? "sample" : tpm_or_sample;
    const auto r = Twi(
        {"quickstart", "--dir", tmp.File("var"), "--json", "--tee", run == 1 ? "sample" : "auto"});
    ASSERT_TRUE(r.ok()) << r.err;
    ASSERT_OK_AND_ASSIGN(Json summary, ParseJsonObject(r.out));
    EXPECT_EQ(summary["tee"], tee);
    EXPECT_EQ(summary["insecure_sample_tee"], tee == "sample");
    EXPECT_EQ(summary["refused"]["unendorsed_image"], "UNKNOWN_MEASUREMENT");
    if (tee == "sample") {
      EXPECT_EQ(summary["refused"]["debug_enabled"], "DEBUG_FORBIDDEN");
    } else {
      EXPECT_FALSE(summary["refused"].contains("debug_enabled"));  // a TPM has no debug mode
    }
    EXPECT_NE(summary["mechanisms"]["A"]["release"], summary["mechanisms"]["B"]["release"]);
    EXPECT_EQ(summary["mechanisms"].size(), 4u);
    for (const char* m : {"A", "B", "C", "D"}) {
      EXPECT_EQ(summary["mechanisms"][m]["spiffe_id"], summary["stable_identifier"]) << m;
      EXPECT_EQ(summary["mechanisms"][m]["ear_status"], "affirming") << m;
      for (const char* f :
           {"svid.pem", "svid.key", "bundle.pem", "bundle.jwks", "wit.jwt", "ear.jwt",
            "provenance.dsse.json", "provenance-signer.pem", "provenance.tlog-proof", "log.vkey"}) {
        EXPECT_TRUE(std::filesystem::exists(tmp.File("var") + "/quickstart/" + m + "/" + f));
      }
    }
    // A quickstart deployment from before the challenge key existed gets one on reuse.
    if (run == 0) {
      ASSERT_TRUE(std::filesystem::remove(tmp.File("var/keys/verifier-challenge.secret")));
    }
  }
  EXPECT_TRUE(std::filesystem::exists(tmp.File("var/keys/verifier-challenge.secret")));
}

// The quickstart's provenance files are enough to check a credential offline, and every wrong
// combination is refused with its reason code.
TEST(QuickstartTest, ProvenanceChecksOfflineWithTheCli) {
  testing::TempDir tmp;
  ASSERT_TRUE(Twi({"quickstart", "--dir", tmp.File("var")}).ok());
  const std::string a = tmp.File("var") + "/quickstart/A/";
  const std::string b = tmp.File("var") + "/quickstart/B/";
  const auto verify = [&](const std::string& credential, const std::string& dir,
                          const std::string& signer, const std::string& vkey) {
    return Twi({"verify", "provenance", "--credential", credential, "--record",
                dir + "provenance.dsse.json", "--proof", dir + "provenance.tlog-proof", "--signer",
                signer, "--vkey", vkey, "--json"});
  };
  const auto ok = verify(a + "svid.pem", a, a + "provenance-signer.pem", a + "log.vkey");
  ASSERT_TRUE(ok.ok()) << ok.err;
  ASSERT_OK_AND_ASSIGN(Json summary, ParseJsonObject(ok.out));
  EXPECT_EQ(summary["internal_binding"], true);
  EXPECT_EQ(summary["record"]["predicate"]["credential"]["format"], "x509-svid");
  EXPECT_EQ(summary["record"]["predicate"]["issuer"]["mechanism"], "A");
  EXPECT_EQ(summary["record"]["predicate"]["workload"]["documents"].size(), 1u);

  // B's record for A's certificate; A's record with another signer's key.
  const auto other_record = verify(a + "svid.pem", b, a + "provenance-signer.pem", a + "log.vkey");
  EXPECT_EQ(other_record.exit_code, 1);
  EXPECT_THAT(other_record.err, HasSubstr("PROVENANCE_RECORD_MISMATCH"));
  const auto other_signer =
      verify(a + "svid.pem", a, tmp.File("var/pki/wit-signing.pub.pem"), a + "log.vkey");
  EXPECT_THAT(other_signer.err, HasSubstr("DSSE_SIGNATURE_INVALID"));
  // The WIT of A has its own record: A's certificate record is not it.
  const auto wit = verify(a + "wit.jwt", a, a + "provenance-signer.pem", a + "log.vkey");
  EXPECT_THAT(wit.err, HasSubstr("PROVENANCE_RECORD_MISMATCH"));

  const auto log_ok = Twi({"log", "verify", "--proof", a + "provenance.tlog-proof", "--vkey",
                           a + "log.vkey", "--record", a + "provenance.dsse.json"});
  EXPECT_TRUE(log_ok.ok()) << log_ok.err;
  const auto log_other = Twi({"log", "verify", "--proof", a + "provenance.tlog-proof", "--vkey",
                              a + "log.vkey", "--record", b + "provenance.dsse.json"});
  EXPECT_THAT(log_other.err, HasSubstr("INCLUSION_PROOF_INVALID"));
  // A checkpoint signed by another key: a fresh deployment's log key.
  ASSERT_TRUE(
      Twi({"server", "init", "--dir", tmp.File("other"), "--trust-domain", "quickstart.twi.test"})
          .ok());
  const auto foreign =
      Twi({"log", "verify", "--proof", a + "provenance.tlog-proof", "--vkey",
           tmp.File("other/pki/log.vkey"), "--record", a + "provenance.dsse.json"});
  EXPECT_THAT(foreign.err, HasSubstr("NOTE_UNTRUSTED"));
}

TEST(ServerStartTest, RefusesToStartWithoutTheChallengeKeyAndNamesIt) {
  testing::TempDir tmp;
  ASSERT_TRUE(Twi({"server", "init", "--dir", tmp.File("d"), "--trust-domain", kTrustDomain}).ok());
  ASSERT_TRUE(std::filesystem::remove(tmp.File("d/keys/verifier-challenge.secret")));
  const auto start = Twi({"server", "--dir", tmp.File("d"), "--listen-public", "127.0.0.1:0",
                          "--listen-internal", "127.0.0.1:0"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr("CONFIG_INVALID"));
  EXPECT_THAT(start.err, HasSubstr("verifier-challenge.secret"));
}

TEST(CliTest, HelpEverywhereAndUsageErrors) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"server", "--help"},
                                             {"server", "init", "--help"},
                                             {"agent", "acquire", "--help"},
                                             {"agent", "measure", "--help"},
                                             {"verify", "wit", "--help"},
                                             {"quickstart", "--help"}}) {
    const auto r = Twi(args);
    EXPECT_TRUE(r.ok()) << args[0];
    EXPECT_THAT(r.out, HasSubstr("--"));
  }
  EXPECT_NE(Twi({"agent", "acquire", "--mechanism", "Z", "--out", "x"}).exit_code, 0);
  EXPECT_NE(Twi({"no-such-command"}).exit_code, 0);
}

}  // namespace
}  // namespace twi::e2e
