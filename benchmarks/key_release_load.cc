// twi-bench-key-release: N concurrent workloads have their provisioned credential key released
// through mechanism D (`POST /v1/keys/release`) by one `twi server` process over loopback TLS
// with keep-alive connections.
//
// Setup, not measured: a development deployment with the insecure sample TEE; the benchmark
// acts as the Workload Owner over the internal mTLS listener (a key-release policy whose
// max_ear_age is 3600 s, so one EAR serves the whole run; a credential key provisioned in the
// Key Store); each workload then attests ONE ephemeral P-256 encryption key (purpose
// "encryption-key") to the Verifier. Measured: each workload loops release -> OpenReleasedKey
// -> check that the key opened is the provisioned one; every failure is counted and makes the
// run exit non-zero.
//
// Reports releases/s, p50/p99 latency of the POST, the server's CPU time and peak RSS per release
// (read from /proc for the server process, as twi-bench-issuance does), and the ratio of the
// crypto cost of one release to the server CPU time of one release. The crypto cost is measured
// in this run, on the benchmark's thread, with the same EAR, recipient key and token as the
// server's, step by step:
//   - ear::Verify of the EAR (JWS ES256 verification and the EAR's parsing);
//   - KeyStore::WrapKeyFor of the credential key for the recipient, in the deployment's SoftHSM2
//     token (one-time EC key pair, ECDH derive, AES key wrap with padding);
//   - jose::JweEncrypt of the payload the server sends (the same JSON of the wrap);
//   - the workload's keyrelease::OpenReleasedKey of that JWE (client side: not in the ratio).
// The ratio is (verify + wrap + encrypt) / server CPU; the recipient key's import and its
// thumbprint, TLS record protection, HTTP and JSON are left out, so the ratio errs low. These
// steps are library calls and carry their libraries' own overhead (the EAR's JSON, SoftHSM2's
// object handling), so a second ratio is reported against the primitive floor: the operations
// no implementation can skip, through libs/crypto (one ES256 verification; for the token's wrap
// and for the JWE, one P-256 key generation and one ECDH each).
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
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
#include "libs/crypto/ecdh.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/random.h"
#include "libs/crypto/signature.h"
#include "libs/deployment/config.h"
#include "libs/deployment/init.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/deployment/service_tls.h"
#include "libs/ear/ear.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/jose/jwe.h"
#include "libs/jose/jwk.h"
#include "libs/keyrelease/key_release.h"
#include "libs/keyrelease/release_policy.h"
#include "libs/net/json_api.h"
#include "libs/owner/owner_client.h"
#include "libs/policy/workload_render.h"
#include "libs/x509/certificate.h"
#include "services/deployment_files.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace twi::bench {
namespace {

// The Verifier's EARs live ear_ttl (5 min in a new deployment) and each workload uses one for
// the whole run; the setup and the baseline take a few seconds before the load starts.
constexpr double kMaxRunSeconds = 240;
constexpr auto kEs256 = crypto::SignatureAlgorithm::kEcdsaP256Sha256;

struct Options {
  int workers = 4;
  double seconds = 10;
  double warmup_seconds = 1;
  // As twi-bench-issuance: "isolated" puts the server alone on CPU 0 and the workloads on the
  // others; "shared" puts everything on all CPUs.
  std::string placement = "isolated";
  int server_threads = 0;  // 0: one per CPU the server may use
  bool json = false;       // the report as JSON on stdout instead of the summary
  std::string out;
};

// The Workload Owner's part, as `twi quickstart` does it: a key-release policy whose
// max_ear_age lets one EAR serve the whole run, and a provisioned credential key.
absl::Status ActAsOwner(const BenchDeployment& deployment, keystore::KeyStore& store,
                        const std::string& internal_url) {
  TWI_ASSIGN_OR_RETURN(
      net::TlsClientConfig tls,
      services::ClientTls({&deployment.layout, &deployment.config, &store, absl::Now()},
                          "owner/bench"));
  TWI_ASSIGN_OR_RETURN(const net::Endpoint endpoint, net::ParseHttpsUrl(internal_url));
  owner::OwnerClient owner(
      std::make_unique<net::HttpsClient>(endpoint.host, endpoint.port, std::move(tls)));
  const Json policy = {{"minimum_status", "affirming"},
                       {"max_ear_age_seconds", absl::ToInt64Seconds(keyrelease::kMaxEarAgeLimit)},
                       {"claims", Json::object()}};
  TWI_RETURN_IF_ERROR(owner.SetKeyReleasePolicy(kWorkload, policy).status());
  return owner.Provision(kWorkload).status();
}

// One EAR for `key` as an encryption key: challenge and attestation on one connection.
absl::StatusOr<std::string> AttestEncryptionKey(const net::Endpoint& endpoint,
                                                const std::string& server_ca,
                                                evidence::Attester& attester,
                                                const agent::CredentialKey& key) {
  net::TlsClientConfig tls;
  tls.ca_pem = server_ca;
  agent::HttpsVerifierTransport verifier(
      std::make_unique<net::HttpsClient>(endpoint.host, endpoint.port, std::move(tls)));
  TWI_ASSIGN_OR_RETURN(const verifier::Challenge challenge, verifier.NewChallenge());
  TWI_ASSIGN_OR_RETURN(const Bytes exporter, verifier.TlsExporter());
  TWI_ASSIGN_OR_RETURN(
      const verifier::AttestationRequest request,
      agent::BuildAttestationRequest(attester, key, challenge.nonce, exporter, /*with_csr=*/false,
                                     {}, evidence::BindingPurpose::kEncryptionKey));
  TWI_ASSIGN_OR_RETURN(verifier::AttestationResponse response, verifier.Attest(request));
  return std::move(response.ear);
}

// CPU seconds of each step of one release (see the top of this file), and of the primitives
// the steps cannot do without, called directly through libs/crypto: an ES256 verification over
// an input of the EAR's size (ear::Verify needs one), a P-256 key generation and an ECDH
// (WrapKeyFor and JweEncrypt each need one of both; OpenReleasedKey two ECDHs).
struct StepCosts {
  double verify = 0;
  double wrap = 0;
  double encrypt = 0;
  double open = 0;
  double es256_verify = 0;
  double p256_keygen = 0;
  double p256_ecdh = 0;
  double server() const { return verify + wrap + encrypt; }
  double total() const { return server() + open; }
  double floor() const { return es256_verify + 2 * (p256_keygen + p256_ecdh); }
};

struct BaselineInputs {
  std::string ear;
  jose::Jwks verifier_keys;
  keystore::KeyStore* store = nullptr;
  std::string key_uri;
  const agent::CredentialKey* recipient = nullptr;
  const crypto::PublicKey* credential_key = nullptr;  // what OpenReleasedKey must yield
};

// One value per round of kIterations releases: the mean cost of each step in that round.
absl::StatusOr<std::vector<StepCosts>> CryptoRounds(int count, const BaselineInputs& in) {
  constexpr int kIterations = 50;
  const crypto::PublicKey& recipient = in.recipient->private_key.public_key();
  const jose::JweHeaderFields fields{.kid = in.recipient->thumbprint,
                                     .cty = std::string(keyrelease::kWrappedKeyContentType),
                                     .typ = std::nullopt};
  TWI_ASSIGN_OR_RETURN(const crypto::PrivateKey signing_key,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  TWI_ASSIGN_OR_RETURN(const std::unique_ptr<crypto::Signer> signer,
                       crypto::NewSoftwareSigner(signing_key, kEs256));
  const Bytes signing_input = crypto::RandomBytes(in.ear.rfind('.'));
  TWI_ASSIGN_OR_RETURN(const Bytes signature, signer->Sign(signing_input));
  std::vector<StepCosts> rounds;
  for (int round = 0; round < count; ++round) {
    StepCosts sum;
    for (int i = 0; i < kIterations; ++i) {
      const double p0 = ThreadCpuSeconds();
      const absl::Status signature_ok =
          crypto::VerifySignature(signer->public_key(), kEs256, signing_input, signature);
      const double p1 = ThreadCpuSeconds();
      absl::StatusOr<crypto::PrivateKey> peer =
          crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
      const double p2 = ThreadCpuSeconds();
      if (!signature_ok.ok()) return signature_ok;
      if (!peer.ok()) return peer.status();
      absl::StatusOr<SecretBytes> z =
          crypto::EcdhSharedSecret(in.recipient->private_key, peer->public_key());
      const double p3 = ThreadCpuSeconds();
      if (!z.ok()) return z.status();
      sum.es256_verify += p1 - p0;
      sum.p256_keygen += p2 - p1;
      sum.p256_ecdh += p3 - p2;

      const absl::Time now = absl::Now();
      const double t0 = ThreadCpuSeconds();
      absl::StatusOr<ear::Ear> verified = ear::Verify(in.ear, in.verifier_keys, now);
      const double t1 = ThreadCpuSeconds();
      absl::StatusOr<keystore::WrappedKey> wrapped = in.store->WrapKeyFor(in.key_uri, recipient);
      const double t2 = ThreadCpuSeconds();
      if (!verified.ok()) return verified.status();
      if (!wrapped.ok()) return wrapped.status();
      // The payload the server encrypts, built outside the timing (JSON, not crypto).
      const std::string payload = keyrelease::WrappedKeyPayload(*wrapped);
      const double t3 = ThreadCpuSeconds();
      absl::StatusOr<std::string> jwe = jose::JweEncrypt(AsBytes(payload), recipient, fields);
      const double t4 = ThreadCpuSeconds();
      if (!jwe.ok()) return jwe.status();
      absl::StatusOr<crypto::PrivateKey> opened =
          keyrelease::OpenReleasedKey(*jwe, in.recipient->private_key);
      const double t5 = ThreadCpuSeconds();
      if (!opened.ok()) return opened.status();
      if (!opened->public_key().Equals(*in.credential_key)) {
        return Error(Reason::kInternal, "the baseline opened another key than the provisioned one");
      }
      sum.verify += t1 - t0;
      sum.wrap += t2 - t1;
      sum.encrypt += t4 - t3;
      sum.open += t5 - t4;
    }
    rounds.push_back({.verify = sum.verify / kIterations,
                      .wrap = sum.wrap / kIterations,
                      .encrypt = sum.encrypt / kIterations,
                      .open = sum.open / kIterations,
                      .es256_verify = sum.es256_verify / kIterations,
                      .p256_keygen = sum.p256_keygen / kIterations,
                      .p256_ecdh = sum.p256_ecdh / kIterations});
  }
  return rounds;
}

struct Worker {
  agent::CredentialKey key;  // the attested encryption key
  std::string ear;
};

int Fail(std::string_view what, const absl::Status& status) {
  std::cerr << what << ": " << status << "\n";
  return 1;
}

int Run(const Options& options) {
  absl::StatusOr<Placement> placement = ResolvePlacement(options.placement, options.server_threads);
  if (!placement.ok()) {
    std::cerr << placement.status().message() << "\n";
    return 2;
  }
  if (options.workers < 1 || options.seconds <= 0 ||
      options.seconds + options.warmup_seconds > kMaxRunSeconds) {
    std::cerr << absl::StrFormat(
        "need --workers >= 1 and 0 < --seconds + --warmup <= %.0f (the EARs' lifetime)\n",
        kMaxRunSeconds);
    return 2;
  }
  SetLogLevel(LogLevel::kWarning);
  absl::StatusOr<std::unique_ptr<BenchDeployment>> deployment = CreateBenchDeployment();
  if (!deployment.ok()) return Fail("deployment", deployment.status());
  const deployment::Layout& layout = (*deployment)->layout;
  const Bytes& image = (*deployment)->image;
  const Bytes& agent = (*deployment)->agent;
  absl::StatusOr<BenchServer> server = StartBenchServer(**deployment, *placement);
  if (!server.ok()) return Fail("server", server.status());
  const net::Endpoint& endpoint = server->public_endpoint;
  const std::string& server_ca = server->server_ca;

  // The same token the server wraps in: the owner's identity is signed with its internal CA
  // key, and the baseline wraps the provisioned key with it.
  auto store = deployment::OpenKeyStore(layout, (*deployment)->config.key_store);
  if (!store.ok()) return Fail("key store", store.status());
  if (absl::Status s = ActAsOwner(**deployment, **store, server->endpoints.value("internal", ""));
      !s.ok()) {
    return Fail("owner", s);
  }
  const keyrelease::KeyReleaseFiles files(layout.key_release_policies(), layout.provisioned());
  auto provisioned = files.GetProvisioned(kWorkload);
  if (!provisioned.ok()) return Fail("provisioned key", provisioned.status());
  auto chain = x509::Certificate::ChainFromPem(provisioned->credentials.x509_svid_pem);
  if (!chain.ok()) return Fail("provisioned credentials", chain.status());
  const crypto::PublicKey credential_key = (*chain)[0].public_key();

  std::vector<Worker> workers;
  for (int w = 0; w < options.workers; ++w) {
    auto signer = deployment::OpenDeploymentRoleSigner(layout, deployment::kSamplePlatform);
    if (!signer.ok()) return Fail("sample platform key", signer.status());
    auto attester =
        evidence::sample::SampleAttester::Create(*std::move(signer), {image, agent, 1, false});
    if (!attester.ok()) return Fail("attester", attester.status());
    auto key = agent::NewCredentialKey(crypto::KeyType::kEcP256);
    if (!key.ok()) return Fail("encryption key", key.status());
    auto ear = AttestEncryptionKey(endpoint, server_ca, **attester, *key);
    if (!ear.ok()) return Fail("attestation", ear.status());
    workers.push_back({*std::move(key), *std::move(ear)});
  }

  BaselineInputs baseline;
  baseline.ear = workers[0].ear;
  auto jwks = ReadFile(layout.verifier_jwks(), 1 << 20);
  if (!jwks.ok()) return Fail("verifier keys", jwks.status());
  auto verifier_keys = jose::Jwks::Parse(*jwks);
  if (!verifier_keys.ok()) return Fail("verifier keys", verifier_keys.status());
  baseline.verifier_keys = *std::move(verifier_keys);
  baseline.store = store->get();
  baseline.key_uri = provisioned->key_uri;
  baseline.recipient = &workers[0].key;
  baseline.credential_key = &credential_key;
  // Measured before and after the load, and the median taken, so that a slow or fast moment of
  // this shared machine does not decide the ratio alone.
  auto rounds_before = CryptoRounds(5, baseline);
  if (!rounds_before.ok()) return Fail("baseline", rounds_before.status());
  std::vector<StepCosts> rounds = *std::move(rounds_before);

  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::vector<WorkerResult> results(options.workers);
  std::vector<std::thread> threads;
  for (int w = 0; w < options.workers; ++w) {
    threads.emplace_back([&, w] {
      net::TlsClientConfig tls;
      tls.ca_pem = server_ca;
      agent::HttpsKeyStoreTransport key_store(
          std::make_unique<net::HttpsClient>(endpoint.host, endpoint.port, std::move(tls)));
      const Worker& worker = workers[w];
      const keyrelease::ReleaseRequest request{.ear = worker.ear, .key = worker.key.jwk.ToJson()};
      WorkerResult& r = results[w];
      while (!stop.load()) {
        const bool counted = measuring.load();
        const absl::Time t0 = absl::Now();
        auto released = key_store.Release(request);
        const double seconds = absl::ToDoubleSeconds(absl::Now() - t0);
        if (!released.ok()) {
          r.Fail(released.status());
          continue;
        }
        auto opened = keyrelease::OpenReleasedKey(released->jwe, worker.key.private_key);
        if (!opened.ok()) {
          r.Fail(opened.status());
          continue;
        }
        if (!opened->public_key().Equals(credential_key)) {
          r.Fail(Error(Reason::kKeyMismatch, "released a key other than the provisioned one"));
          continue;
        }
        if (counted && measuring.load()) r.latencies.push_back(seconds);
      }
    });
  }
  const Window window =
      MeasureWindow(server->process->pid(), options.warmup_seconds, options.seconds, measuring);
  stop = true;
  for (auto& t : threads) t.join();
  server->process->Stop();

  const Latencies latencies = Summarize(results);
  if (latencies.count == 0)
    return Fail("no release succeeded", Error(Reason::kInternal, latencies.first_error));
  const double n = static_cast<double>(latencies.count);
  const double server_cpu_seconds = window.server_cpu();
  const double server_cpu = server_cpu_seconds / n;
  // The workloads' side: this process, whose main thread sleeps through the window.
  const double client_cpu_seconds = window.client_cpu();

  // The token is the server's no longer: the second half of the baseline runs alone.
  auto rounds_after = CryptoRounds(5, baseline);
  if (!rounds_after.ok()) return Fail("baseline", rounds_after.status());
  rounds.insert(rounds.end(), rounds_after->begin(), rounds_after->end());
  auto median_of = [&rounds](double (*get)(const StepCosts&)) {
    std::vector<double> values;
    for (const StepCosts& r : rounds) values.push_back(get(r));
    return Median(std::move(values));
  };
  const StepCosts steps{
      .verify = median_of([](const StepCosts& r) { return r.verify; }),
      .wrap = median_of([](const StepCosts& r) { return r.wrap; }),
      .encrypt = median_of([](const StepCosts& r) { return r.encrypt; }),
      .open = median_of([](const StepCosts& r) { return r.open; }),
      .es256_verify = median_of([](const StepCosts& r) { return r.es256_verify; }),
      .p256_keygen = median_of([](const StepCosts& r) { return r.p256_keygen; }),
      .p256_ecdh = median_of([](const StepCosts& r) { return r.p256_ecdh; }),
  };
  std::vector<double> server_side;
  for (const StepCosts& r : rounds) server_side.push_back(r.server());
  std::sort(server_side.begin(), server_side.end());
  const double crypto = server_side[server_side.size() / 2];
  const double crypto_with_open = median_of([](const StepCosts& r) { return r.total(); });
  const double ratio = crypto / server_cpu;
  const double crypto_floor = median_of([](const StepCosts& r) { return r.floor(); });

  const Json report = {
      {"benchmark", "key_release_mechanism_d"},
      {"workers", options.workers},
      {"server_threads", placement->server_threads},
      {"placement", placement->name},
      {"server_allocator", window.allocator},
      {"seconds", window.seconds},
      {"releases", latencies.count},
      {"failures", latencies.failures},
      {"releases_per_second", n / window.seconds},
      {"latency_p50_ms", latencies.p50 * 1e3},
      {"latency_p99_ms", latencies.p99 * 1e3},
      {"server_cpu_us_per_release", server_cpu * 1e6},
      {"server_cpu_busy", server_cpu_seconds / window.seconds},
      {"crypto_us_per_release", crypto * 1e6},
      {"crypto_us_per_release_min", server_side.front() * 1e6},
      {"crypto_us_per_release_max", server_side.back() * 1e6},
      {"crypto_steps_us",
       {{"ear_verify", steps.verify * 1e6},
        {"wrap_key_for", steps.wrap * 1e6},
        {"jwe_encrypt", steps.encrypt * 1e6},
        {"open_released_key", steps.open * 1e6}}},
      {"primitives_us",
       {{"es256_verify", steps.es256_verify * 1e6},
        {"p256_keygen", steps.p256_keygen * 1e6},
        {"p256_ecdh", steps.p256_ecdh * 1e6}}},
      {"crypto_floor_us_per_release", crypto_floor * 1e6},
      {"crypto_floor_to_server_cpu_ratio", crypto_floor / server_cpu},
      {"client_cpu_busy", client_cpu_seconds / window.seconds},
      {"crypto_to_server_cpu_ratio", ratio},
      {"crypto_with_client_open_us", crypto_with_open * 1e6},
      {"crypto_with_client_open_to_server_cpu_ratio", crypto_with_open / server_cpu},
      {"server_peak_rss_mib", window.server_after.peak_rss_mib},
      {"cores", std::thread::hardware_concurrency()},
  };
  if (options.json) {
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << absl::StrFormat(
        "mechanism D key release, %d workers, %s placement, %d server threads (%s), %.1f s: %d "
        "releases (%d failed)\n"
        "  throughput           %.0f releases/s\n"
        "  latency              p50 %.2f ms, p99 %.2f ms\n"
        "  server CPU           %.0f us per release (CPU busy: server %.2f, workloads %.2f)\n"
        "  crypto, server side  %.0f us per release: EAR verify %.0f, WrapKeyFor (SoftHSM2) %.0f, "
        "JWE encrypt %.0f\n"
        "  crypto, client side  %.0f us: OpenReleasedKey\n"
        "  primitives           ES256 verify %.0f us, P-256 keygen %.0f us, P-256 ECDH %.0f us: "
        "floor %.0f us\n"
        "  crypto / server CPU  %.2f  (with the client's open: %.2f; floor / server CPU: %.2f)\n"
        "  server peak RSS      %.1f MiB\n",
        options.workers, placement->name, placement->server_threads, window.allocator,
        window.seconds, static_cast<int>(n), latencies.failures, n / window.seconds,
        latencies.p50 * 1e3, latencies.p99 * 1e3, server_cpu * 1e6,
        server_cpu_seconds / window.seconds, client_cpu_seconds / window.seconds, crypto * 1e6,
        steps.verify * 1e6, steps.wrap * 1e6, steps.encrypt * 1e6, steps.open * 1e6,
        steps.es256_verify * 1e6, steps.p256_keygen * 1e6, steps.p256_ecdh * 1e6,
        crypto_floor * 1e6, ratio, crypto_with_open / server_cpu, crypto_floor / server_cpu,
        window.server_after.peak_rss_mib);
  }
  if (latencies.failures > 0) std::cerr << "first failure: " << latencies.first_error << "\n";
  if (!options.out.empty()) (void)WriteFileAtomic(options.out, report.dump(2) + "\n");
  return latencies.failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace twi::bench

int main(int argc, char** argv) {
  CLI::App app{"twi-bench-key-release: mechanism D key release load against one twi server"};
  twi::bench::Options options;
  app.add_option("--workers", options.workers, "Concurrent workloads")->capture_default_str();
  app.add_option("--seconds", options.seconds, "Measured duration")->capture_default_str();
  app.add_option("--warmup", options.warmup_seconds, "Warm-up duration")->capture_default_str();
  app.add_option("--server-threads", options.server_threads,
                 "Server I/O threads (default: one per CPU the server may use)");
  app.add_option("--placement", options.placement,
                 "isolated: server alone on CPU 0 (taskset), workloads on the others; shared: "
                 "server and workloads on all CPUs")
      ->capture_default_str();
  app.add_flag("--json", options.json, "Print the report as JSON instead of the summary");
  app.add_option("--out", options.out, "Also write the report as JSON to this file");
  CLI11_PARSE(app, argc, argv);
  twi::bench::UseTwiNextToThisBinary();
  return twi::bench::Run(options);
}
