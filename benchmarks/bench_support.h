// What the load benchmarks share: a development deployment with one sample-TEE workload, the
// `twi server` process under test and its placement on the CPUs, the server's CPU time and
// memory from /proc, the measured window, and latency percentiles.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"
#include "libs/deployment/config.h"
#include "libs/deployment/layout.h"
#include "libs/net/client.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace twi::bench {

inline constexpr char kWorkload[] = "bench";

struct ProcessUsage {
  double cpu_seconds = 0;   // utime + stime
  double peak_rss_mib = 0;  // VmHWM
};
ProcessUsage ReadUsage(pid_t pid);
// "jemalloc" or "system": the allocator `pid` has mapped.
std::string AllocatorOf(pid_t pid);
double ThreadCpuSeconds();
double Median(std::vector<double> values);

// "isolated": the server alone on CPU 0 with one I/O thread, this process on the others (the
// workloads of a deployment run on other machines); "shared": all on all CPUs.
struct Placement {
  std::string name;
  bool isolated = true;
  int server_threads = 0;
};
// kInvalidArgument for another name; isolated falls back to shared on one CPU.
absl::StatusOr<Placement> ResolvePlacement(const std::string& name, int server_threads);

// A development deployment in a temporary directory with the INSECURE sample TEE and workload
// kWorkload, whose one release "1" is `image` run by this binary (`agent`).
struct BenchDeployment {
  testing::TempDir tmp;
  deployment::Layout layout{""};
  deployment::DeploymentConfig config;
  Bytes image;
  Bytes agent;
};
absl::StatusOr<std::unique_ptr<BenchDeployment>> CreateBenchDeployment();

// `twi server` on ephemeral loopback ports, placed as `placement` says (this process is moved
// to the workload CPUs when isolated), with its ready line read. `provenance` false starts it
// with TWI_INSECURE_WITHOUT_PROVENANCE=1 (the bench deployment is development + sample TEE), to
// measure what the Credential Provenance records cost.
struct BenchServer {
  std::unique_ptr<testing::BackgroundProcess> process;
  Json endpoints;
  net::Endpoint public_endpoint;
  std::string server_ca;  // the internal CA's PEM: the listeners' trust anchor
};
absl::StatusOr<BenchServer> StartBenchServer(const BenchDeployment& deployment,
                                             const Placement& placement, bool provenance = true);

// The measured window: after `warmup` seconds, `measuring` is true for `seconds` while the
// server's (and this process') usage is read before and after.
struct Window {
  double seconds = 0;
  ProcessUsage server_before, server_after, client_before, client_after;
  std::string allocator;
  double server_cpu() const { return server_after.cpu_seconds - server_before.cpu_seconds; }
  double client_cpu() const { return client_after.cpu_seconds - client_before.cpu_seconds; }
};
Window MeasureWindow(pid_t server, double warmup, double seconds, std::atomic<bool>& measuring);

struct WorkerResult {
  std::vector<double> latencies;  // seconds, measured phase only
  int failures = 0;
  std::string first_error;
  void Fail(const absl::Status& status);
};
struct Latencies {
  size_t count = 0;
  double p50 = 0;
  double p99 = 0;
  int failures = 0;
  std::string first_error;
};
Latencies Summarize(const std::vector<WorkerResult>& results);

// The twi binary under test sits next to the benchmark's unless TWI_BIN_DIR says otherwise.
void UseTwiNextToThisBinary();

}  // namespace twi::bench
