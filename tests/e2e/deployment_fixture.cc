#include "tests/e2e/deployment_fixture.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "libs/core/files.h"
#include "libs/policy/workload_render.h"
#include "testing/status_matchers.h"

namespace twi::e2e {

testing::CommandResult Twi(const std::vector<std::string>& args, const testing::Environment& env) {
  std::vector<std::string> argv = {testing::TwiBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::RunCommand(argv, env);
}

void InitDeployment(const std::string& dir, bool allow_sample) {
  std::vector<std::string> init = {"server",         "init",       "--dir",     dir,
                                   "--trust-domain", kTrustDomain, "--profile", "development"};
  if (allow_sample) init.push_back("--allow-insecure-sample-tee");
  const testing::CommandResult created = Twi(init);
  ASSERT_TRUE(created.ok()) << created.err;
  const testing::CommandResult measured = Twi({"agent", "measure"});
  ASSERT_TRUE(measured.ok()) << measured.err;
  auto digest = [](std::string_view text) {
    auto raw = HexDecode(text.substr(text.find(':') + 1));
    EXPECT_OK(raw);
    return raw.ok() ? *raw : Bytes();
  };
  const std::string agent(absl::StripAsciiWhitespace(measured.out));
  ASSERT_OK_AND_ASSIGN(policy::WorkloadPolicy workload,
                       policy::SimpleWorkload("orders", kWorkloadId, "sample",
                                              {{"1", digest(kImageV1)}, {"2", digest(kImageV2)}},
                                              digest(agent), /*min_svn=*/2));
  workload.claims = {{"application", "Order Service"}, {"location", "DE"}};
  workload.x509_svid_ttl = absl::Minutes(30);
  workload.wit_ttl = absl::Minutes(10);
  ASSERT_OK(WriteFileAtomic(dir + "/policies/workloads/orders.yaml",
                            policy::RenderWorkloadPolicy(workload)));
}

RunningServer StartServer(const std::string& dir, const std::string& roles,
                          const testing::Environment& env) {
  RunningServer server;
  server.process = testing::BackgroundProcess::Start(
      {testing::TwiBinary(), "server", "--dir", dir, "--roles", roles, "--listen-public",
       "127.0.0.1:0", "--listen-internal", "127.0.0.1:0", "--json"},
      env);
  const std::optional<std::string> ready = server.process->ReadLine(absl::Seconds(30));
  EXPECT_TRUE(ready.has_value()) << "server did not start: " << server.process->err();
  if (ready.has_value()) {
    auto json = ParseJsonObject(*ready);
    EXPECT_OK(json);
    if (json.ok()) server.endpoints = *json;
  }
  return server;
}

void DeploymentTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(InitDeployment(dir()));
  server_ = StartServer(dir());
  ASSERT_FALSE(server_.public_url().empty());
}

testing::CommandResult DeploymentTest::Acquire(const std::string& mechanism,
                                               const std::string& out_dir, const std::string& image,
                                               const std::vector<std::string>& extra) const {
  std::vector<std::string> args = {"agent", "acquire", "--mechanism", mechanism, "--deployment",
                                   dir(),   "--image", image,         "--out",   out_dir};
  if (std::find(extra.begin(), extra.end(), "--svn") == extra.end()) {
    args.insert(args.end(), {"--svn", "2"});  // the minimum the workload policy sets
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return Twi(args);
}

void DeploymentTest::MintOwner() const {
  const testing::CommandResult minted = Twi(
      {"server", "mint-tls", "--dir", dir(), "--service", "owner/alice", "--out", out("owner")});
  ASSERT_TRUE(minted.ok()) << minted.err;
}

testing::CommandResult DeploymentTest::Owner(std::vector<std::string> args, const std::string& cert,
                                             const std::string& key) const {
  args.insert(args.begin(), "owner");
  args.insert(args.end(), {"--deployment", dir(), "--cert",
                           cert.empty() ? out("owner") + "/owner-alice.pem" : cert, "--key",
                           key.empty() ? out("owner") + "/owner-alice.key" : key, "--json"});
  return Twi(args);
}

}  // namespace twi::e2e
