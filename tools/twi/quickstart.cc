// `twi quickstart`: the whole system on one machine, end to end (README, `make quickstart`).
//
// Attests with a real TPM 2.0 when swtpm is installed: a software TPM manufactured once under
// <dir>/tpm (EK certificate from swtpm's local CA, trusted as the manufacturer), started and
// stopped by the run; the AK is enrolled through the EK. Otherwise, with a notice, with the
// INSECURE sample TEE.
//
// Creates (or reuses) a development deployment (the sample TEE allowed), endorses two
// releases of one workload, starts every role on loopback, acts as the Workload Owner over
// mTLS (a key-release policy, a credential key provisioned in the Key Store), acquires
// credentials through mechanisms A, B, C and D (alternating releases: the identifier stays the
// same), checks them as a relying party would, shows that unendorsed evidence is refused, and
// leaves the artifacts under <dir>/quickstart/<mechanism>/.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/agent/attesters.h"
#include "libs/agent/https_acquire.h"
#include "libs/agent/measurement.h"
#include "libs/agent/tpm_agent.h"
#include "libs/core/files.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/keys.h"
#include "libs/deployment/config.h"
#include "libs/deployment/init.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/deployment/secrets.h"
#include "libs/devtools/swtpm.h"
#include "libs/ear/ear.h"
#include "libs/net/client.h"
#include "libs/owner/owner_client.h"
#include "libs/policy/tier.h"
#include "libs/policy/workload_render.h"
#include "libs/rp/credentials.h"
#include "libs/rp/provenance_check.h"
#include "libs/rp/provenance_client.h"
#include "libs/tlog/note.h"
#include "services/deployment_files.h"
#include "services/server.h"
#include "tools/twi/cli.h"

namespace twi::cli {
namespace {

constexpr char kTrustDomain[] = "quickstart.twi.test";
constexpr char kWorkloadPolicyName[] = "payroll";

// The sample TEE's stand-in for a container image digest, one per release.
Bytes ImageDigest(std::string_view release) {
  return crypto::Sha256(AsBytes(absl::StrFormat("twi quickstart payroll image %s", release)));
}

absl::StatusOr<std::string> WorkloadPolicy(const Bytes& agent, const std::string& tee) {
  // The sample TEE reports an SVN; a TPM quote has none (its firmwareVersion is checked by the
  // Verifier's configuration instead).
  TWI_ASSIGN_OR_RETURN(
      policy::WorkloadPolicy workload,
      policy::SimpleWorkload(kWorkloadPolicyName,
                             absl::StrFormat("spiffe://%s/workload/payroll", kTrustDomain), tee,
                             {{"1.0", ImageDigest("1.0")}, {"1.1", ImageDigest("1.1")}}, agent,
                             /*min_svn=*/tee == "sample" ? 1 : 0));
  workload.claims = {
      {"application", "Payroll Application"}, {"location", "DE"}, {"cleared_for_pii", true}};
  workload.wit_ttl = absl::Minutes(30);
  return policy::RenderWorkloadPolicy(
      workload,
      "Written by `twi quickstart`: the reference values the Workload Owner endorses.\n"
      "Two releases, one identity: adding or revoking a release never changes the identifier.");
}

// The quickstart's TPM: manufactured once, started for the run.
struct QuickstartTpm {
  std::unique_ptr<devtools::Swtpm> swtpm;
  devtools::SwtpmManufacturer manufacturer;
};

absl::StatusOr<QuickstartTpm> StartTpm(const std::string& dir, std::string* notes) {
  const std::string state = dir + "/tpm/state";
  const std::string ca = dir + "/tpm/manufacturer";
  QuickstartTpm tpm;
  if (!std::filesystem::exists(state + "/tpm2-00.permall")) {
    TWI_ASSIGN_OR_RETURN(tpm.manufacturer, devtools::ManufactureSwtpm(state, ca));
    *notes += absl::StrFormat("  manufactured a software TPM (swtpm) in %s/tpm\n", dir);
  } else {
    tpm.manufacturer = {ca + "/swtpm-localca-rootca-cert.pem", ca + "/issuercert.pem"};
  }
  TWI_ASSIGN_OR_RETURN(tpm.swtpm, devtools::Swtpm::Start(state));
  return tpm;
}

// The operator's part for the TPM: trust the swtpm local CA as the TPM manufacturer.
absl::Status TrustManufacturer(const deployment::Layout& layout,
                               const devtools::SwtpmManufacturer& manufacturer) {
  TWI_ASSIGN_OR_RETURN(std::string yaml, ReadFile(layout.config()));
  TWI_ASSIGN_OR_RETURN(deployment::DeploymentConfig config, deployment::ParseConfig(yaml));
  config.tpm.ek_roots = {manufacturer.root_pem};
  config.tpm.ek_intermediates = {manufacturer.intermediate_pem};
  return WriteFileAtomic(layout.config(), deployment::RenderConfig(config), 0644);
}

absl::Status PrepareDeployment(const deployment::Layout& layout, const std::string& tee,
                               std::string* notes) {
  if (!std::filesystem::exists(layout.config())) {
    deployment::InitOptions init;
    init.dir = layout.dir();
    init.trust_domain = kTrustDomain;
    init.profile = deployment::Profile::kDevelopment;
    init.allow_insecure_sample_tee = true;
    init.now = absl::Now();
    TWI_RETURN_IF_ERROR(deployment::InitDeployment(init));
    *notes +=
        absl::StrFormat("  created deployment %s (trust domain %s)\n", layout.dir(), kTrustDomain);
  } else {
    TWI_ASSIGN_OR_RETURN(std::string yaml, ReadFile(layout.config()));
    TWI_ASSIGN_OR_RETURN(deployment::DeploymentConfig config, deployment::ParseConfig(yaml));
    if (config.profile != deployment::Profile::kDevelopment || !config.allow_insecure_sample_tee ||
        config.trust_domain != kTrustDomain) {
      return Error(Reason::kConfigInvalid,
                   absl::StrFormat("%s holds a deployment that is not a quickstart one; use "
                                   "another --dir",
                                   layout.dir()));
    }
    if (!std::filesystem::exists(layout.key_store())) {
      return Error(Reason::kConfigInvalid,
                   absl::StrFormat("%s holds a quickstart deployment made before role keys moved "
                                   "into the Key Store; delete the directory and run again",
                                   layout.dir()));
    }
    *notes +=
        absl::StrFormat("  reusing deployment %s (trust domain %s)\n", layout.dir(), kTrustDomain);
    // Quickstart deployments made before the Verifier's challenges were MAC-protected.
    if (!std::filesystem::exists(layout.secret(deployment::kVerifierChallenge))) {
      TWI_RETURN_IF_ERROR(deployment::NewSecret(layout, deployment::kVerifierChallenge));
      *notes += "  added the Verifier's challenge key to the deployment\n";
    }
  }
  // The agent measurement is this binary's digest, so it is endorsed afresh after each build.
  TWI_ASSIGN_OR_RETURN(Bytes agent, agent::MeasureSelf());
  TWI_ASSIGN_OR_RETURN(std::string policy, WorkloadPolicy(agent, tee));
  return WriteFileAtomic(absl::StrFormat("%s/%s.yaml", layout.workloads(), kWorkloadPolicyName),
                         policy);
}

struct Checked {
  std::string mechanism;
  std::string release;
  std::string spiffe_id;
  std::string serial;
  std::string wit_subject;
  std::string ear_status;
  std::string dir;
  uint64_t log_index = 0;
  std::string provenance;  // the readable chain of decisions of the X509-SVID
};

// Leaves, beside the credentials, what anyone needs to check the X509-SVID's provenance offline
// with their own tools: the record, its signer's key, an offline proof and the log's key.
absl::Status WriteProvenanceArtifacts(const deployment::Layout& layout,
                                      const agent::HttpsEndpoints& endpoints,
                                      const std::string& dir) {
  TWI_ASSIGN_OR_RETURN(std::string chain, ReadFile(dir + "/svid.pem"));
  TWI_ASSIGN_OR_RETURN(const std::vector<x509::Certificate> certificates,
                       x509::Certificate::ChainFromPem(chain));
  TWI_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseHttpsUrl(endpoints.ca_url));
  net::TlsClientConfig tls;
  tls.ca_pem = endpoints.server_ca_pem;
  net::HttpsClient client(endpoint.host, endpoint.port, std::move(tls));
  TWI_ASSIGN_OR_RETURN(const rp::FetchedProvenance fetched,
                       rp::FetchProvenance(client, "x509:" + certificates[0].SerialHex()));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(dir + "/provenance.dsse.json", fetched.envelope, 0644));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(dir + "/provenance.tlog-proof", fetched.proof_bundle, 0644));
  TWI_ASSIGN_OR_RETURN(std::string signer,
                       ReadFile(layout.public_key(deployment::kProvenanceSigning)));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(dir + "/provenance-signer.pem", signer, 0644));
  TWI_ASSIGN_OR_RETURN(std::string vkey, ReadFile(layout.log_vkey()));
  return WriteFileAtomic(dir + "/log.vkey", vkey, 0644);
}

// Checks the files WriteProvenanceArtifacts left, with nothing but those files.
absl::StatusOr<rp::VerifiedProvenance> CheckProvenanceOffline(const std::string& dir) {
  TWI_ASSIGN_OR_RETURN(std::string chain, ReadFile(dir + "/svid.pem"));
  TWI_ASSIGN_OR_RETURN(const std::vector<x509::Certificate> certificates,
                       x509::Certificate::ChainFromPem(chain));
  TWI_ASSIGN_OR_RETURN(const rp::CredentialFacts facts,
                       rp::X509CredentialFacts(certificates[0].ToDer()));
  TWI_ASSIGN_OR_RETURN(std::string envelope, ReadFile(dir + "/provenance.dsse.json"));
  TWI_ASSIGN_OR_RETURN(std::string proof, ReadFile(dir + "/provenance.tlog-proof"));
  TWI_ASSIGN_OR_RETURN(std::string signer_pem, ReadFile(dir + "/provenance-signer.pem"));
  TWI_ASSIGN_OR_RETURN(const crypto::PublicKey signer, crypto::PublicKey::FromPem(signer_pem));
  TWI_ASSIGN_OR_RETURN(std::string vkey, ReadTokenFile(dir + "/log.vkey"));
  TWI_ASSIGN_OR_RETURN(const tlog::NoteVerifier log_key, tlog::NoteVerifier::FromVerifierKey(vkey));
  return rp::VerifyProvenance(facts, envelope, signer, proof, log_key);
}

// Reads the artifacts back from disk and checks them as a relying party would.
absl::StatusOr<Checked> CheckAsRelyingParty(const deployment::Layout& layout,
                                            const std::string& dir) {
  const absl::Time now = absl::Now();
  TWI_ASSIGN_OR_RETURN(std::string bundle_json, ReadFile(dir + "/bundle.jwks"));
  TWI_ASSIGN_OR_RETURN(rp::SpiffeBundle bundle, rp::ParseSpiffeBundle(bundle_json));
  TWI_ASSIGN_OR_RETURN(std::string chain, ReadFile(dir + "/svid.pem"));
  TWI_ASSIGN_OR_RETURN(rp::VerifiedX509Svid svid,
                       rp::VerifyX509Svid(chain, kTrustDomain, bundle, now));
  TWI_ASSIGN_OR_RETURN(std::string wit_text, ReadTokenFile(dir + "/wit.jwt"));
  TWI_ASSIGN_OR_RETURN(rp::VerifiedWit wit, rp::VerifyWit(wit_text, kTrustDomain, bundle, now));
  TWI_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(dir + "/svid.key"));
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::FromPem(key_pem));
  SecureWipe(key_pem.data(), key_pem.size());
  if (!key.public_key().Equals(svid.leaf.public_key()) ||
      !key.public_key().Equals(wit.confirmation_key.key()) || wit.id != svid.id) {
    return Error(Reason::kKeyMismatch, "svid.key, the X509-SVID and the WIT do not agree");
  }
  TWI_ASSIGN_OR_RETURN(std::string jwks_text, ReadFile(layout.verifier_jwks()));
  TWI_ASSIGN_OR_RETURN(jose::Jwks verifier_keys, jose::Jwks::Parse(jwks_text));
  TWI_ASSIGN_OR_RETURN(std::string ear_text, ReadTokenFile(dir + "/ear.jwt"));
  TWI_ASSIGN_OR_RETURN(ear::Ear result, ear::Verify(ear_text, verifier_keys, now));
  if (!result.workload.has_value() || result.workload->identifier != svid.id.ToString()) {
    return Error(Reason::kEarInvalid, "the EAR does not name the credential's identifier");
  }
  Checked checked;
  checked.release = result.workload->release;
  checked.spiffe_id = svid.id.ToString();
  checked.serial = svid.leaf.SerialHex();
  checked.wit_subject = wit.id.ToString();
  checked.ear_status = std::string(policy::TierName(result.status));
  checked.dir = dir;
  return checked;
}

// How the quickstart's workload attests: which TEE, and for the TPM where it is.
struct Tee {
  std::string kind;  // "tpm" or "sample"
  std::string tcti;
  std::string agent_state;
};

absl::StatusOr<std::unique_ptr<evidence::Attester>> Attester(const deployment::Layout& layout,
                                                             const Tee& tee,
                                                             const agent::HttpsEndpoints& endpoints,
                                                             std::string_view release,
                                                             bool debug = false) {
  if (tee.kind == "tpm") {
    agent::TpmAgentOptions options;
    options.tcti = tee.tcti;
    options.state_dir = tee.agent_state;
    options.event_log_path.clear();  // swtpm has no firmware that would have logged a boot
    options.ima_log_path.clear();    // nor a kernel whose IMA extends it
    options.config_text = DumpJson(Json{{"tee", "tpm"}, {"verifier", endpoints.verifier_url}});
    options.image_digest = ImageDigest(release);
    options.enrollment_url = endpoints.verifier_url;
    TWI_ASSIGN_OR_RETURN(auto attester, agent::NewTpmAgentAttester(options, endpoints));
    return std::unique_ptr<evidence::Attester>(std::move(attester));
  }
  agent::SampleTeeOptions sample;
  TWI_ASSIGN_OR_RETURN(sample.platform_key,
                       deployment::OpenDeploymentRoleSigner(layout, deployment::kSamplePlatform));
  sample.image_digest = ImageDigest(release);
  sample.svn = 1;
  sample.debug = debug;
  return agent::NewSampleTeeAttester(std::move(sample));
}

// Evidence the owner never endorsed must be refused; returns the refusal's reason name.
absl::StatusOr<std::string> ExpectRefusal(const deployment::Layout& layout, const Tee& tee,
                                          const agent::HttpsEndpoints& endpoints,
                                          std::string_view release, bool debug) {
  TWI_ASSIGN_OR_RETURN(auto attester, Attester(layout, tee, endpoints, release, debug));
  auto refused = agent::AcquireOverHttps(endpoints, "A", *attester, {});
  if (refused.ok()) {
    return Error(Reason::kInternal,
                 absl::StrFormat("evidence of release %s was wrongly accepted", release));
  }
  return std::string(ReasonName(GetReason(refused.status())));
}

// The Workload Owner's part of mechanism D, over the owner API with an owner identity of the
// internal PKI: the key may be released to an affirmed payroll EAR of at most two minutes
// that is cleared for PII, and the Key Store makes the key the CA certifies.
absl::Status ActAsOwner(const deployment::Layout& layout, const services::TwiServer& server) {
  TWI_ASSIGN_OR_RETURN(auto store, deployment::OpenKeyStore(layout, server.config().key_store));
  TWI_ASSIGN_OR_RETURN(net::TlsClientConfig tls,
                       services::ClientTls({&layout, &server.config(), store.get(), absl::Now()},
                                           "owner/quickstart"));
  TWI_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseHttpsUrl(server.internal_url()));
  owner::OwnerClient owner(
      std::make_unique<net::HttpsClient>(endpoint.host, endpoint.port, std::move(tls)));
  const Json policy = {{"minimum_status", "affirming"},
                       {"max_ear_age_seconds", 120},
                       {"claims", {{"cleared_for_pii", true}}}};
  TWI_RETURN_IF_ERROR(owner.SetKeyReleasePolicy(kWorkloadPolicyName, policy).status());
  // Workload Provenance: an SBOM per release naming its image, so that every credential's
  // record leads from the attested measurement to the components it was built from.
  for (const std::string release : {"1.0", "1.1"}) {
    const Json sbom = {
        {"bomFormat", "CycloneDX"},
        {"specVersion", "1.6"},
        {"version", 1},
        {"metadata",
         {{"component",
           {{"type", "container"},
            {"name", "payroll"},
            {"version", release},
            {"hashes", {{{"alg", "SHA-256"}, {"content", HexEncode(ImageDigest(release))}}}}}}}},
        {"components", Json::array({{{"type", "library"}, {"name", "libpayroll"}}})}};
    TWI_RETURN_IF_ERROR(
        owner.AddProvenance(kWorkloadPolicyName, release, AsBytes(sbom.dump(2)), "", "").status());
  }
  return owner.Provision(kWorkloadPolicyName).status();
}

absl::StatusOr<Output> RunQuickstart(const std::string& dir, std::string tee_kind) {
  const absl::Time start = absl::Now();
  const deployment::Layout layout(dir);
  std::string notes;
  TWI_RETURN_IF_ERROR(MakeDirs(dir, 0755));
  if (tee_kind == "auto") {
    tee_kind = devtools::SwtpmInstalled() ? "tpm" : "sample";
    if (tee_kind == "sample") {
      notes +=
          "  !! swtpm is not installed: falling back to the INSECURE sample TEE (apt-get install "
          "swtpm swtpm-tools for a real TPM 2.0)\n";
    }
  }
  Tee tee{tee_kind, "", dir + "/tpm/agent"};
  QuickstartTpm tpm;
  TWI_RETURN_IF_ERROR(PrepareDeployment(layout, tee.kind, &notes));
  if (tee.kind == "tpm") {
    TWI_ASSIGN_OR_RETURN(tpm, StartTpm(dir, &notes));
    TWI_RETURN_IF_ERROR(TrustManufacturer(layout, tpm.manufacturer));
    tee.tcti = tpm.swtpm->tcti();
  }

  services::ServerOptions server_options;
  server_options.dir = dir;
  // Self-contained: no environment overrides, and ephemeral loopback ports, so the quickstart
  // never collides with another service.
  server_options.getenv = [](const char*) -> const char* { return nullptr; };
  server_options.listen_public = "127.0.0.1:0";
  server_options.listen_internal = "127.0.0.1:0";
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<services::TwiServer> server,
                       services::TwiServer::Start(std::move(server_options)));
  agent::HttpsEndpoints endpoints;
  endpoints.verifier_url = server->public_url();
  endpoints.ca_url = server->public_url();
  TWI_ASSIGN_OR_RETURN(endpoints.server_ca_pem, ReadFile(layout.cert(deployment::kInternalCa)));

  TWI_RETURN_IF_ERROR(ActAsOwner(layout, *server));

  std::vector<Checked> results;
  for (const auto& [mechanism, release] : std::vector<std::pair<std::string, std::string>>{
           {"A", "1.0"}, {"B", "1.1"}, {"C", "1.0"}, {"D", "1.1"}}) {
    TWI_ASSIGN_OR_RETURN(auto attester, Attester(layout, tee, endpoints, release));
    TWI_ASSIGN_OR_RETURN(agent::Acquired acquired,
                         agent::AcquireOverHttps(endpoints, mechanism, *attester, {}));
    const std::string out_dir = absl::StrFormat("%s/quickstart/%s", dir, mechanism);
    TWI_RETURN_IF_ERROR(agent::WriteArtifacts(acquired, out_dir));
    TWI_RETURN_IF_ERROR(WriteProvenanceArtifacts(layout, endpoints, out_dir));
    TWI_ASSIGN_OR_RETURN(Checked checked, CheckAsRelyingParty(layout, out_dir));
    TWI_ASSIGN_OR_RETURN(const rp::VerifiedProvenance provenance, CheckProvenanceOffline(out_dir));
    checked.log_index = provenance.log_index;
    checked.provenance = rp::DescribeProvenance(provenance);
    checked.mechanism = mechanism;
    results.push_back(std::move(checked));
  }
  TWI_ASSIGN_OR_RETURN(std::string unknown,
                       ExpectRefusal(layout, tee, endpoints, "2.0-unreleased", /*debug=*/false));
  // Only the sample TEE reports a debug mode; a TPM quote has none.
  std::string debug;
  if (tee.kind == "sample") {
    TWI_ASSIGN_OR_RETURN(debug, ExpectRefusal(layout, tee, endpoints, "1.1", true));
  }
  server->Shutdown();
  for (const Checked& r : results) {
    if (r.spiffe_id != results[0].spiffe_id) {
      return Error(Reason::kInternal, "two releases of one workload got different identifiers");
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  Output out;
  Json refused = {{"unendorsed_image", unknown}};
  if (!debug.empty()) refused["debug_enabled"] = debug;
  out.json = {{"trust_domain", kTrustDomain},
              {"tee", tee.kind},
              {"insecure_sample_tee", tee.kind == "sample"},
              {"stable_identifier", results[0].spiffe_id},
              {"refused", refused},
              {"seconds", seconds}};
  out.text = "twi quickstart\n";
  if (tee.kind == "tpm") {
    out.text += absl::StrFormat(
        "  TEE: TPM 2.0 (swtpm, state in %s/tpm; its EK certificate chains to swtpm's local CA,\n"
        "  trusted here as the manufacturer). The AK was enrolled through the EK; the agent\n"
        "  measured itself and the workload image into PCR 23.\n",
        dir);
  } else {
    out.text +=
        "  !! INSECURE sample TEE: evidence is signed with a software key, not by hardware.\n"
        "  !! allow_insecure_sample_tee is set in this development deployment only.\n";
  }
  out.text += notes;
  for (const Checked& r : results) {
    out.json["mechanisms"][r.mechanism] = {{"release", r.release},
                                           {"spiffe_id", r.spiffe_id},
                                           {"x509_serial", r.serial},
                                           {"ear_status", r.ear_status},
                                           {"provenance_log_index", r.log_index},
                                           {"artifacts", r.dir}};
    out.text += absl::StrFormat(
        "  mechanism %s  release %-4s -> %s\n               X509-SVID serial %s verified against "
        "the bundle; WIT verified; EAR %s\n               provenance record at log index %d "
        "verified offline (DSSE, both bindings, inclusion)\n               artifacts in %s/\n",
        r.mechanism, r.release, r.spiffe_id, r.serial, r.ear_status, r.log_index, r.dir);
  }
  // The chain of decisions behind one credential, as `twi verify provenance` prints it.
  out.text += "  provenance of mechanism A's X509-SVID:\n";
  for (absl::string_view line : absl::StrSplit(results[0].provenance, '\n', absl::SkipEmpty())) {
    out.text += "    " + std::string(line) + "\n";
  }
  out.text += absl::StrFormat(
      "  check it yourself: twi verify provenance --credential %s/svid.pem --record "
      "%s/provenance.dsse.json --proof %s/provenance.tlog-proof --signer "
      "%s/provenance-signer.pem --vkey %s/log.vkey\n",
      results[0].dir, results[0].dir, results[0].dir, results[0].dir, results[0].dir);
  out.text += absl::StrFormat(
      "  stable identity: both releases, through every mechanism, map to %s\n"
      "  refused as expected: unendorsed image -> %s%s\n"
      "  done in %.1f s\n",
      results[0].spiffe_id, unknown, debug.empty() ? "" : ", debug enabled -> " + debug, seconds);
  return out;
}

}  // namespace

void AddQuickstartCommand(CLI::App& app, Context& context) {
  CLI::App* quickstart = app.add_subcommand(
      "quickstart", "Run the whole system on loopback and acquire credentials (development)");
  auto dir = std::make_shared<std::string>("var");
  quickstart->add_option("--dir", *dir, "State directory")->capture_default_str();
  auto tee = std::make_shared<std::string>("auto");
  quickstart
      ->add_option("--tee", *tee, "TEE: tpm (swtpm), sample (INSECURE), or auto (tpm if installed)")
      ->check(CLI::IsMember({"auto", "tpm", "sample"}))
      ->capture_default_str();
  Register(quickstart, context, [dir, tee, &context] {
    // The summary is the quickstart's output; per-request logs only when asked for.
    if (context.log_level.empty() && std::getenv("TWI_LOG_LEVEL") == nullptr) {
      SetLogLevel(LogLevel::kWarning);
    }
    return RunQuickstart(*dir, *tee);
  });
}

}  // namespace twi::cli
