#include "benchmarks/bench_support.h"

#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/agent/measurement.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/deployment/init.h"
#include "libs/policy/workload_render.h"

namespace twi::bench {

ProcessUsage ReadUsage(pid_t pid) {
  ProcessUsage usage;
  std::ifstream stat(absl::StrFormat("/proc/%d/stat", pid));
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const size_t close = content.rfind(')');
  std::istringstream fields(content.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  usage.cpu_seconds = static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
  std::ifstream status(absl::StrFormat("/proc/%d/status", pid));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) usage.peak_rss_mib = std::stod(line.substr(6)) / 1024.0;
  }
  return usage;
}

std::string AllocatorOf(pid_t pid) {
  auto maps = ReadFile(absl::StrFormat("/proc/%d/maps", pid), 64 << 20);
  if (maps.ok() && maps->find("libjemalloc") != std::string::npos) return "jemalloc";
  return "system";
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

absl::StatusOr<Placement> ResolvePlacement(const std::string& name, int server_threads) {
  if (name != "isolated" && name != "shared") {
    return Error(Reason::kInvalidArgument, "--placement must be isolated or shared");
  }
  const int cpus = static_cast<int>(std::thread::hardware_concurrency());
  Placement placement{.name = name, .isolated = name == "isolated", .server_threads = 0};
  if (placement.isolated && cpus < 2) {
    placement = {.name = "shared", .isolated = false, .server_threads = 0};
  }
  placement.server_threads =
      server_threads > 0 ? server_threads : (placement.isolated ? 1 : std::max(cpus, 1));
  return placement;
}

absl::StatusOr<std::unique_ptr<BenchDeployment>> CreateBenchDeployment() {
  auto d = std::make_unique<BenchDeployment>();
  d->layout = deployment::Layout(d->tmp.File("d"));
  deployment::InitOptions init;
  init.dir = d->layout.dir();
  init.trust_domain = "bench.twi.test";
  init.profile = deployment::Profile::kDevelopment;
  init.allow_insecure_sample_tee = true;
  init.now = absl::Now();
  TWI_RETURN_IF_ERROR(deployment::InitDeployment(init));
  d->image = crypto::Sha256(AsBytes("bench image"));
  TWI_ASSIGN_OR_RETURN(d->agent, agent::MeasureSelf());
  TWI_ASSIGN_OR_RETURN(const policy::WorkloadPolicy workload,
                       policy::SimpleWorkload(kWorkload, "spiffe://bench.twi.test/workload/bench",
                                              "sample", {{"1", d->image}}, d->agent));
  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(absl::StrFormat("%s/%s.yaml", d->layout.workloads(), kWorkload),
                      policy::RenderWorkloadPolicy(workload)));
  TWI_ASSIGN_OR_RETURN(d->config, deployment::ReadConfigFile(d->layout));
  return d;
}

absl::StatusOr<BenchServer> StartBenchServer(const BenchDeployment& deployment,
                                             const Placement& placement, bool provenance) {
  std::vector<std::string> argv = {testing::TwiBinary(),    "server",          "--dir",
                                   deployment.layout.dir(), "--listen-public", "127.0.0.1:0",
                                   "--listen-internal",     "127.0.0.1:0",     "--json"};
  if (placement.isolated) {
    // The workloads' own crypto and JSON then neither preempt the server nor evict its caches,
    // as they would not in a deployment; the baseline runs on a workload CPU like the clients.
    argv.insert(argv.begin(), {"taskset", "-c", "0"});
    cpu_set_t workloads;
    CPU_ZERO(&workloads);
    const int cpus = static_cast<int>(std::thread::hardware_concurrency());
    for (int cpu = 1; cpu < cpus; ++cpu) CPU_SET(cpu, &workloads);
    sched_setaffinity(0, sizeof(workloads), &workloads);
  }
  BenchServer server;
  server.process = testing::BackgroundProcess::Start(
      argv, {{"TWI_SERVER_THREADS", std::to_string(placement.server_threads)},
             {"TWI_LOG_LEVEL", "warning"},
             {"TWI_INSECURE_WITHOUT_PROVENANCE", provenance ? "0" : "1"}});
  const auto ready = server.process->ReadLine(absl::Seconds(30));
  if (!ready.has_value()) {
    return Error(Reason::kUnavailable, "server did not start: " + server.process->err());
  }
  TWI_ASSIGN_OR_RETURN(server.endpoints, ParseJsonObject(*ready));
  TWI_ASSIGN_OR_RETURN(const std::string url, GetString(server.endpoints, "public"));
  TWI_ASSIGN_OR_RETURN(server.public_endpoint, net::ParseHttpsUrl(url));
  TWI_ASSIGN_OR_RETURN(server.server_ca, ReadFile(deployment.layout.cert(deployment::kInternalCa)));
  return server;
}

Window MeasureWindow(pid_t server, double warmup, double seconds, std::atomic<bool>& measuring) {
  absl::SleepFor(absl::Seconds(warmup));  // warm-up: connections, caches
  Window window;
  window.server_before = ReadUsage(server);
  window.client_before = ReadUsage(getpid());
  const absl::Time start = absl::Now();
  measuring = true;
  absl::SleepFor(absl::Seconds(seconds));
  measuring = false;
  window.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  window.server_after = ReadUsage(server);
  window.client_after = ReadUsage(getpid());
  window.allocator = AllocatorOf(server);
  return window;
}

void WorkerResult::Fail(const absl::Status& status) {
  ++failures;
  if (first_error.empty()) first_error = status.ToString();
}

Latencies Summarize(const std::vector<WorkerResult>& results) {
  std::vector<double> all;
  Latencies out;
  for (const WorkerResult& r : results) {
    all.insert(all.end(), r.latencies.begin(), r.latencies.end());
    out.failures += r.failures;
    if (out.first_error.empty()) out.first_error = r.first_error;
  }
  if (all.empty()) return out;
  std::sort(all.begin(), all.end());
  out.count = all.size();
  out.p50 = all[all.size() / 2];
  out.p99 = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return out;
}

void UseTwiNextToThisBinary() {
  if (getenv("TWI_BIN_DIR") != nullptr) return;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) setenv("TWI_BIN_DIR", self.parent_path().c_str(), 0);
}

}  // namespace twi::bench
