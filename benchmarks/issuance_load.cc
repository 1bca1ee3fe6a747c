// twi-bench-issuance: N concurrent workloads acquire credentials through mechanism A (challenge
// + attest with a CSR: EAR, X509-SVID and WIT in one round trip) from one `twi server` process
// over loopback with keep-alive connections.
//
// Reports issuances/s, p50/p99 latency, the server's CPU time and peak RSS per issuance (read
// from /proc for the server process), and the ratio of the pure crypto cost of one issuance to
// the server CPU time of one issuance. The crypto cost is measured in this run, with the same
// key types and input sizes, as the cryptographic operations the server cannot do without:
//   - seven signature operations: verify the sample report, sign the EAR, verify the EAR (CA),
//     verify the CSR, sign the certificate, verify that signature (the CA never releases a
//     signature it has not checked), sign the WIT;
//   - one import of the workload's credential public key (point decoding and validation);
//   - the random values: challenge, EAR jti, certificate serial, WIT jti;
//   - the two HMACs of the challenge (minted, then checked);
//   - the SHA-256 digests: the spent nonce's storage key, the binding, the key thumbprint
//     (Verifier and CA), the EAR digest and the two credential digests of the ledger.
// TLS record protection is left out, so the ratio errs low.
#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "benchmarks/bench_support.h"
#include "libs/agent/acquire.h"
#include "libs/agent/https_transport.h"
#include "libs/agent/measurement.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/mac.h"
#include "libs/crypto/random.h"
#include "libs/deployment/init.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/policy/workload_render.h"
#include "libs/x509/certificate.h"
#include "libs/x509/precert.h"
#include "libs/x509/provenance_pointer.h"
#include "services/deployment_files.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace twi::bench {
namespace {

struct Options {
  int workloads = 8;
  double seconds = 10;
  double warmup_seconds = 1;
  // "isolated": the server alone on CPU 0, the workloads on the other CPUs; "shared": all on
  // all CPUs, as when a load generator and the server share a small machine.
  std::string placement = "isolated";
  int server_threads = 0;  // 0: one per CPU the server may use
  std::string out;
  bool compare_without_provenance = true;  // a second server without provenance records
};

// The crypto of one issuance (see the top of this file), on P-256 keys like the server's, over
// inputs of realistic size. CPU seconds per issuance, one value per round of 200 issuances.
std::vector<double> CryptoRounds(int count) {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  auto signer = crypto::NewSoftwareSigner(*key, crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  const Bytes report = crypto::RandomBytes(176);  // the signed part of a sample report
  const Bytes ear = crypto::RandomBytes(1400);    // EAR signing input
  const Bytes tbs = crypto::RandomBytes(450);     // certificate TBS / CSR info
  const Bytes wit = crypto::RandomBytes(600);     // WIT signing input
  const Bytes small = crypto::RandomBytes(110);   // binding input, thumbprint input
  const Bytes sig_report = *(*signer)->Sign(report);
  const Bytes sig_tbs = *(*signer)->Sign(tbs);
  const crypto::PublicKey& pub = (*signer)->public_key();
  const auto alg = crypto::SignatureAlgorithm::kEcdsaP256Sha256;
  const auto challenge_mac = *crypto::HmacSha256::Create(SecretBytes(crypto::RandomBytes(32)));
  constexpr int kIterations = 200;
  // Every issuance brings a new credential key, and libs/crypto keeps recently imported keys:
  // import a point never seen before each time, as the server does.
  std::vector<crypto::PublicKey::EcPoint> credential_keys;
  for (int i = 0; i < count * kIterations; ++i) {
    auto k = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
    credential_keys.push_back(*k->public_key().EcCoordinates());
  }
  std::vector<double> rounds;
  for (int round = 0; round < count; ++round) {
    const double start = ThreadCpuSeconds();
    for (int i = 0; i < kIterations; ++i) {
      const auto& point = credential_keys[round * kIterations + i];
      bool ok =
          crypto::PublicKey::FromEcCoordinates(crypto::KeyType::kEcP256, point.x, point.y).ok();
      // The challenge: minted (random part + MAC), opened (MAC), spent (its storage key).
      const Bytes nonce = crypto::RandomBytes(16);
      const Bytes tag = challenge_mac.Compute(nonce);
      ok &= challenge_mac.Verify(nonce, tag) && crypto::Sha256(nonce).size() == 32;
      ok &= crypto::VerifySignature(pub, alg, report, sig_report).ok();
      ok &= crypto::Sha256(small).size() == 32 && crypto::Sha256(small).size() == 32;
      ok &= crypto::RandomBytes(16).size() == 16;
      const Bytes sig_ear = *(*signer)->Sign(ear);
      ok &= crypto::VerifySignature(pub, alg, ear, sig_ear).ok();
      ok &= crypto::Sha256(small).size() == 32 && !crypto::Sha256Id(ear).empty();
      ok &= crypto::VerifySignature(pub, alg, tbs, sig_tbs).ok();
      ok &= crypto::RandomBytes(16).size() == 16;
      const Bytes sig_cert = *(*signer)->Sign(tbs);
      ok &= crypto::VerifySignature(pub, alg, tbs, sig_cert).ok();
      ok &= crypto::RandomBytes(16).size() == 16;
      ok &= (*signer)->Sign(wit).ok();
      ok &= !crypto::Sha256Id(tbs).empty() && !crypto::Sha256Id(wit).empty();
      if (!ok) std::abort();
    }
    rounds.push_back((ThreadCpuSeconds() - start) / kIterations);
  }
  return rounds;
}

bool HasProvenancePointer(const std::string& svid_pem) {
  absl::StatusOr<std::vector<x509::Certificate>> chain = x509::Certificate::ChainFromPem(svid_pem);
  if (!chain.ok() || chain->empty()) return false;
  absl::StatusOr<std::optional<x509::RawExtension>> pointer =
      x509::FindExtension(chain->front().ToDer(), x509::ProvenancePointerOidDer());
  return pointer.ok() && pointer->has_value();
}

// One measured load against a fresh server: with Credential Provenance records (the product)
// or without them (TWI_INSECURE_WITHOUT_PROVENANCE, the cost baseline of issue 4).
struct LoadRun {
  Window window;
  Latencies latencies;
  double per_second() const { return latencies.count / window.seconds; }
  double server_cpu() const { return window.server_cpu() / latencies.count; }
};

absl::StatusOr<LoadRun> RunLoad(const Options& options, const BenchDeployment& deployment,
                                const Placement& placement, bool provenance) {
  TWI_ASSIGN_OR_RETURN(BenchServer server, StartBenchServer(deployment, placement, provenance));
  const net::Endpoint& endpoint = server.public_endpoint;
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::vector<WorkerResult> results(options.workloads);
  std::vector<std::thread> workers;
  for (int w = 0; w < options.workloads; ++w) {
    workers.emplace_back([&, w] {
      net::TlsClientConfig tls;
      tls.ca_pem = server.server_ca;
      agent::HttpsVerifierTransport transport(
          std::make_unique<net::HttpsClient>(endpoint.host, endpoint.port, std::move(tls)));
      auto signer =
          deployment::OpenDeploymentRoleSigner(deployment.layout, deployment::kSamplePlatform);
      auto attester = evidence::sample::SampleAttester::Create(
          *std::move(signer), {deployment.image, deployment.agent, 1, false});
      WorkerResult& r = results[w];
      bool checked = false;
      while (!stop.load()) {
        const bool counted = measuring.load();
        const absl::Time t0 = absl::Now();
        auto acquired = agent::AcquireWithMechanismA(transport, **attester, {});
        const double seconds = absl::ToDoubleSeconds(absl::Now() - t0);
        if (!acquired.ok()) {
          r.Fail(acquired.status());
          continue;
        }
        // Once per workload: a certificate without its pointer (or with one) would mean the
        // server ran in the other mode.
        if (!checked) {
          checked = true;
          if (HasProvenancePointer(acquired->credentials.x509_svid_pem) != provenance) {
            r.Fail(Error(Reason::kInternal, "credential provenance is not as configured"));
          }
        }
        if (counted && measuring.load()) r.latencies.push_back(seconds);
      }
    });
  }
  LoadRun run;
  run.window =
      MeasureWindow(server.process->pid(), options.warmup_seconds, options.seconds, measuring);
  stop = true;
  for (auto& t : workers) t.join();
  server.process->Stop();
  run.latencies = Summarize(results);
  if (run.latencies.count == 0) {
    return Error(Reason::kUnavailable, "no issuance succeeded: " + run.latencies.first_error);
  }
  return run;
}

int Run(const Options& options) {
  absl::StatusOr<Placement> placement = ResolvePlacement(options.placement, options.server_threads);
  if (!placement.ok()) {
    std::cerr << placement.status().message() << "\n";
    return 2;
  }
  SetLogLevel(LogLevel::kWarning);
  absl::StatusOr<std::unique_ptr<BenchDeployment>> deployment = CreateBenchDeployment();
  if (!deployment.ok()) {
    std::cerr << "deployment: " << deployment.status() << "\n";
    return 1;
  }
  // The baseline is measured both before and after the loads, and its median taken, so that a
  // slow or fast moment of this shared machine does not decide the ratio alone.
  std::vector<double> crypto_rounds = CryptoRounds(5);
  absl::StatusOr<LoadRun> on = RunLoad(options, **deployment, *placement, true);
  if (!on.ok()) {
    std::cerr << on.status() << "\n";
    return 1;
  }
  absl::StatusOr<LoadRun> off;
  if (options.compare_without_provenance) {
    off = RunLoad(options, **deployment, *placement, false);
    if (!off.ok()) {
      std::cerr << "without provenance: " << off.status() << "\n";
      return 1;
    }
  }
  for (double round : CryptoRounds(5)) crypto_rounds.push_back(round);
  std::sort(crypto_rounds.begin(), crypto_rounds.end());
  const double crypto = crypto_rounds[crypto_rounds.size() / 2];
  const Latencies& latencies = on->latencies;
  const Window& window = on->window;
  const double ratio = crypto / on->server_cpu();

  Json report = {
      {"benchmark", "issuance_mechanism_a"},
      {"workloads", options.workloads},
      {"server_threads", placement->server_threads},
      {"placement", placement->name},
      {"server_allocator", window.allocator},
      {"seconds", window.seconds},
      {"issuances", latencies.count},
      {"failures", latencies.failures},
      {"issuances_per_second", on->per_second()},
      {"latency_p50_ms", latencies.p50 * 1e3},
      {"latency_p99_ms", latencies.p99 * 1e3},
      {"server_cpu_us_per_issuance", on->server_cpu() * 1e6},
      {"crypto_us_per_issuance", crypto * 1e6},
      {"crypto_us_per_issuance_min", crypto_rounds.front() * 1e6},
      {"crypto_us_per_issuance_max", crypto_rounds.back() * 1e6},
      {"crypto_to_server_cpu_ratio", ratio},
      {"server_peak_rss_mib", window.server_after.peak_rss_mib},
      {"cores", std::thread::hardware_concurrency()},
  };
  std::cout << absl::StrFormat(
      "mechanism A, %d workloads, %s placement, %d server threads (%s), %.1f s: %d issuances "
      "(%d failed)\n"
      "  throughput           %.0f issuances/s\n"
      "  latency              p50 %.2f ms, p99 %.2f ms\n"
      "  server CPU           %.0f us per issuance\n"
      "  pure crypto          %.0f us per issuance (7 P-256 signatures, key import, RNG, SHA-256, "
      "HMAC; without the provenance record's)\n"
      "  crypto / server CPU  %.2f  (target >= 0.5)\n"
      "  server peak RSS      %.1f MiB (target <= 64)\n",
      options.workloads, placement->name, placement->server_threads, window.allocator,
      window.seconds, static_cast<int>(latencies.count), latencies.failures, on->per_second(),
      latencies.p50 * 1e3, latencies.p99 * 1e3, on->server_cpu() * 1e6, crypto * 1e6, ratio,
      window.server_after.peak_rss_mib);
  int failures = latencies.failures;
  if (latencies.failures > 0) std::cout << "  first failure: " << latencies.first_error << "\n";
  if (off.ok()) {
    const double throughput_ratio = on->per_second() / off->per_second();
    const double cpu_ratio = off->server_cpu() / on->server_cpu();
    report["without_provenance"] = {
        {"issuances", off->latencies.count},
        {"failures", off->latencies.failures},
        {"issuances_per_second", off->per_second()},
        {"latency_p50_ms", off->latencies.p50 * 1e3},
        {"latency_p99_ms", off->latencies.p99 * 1e3},
        {"server_cpu_us_per_issuance", off->server_cpu() * 1e6},
        {"server_peak_rss_mib", off->window.server_after.peak_rss_mib},
        {"throughput_on_to_off_ratio", throughput_ratio},
        {"server_cpu_off_to_on_ratio", cpu_ratio},
    };
    std::cout << absl::StrFormat(
        "  without provenance   %.0f issuances/s, p50 %.2f ms, p99 %.2f ms, server CPU %.0f us "
        "(%d failed)\n"
        "  provenance on / off  throughput %.2f, server CPU per issuance off / on %.2f\n",
        off->per_second(), off->latencies.p50 * 1e3, off->latencies.p99 * 1e3,
        off->server_cpu() * 1e6, off->latencies.failures, throughput_ratio, cpu_ratio);
    failures += off->latencies.failures;
  }
  if (!options.out.empty()) (void)WriteFileAtomic(options.out, report.dump(2) + "\n");
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace twi::bench

int main(int argc, char** argv) {
  CLI::App app{"twi-bench-issuance: mechanism A issuance load against one twi server"};
  twi::bench::Options options;
  app.add_option("--workloads", options.workloads, "Concurrent workloads")->capture_default_str();
  app.add_option("--seconds", options.seconds, "Measured duration")->capture_default_str();
  app.add_option("--warmup", options.warmup_seconds, "Warm-up duration")->capture_default_str();
  app.add_option("--server-threads", options.server_threads,
                 "Server I/O threads (default: one per CPU the server may use)");
  app.add_option("--out", options.out, "Write the report as JSON to this file");
  app.add_flag("!--no-compare", options.compare_without_provenance,
               "Skip the second load against a server without provenance records");
  app.add_option("--placement", options.placement,
                 "isolated: server alone on CPU 0 (taskset), workloads on the others; shared: "
                 "server and workloads on all CPUs")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  twi::bench::UseTwiNextToThisBinary();
  return twi::bench::Run(options);
}
