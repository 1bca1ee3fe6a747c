// Test-only: a deployment created and served by real `twi` processes, as an operator would run
// them: `twi server init`, a workload policy endorsing this build's agent, `twi server`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/core/json.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace twi::e2e {

inline constexpr char kTrustDomain[] = "e2e.twi.test";
inline constexpr char kWorkloadId[] = "spiffe://e2e.twi.test/workload/orders";
// Two endorsed releases (images "1" and "2") and one that is not ("9").
inline constexpr char kImageV1[] =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";
inline constexpr char kImageV2[] =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";
inline constexpr char kImageUnknown[] =
    "sha256:9999999999999999999999999999999999999999999999999999999999999999";

// Runs twi with `args`; the test fails on a start error, not on a non-zero exit.
testing::CommandResult Twi(const std::vector<std::string>& args,
                           const testing::Environment& env = {});

// `twi server init` (development profile, sample TEE allowed unless `allow_sample` is false)
// plus the workload policy; fails the test on error.
void InitDeployment(const std::string& dir, bool allow_sample = true);

struct RunningServer {
  std::unique_ptr<testing::BackgroundProcess> process;
  Json endpoints;  // the --json ready line: public, internal, roles, ...
  std::string public_url() const { return endpoints.value("public", ""); }
  std::string internal_url() const { return endpoints.value("internal", ""); }
};

// `twi server --dir dir --roles roles` on ephemeral loopback ports; waits for its ready line.
RunningServer StartServer(const std::string& dir, const std::string& roles = "verifier,ca",
                          const testing::Environment& env = {});

class DeploymentTest : public ::testing::Test {
 protected:
  void SetUp() override;
  std::string dir() const { return tmp_.File("deployment"); }
  std::string out(const std::string& name) const { return tmp_.File(name); }
  // `twi agent acquire --deployment dir()`, plus `extra` flags.
  testing::CommandResult Acquire(const std::string& mechanism, const std::string& out_dir,
                                 const std::string& image = kImageV1,
                                 const std::vector<std::string>& extra = {}) const;
  // `twi server mint-tls` of owner alice's mTLS identity into out("owner").
  void MintOwner() const;
  // `twi owner <args> --deployment dir() --json` as owner alice (or with `cert`/`key`).
  testing::CommandResult Owner(std::vector<std::string> args, const std::string& cert = "",
                               const std::string& key = "") const;

  testing::TempDir tmp_;
  RunningServer server_;
};

}  // namespace twi::e2e
