// Independent implementations accept what twi issues: `openssl verify` the X509-SVID chain
// against the bundle, a real mTLS handshake between `curl` (presenting the SVID) and
// `openssl s_server` (trusting only the bundle), and python3-jwcrypto validating the WIT and
// the EAR against the published JWKS.
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/x509/certificate.h"
#include "testing/status_matchers.h"
#include "tests/e2e/deployment_fixture.h"

namespace twi::e2e {
namespace {

using ::testing::HasSubstr;

constexpr char kPython[] = "/usr/bin/python3";

class InteropTest : public DeploymentTest {
 protected:
  void SetUp() override {
    DeploymentTest::SetUp();
    if (HasFatalFailure()) return;
    creds_ = out("A");
    const testing::CommandResult r = Acquire("A", creds_);
    ASSERT_TRUE(r.ok()) << r.err;
  }
  std::string creds_;
};

TEST_F(InteropTest, OpensslVerifiesTheChainAgainstTheBundle) {
  ASSERT_OK_AND_ASSIGN(std::string pem, ReadFile(creds_ + "/svid.pem"));
  ASSERT_OK_AND_ASSIGN(auto chain, x509::Certificate::ChainFromPem(pem));
  ASSERT_GE(chain.size(), 2u);
  ASSERT_OK(WriteFileAtomic(creds_ + "/leaf.pem", chain[0].ToPem()));
  std::vector<x509::Certificate> rest(chain.begin() + 1, chain.end());
  ASSERT_OK(WriteFileAtomic(creds_ + "/intermediates.pem", x509::ChainToPem(rest)));
  const auto ok = testing::RunCommand({"openssl", "verify", "-x509_strict", "-purpose", "sslclient",
                                       "-CAfile", creds_ + "/bundle.pem", "-untrusted",
                                       creds_ + "/intermediates.pem", creds_ + "/leaf.pem"});
  EXPECT_TRUE(ok.ok()) << ok.out << ok.err;
  EXPECT_THAT(ok.out, HasSubstr(": OK"));
  // Without the intermediate the chain does not reach the bundle: openssl must say so.
  const auto broken = testing::RunCommand(
      {"openssl", "verify", "-CAfile", creds_ + "/bundle.pem", creds_ + "/leaf.pem"});
  EXPECT_FALSE(broken.ok());
}

TEST_F(InteropTest, SvidAuthenticatesCurlToOpensslServerTrustingOnlyTheBundle) {
  const std::string tls = out("tls");
  const auto minted = Twi({"server", "mint-tls", "--dir", dir(), "--service", "server", "--out",
                           tls, "--validity", "1h", "--listener"});
  ASSERT_TRUE(minted.ok()) << minted.err;
  auto server = testing::BackgroundProcess::Start(
      {"openssl", "s_server", "-accept", "127.0.0.1:0", "-tls1_3", "-cert", tls + "/server.pem",
       "-key", tls + "/server.key", "-CAfile", creds_ + "/bundle.pem", "-Verify", "2",
       "-verify_return_error", "-www"});
  std::string port;
  for (int i = 0; i < 5 && port.empty(); ++i) {
    const std::optional<std::string> line = server->ReadLine(absl::Seconds(10));
    ASSERT_TRUE(line.has_value()) << server->err();
    if (absl::StartsWith(*line, "ACCEPT ")) port = line->substr(line->rfind(':') + 1);
  }
  ASSERT_FALSE(port.empty());
  const std::string url = "https://127.0.0.1:" + port + "/";
  const std::string server_ca = dir() + "/pki/internal-ca.pem";
  const auto with_svid =
      testing::RunCommand({"curl", "-sS", "--tlsv1.3", "--cacert", server_ca, "--cert",
                           creds_ + "/svid.pem", "--key", creds_ + "/svid.key", url});
  EXPECT_TRUE(with_svid.ok()) << with_svid.err;
  EXPECT_THAT(with_svid.out, HasSubstr("TLSv1.3"));
  const auto without = testing::RunCommand({"curl", "-sS", "--cacert", server_ca, url});
  EXPECT_FALSE(without.ok()) << "the server must refuse a client without certificate";
}

TEST_F(InteropTest, JwcryptoValidatesWitAgainstTheSpiffeBundle) {
  if (!std::filesystem::exists(kPython)) GTEST_SKIP() << "no /usr/bin/python3";
  const std::string script = testing::SourceDir() + "/tests/e2e/check_tokens.py";
  const auto r =
      testing::RunCommand({kPython, script, "wit", creds_ + "/wit.jwt", creds_ + "/bundle.jwks"});
  ASSERT_TRUE(r.ok()) << r.err;
  ASSERT_OK_AND_ASSIGN(Json checked, ParseJsonObject(r.out));
  EXPECT_EQ(checked["claims"]["sub"], kWorkloadId);
  EXPECT_EQ(checked["header"]["typ"], "wit+jwt");
  // jwcrypto's thumbprint of cnf.jwk is the thumbprint twi bound into the evidence.
  const auto acquired = Acquire("A", out("again"), kImageV1, {"--json"});
  ASSERT_TRUE(acquired.ok());
  const auto again = testing::RunCommand(
      {kPython, script, "wit", out("again") + "/wit.jwt", out("again") + "/bundle.jwks"});
  ASSERT_OK_AND_ASSIGN(Json acquired_json, ParseJsonObject(acquired.out));
  ASSERT_OK_AND_ASSIGN(Json again_json, ParseJsonObject(again.out));
  EXPECT_EQ(again_json["cnf_thumbprint"], acquired_json["key_thumbprint"]);
}

TEST_F(InteropTest, JwcryptoValidatesEarAgainstTheVerifierKeys) {
  if (!std::filesystem::exists(kPython)) GTEST_SKIP() << "no /usr/bin/python3";
  const std::string script = testing::SourceDir() + "/tests/e2e/check_tokens.py";
  const auto r = testing::RunCommand(
      {kPython, script, "ear", creds_ + "/ear.jwt", dir() + "/pki/verifier-ear.jwks"});
  ASSERT_TRUE(r.ok()) << r.err;
  ASSERT_OK_AND_ASSIGN(Json checked, ParseJsonObject(r.out));
  EXPECT_EQ(checked["claims"]["ear_status"], "affirming");
  const Json& workload = checked["claims"]["twi_workload"];
  EXPECT_EQ(workload["id"], kWorkloadId);
  EXPECT_EQ(workload["claims"]["application"], "Order Service");
  EXPECT_EQ(workload["cnf"]["jkt"].get<std::string>().size(), 43u);
  EXPECT_TRUE(checked["claims"]["submods"].contains("sample"));
  // The same EAR against the CA's bundle keys must not verify.
  const auto wrong =
      testing::RunCommand({kPython, script, "ear", creds_ + "/ear.jwt", creds_ + "/bundle.jwks"});
  EXPECT_FALSE(wrong.ok());
}

}  // namespace
}  // namespace twi::e2e
