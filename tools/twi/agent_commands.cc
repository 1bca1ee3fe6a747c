// `twi agent acquire` and `twi agent measure`.
#include <filesystem>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/agent/attesters.h"
#include "libs/agent/https_acquire.h"
#include "libs/agent/measurement.h"
#include "libs/agent/tpm_agent.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "tools/twi/cli.h"

namespace twi::cli {
namespace {

struct AcquireFlags {
  std::string mechanism;
  std::string deployment;  // development shortcut: endpoints and keys from a local deployment
  std::string verifier_url;
  std::string ca_url;
  std::string server_ca;
  std::string tee = "sample";
  std::string tcti = agent::kDefaultTcti;
  std::string ak_type = "p256";
  std::string tpm_pcrs = "0-23";
  std::string tpm_state = agent::kDefaultTpmState;
  std::string event_log = std::string(evidence::tpm::kSecurityfsEventLog);
  std::string ima_log = std::string(evidence::tpm::kSecurityfsImaLog);
  std::string image;
  uint32_t svn = 1;
  bool debug = false;
  std::string formats;
  std::string key_type = "p256";
  std::string out;
};

absl::StatusOr<std::string> UrlFromRunFile(const deployment::Layout& layout,
                                           std::string_view role) {
  const std::string path = absl::StrFormat("%s/%s.json", layout.run(), role);
  TWI_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 64 * 1024));
  TWI_ASSIGN_OR_RETURN(Json json, ParseJsonObject(text));
  return GetString(json, "public");
}

// Fills what --deployment implies, keeping whatever was given explicitly.
absl::Status ApplyDeployment(AcquireFlags& f) {
  if (f.deployment.empty()) return absl::OkStatus();
  const deployment::Layout layout(f.deployment);
  if (f.verifier_url.empty()) {
    TWI_ASSIGN_OR_RETURN(f.verifier_url, UrlFromRunFile(layout, "verifier"));
  }
  if (f.ca_url.empty() && f.mechanism != "A") {
    TWI_ASSIGN_OR_RETURN(f.ca_url, UrlFromRunFile(layout, "ca"));
  }
  if (f.server_ca.empty()) f.server_ca = layout.cert(deployment::kInternalCa);
  return absl::OkStatus();
}

// INSECURE: the sample TEE's "hardware" key is the deployment's sample-platform key, used
// through its Key Store.
absl::StatusOr<std::unique_ptr<crypto::Signer>> SamplePlatformKey(const AcquireFlags& f) {
  if (f.deployment.empty()) {
    return Error(Reason::kInvalidArgument,
                 "the sample TEE signs with a deployment's sample-platform key: give --deployment");
  }
  return deployment::OpenDeploymentRoleSigner(deployment::Layout(f.deployment),
                                              deployment::kSamplePlatform);
}

absl::StatusOr<crypto::KeyType> KeyTypeFromName(std::string_view name) {
  if (name == "p256") return crypto::KeyType::kEcP256;
  if (name == "p384") return crypto::KeyType::kEcP384;
  if (name == "ed25519") return crypto::KeyType::kEd25519;
  if (name == "rsa") return crypto::KeyType::kRsa;  // mechanism D's encryption key only
  return Error(Reason::kInvalidArgument, "key type must be p256, p384, ed25519 or rsa");
}

// What the TPM agent measures as its configuration: every setting that decides whom it trusts
// and what it reports, none that varies per run (the output directory, the mechanism).
std::string TpmAgentConfig(const AcquireFlags& f, const agent::HttpsEndpoints& endpoints) {
  return DumpJson(Json{{"tee", f.tee},
                       {"tcti", f.tcti},
                       {"ak_type", f.ak_type},
                       {"pcrs", f.tpm_pcrs},
                       {"verifier", f.verifier_url},
                       {"ca", f.ca_url},
                       {"server_ca", crypto::Sha256Id(AsBytes(endpoints.server_ca_pem))},
                       {"event_log", f.event_log},
                       {"ima_log", f.ima_log}});
}

absl::StatusOr<std::unique_ptr<evidence::Attester>> NewAttester(
    const AcquireFlags& f, const agent::HttpsEndpoints& endpoints) {
  if (f.tee == "tpm") {
    agent::TpmAgentOptions tpm;
    tpm.tcti = f.tcti;
    tpm.ak_type = f.ak_type == "rsa" ? crypto::KeyType::kRsa : crypto::KeyType::kEcP256;
    TWI_ASSIGN_OR_RETURN(tpm.pcrs, agent::ParsePcrList(f.tpm_pcrs));
    tpm.state_dir = f.tpm_state;
    tpm.event_log_path = f.event_log;
    tpm.ima_log_path = f.ima_log;
    tpm.config_text = TpmAgentConfig(f, endpoints);
    tpm.enrollment_url = f.verifier_url.empty() ? f.ca_url : f.verifier_url;
    if (!f.image.empty()) {
      TWI_ASSIGN_OR_RETURN(tpm.image_digest, agent::DigestFromSpec(f.image));
    }
    TWI_ASSIGN_OR_RETURN(auto attester, agent::NewTpmAgentAttester(tpm, endpoints));
    return std::unique_ptr<evidence::Attester>(std::move(attester));
  }
  agent::SampleTeeOptions tee;
  TWI_ASSIGN_OR_RETURN(tee.platform_key, SamplePlatformKey(f));
  TWI_ASSIGN_OR_RETURN(tee.image_digest, agent::DigestFromSpec(f.image));
  tee.svn = f.svn;
  tee.debug = f.debug;
  return agent::NewSampleTeeAttester(std::move(tee));
}

absl::StatusOr<Output> RunAcquire(AcquireFlags f) {
  TWI_RETURN_IF_ERROR(ApplyDeployment(f));
  if (f.tee != "sample" && f.tee != "tpm") {
    return Error(Reason::kTeeNotAllowed,
                 absl::StrFormat(
                     "no attester for TEE \"%s\" in this build (available: sample, tpm)", f.tee));
  }
  if ((f.verifier_url.empty() && f.mechanism != "C") || f.server_ca.empty() ||
      (f.tee == "sample" && f.image.empty()) || (f.mechanism != "A" && f.ca_url.empty())) {
    return Error(Reason::kInvalidArgument,
                 "need --verifier, --server-ca, --image (sample TEE; and --ca for mechanisms B, C "
                 "and D), or --deployment DIR");
  }
  agent::HttpsEndpoints endpoints;
  endpoints.verifier_url = f.verifier_url;
  endpoints.ca_url = f.ca_url;
  TWI_ASSIGN_OR_RETURN(endpoints.server_ca_pem, ReadFile(f.server_ca, 1 << 20));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<evidence::Attester> attester, NewAttester(f, endpoints));

  agent::AcquireOptions options;
  if (!f.formats.empty()) options.formats = absl::StrSplit(f.formats, ',');
  TWI_ASSIGN_OR_RETURN(options.key_type, KeyTypeFromName(f.key_type));
  TWI_ASSIGN_OR_RETURN(agent::Acquired acquired,
                       agent::AcquireOverHttps(endpoints, f.mechanism, *attester, options));
  TWI_RETURN_IF_ERROR(agent::WriteArtifacts(acquired, f.out));

  const issuer::IssuedCredentials& c = acquired.credentials;
  Output out;
  out.json = {{"mechanism", acquired.mechanism},
              {"spiffe_id", c.spiffe_id},
              {"x509_serial", c.x509_serial},
              {"x509_not_after",
               absl::FormatTime(absl::RFC3339_sec, c.x509_not_after, absl::UTCTimeZone())},
              {"wit_jti", c.wit_jti},
              {"ear_digest", c.ear_digest},
              {"key_thumbprint", acquired.key.thumbprint},
              {"out", f.out}};
  out.text = absl::StrFormat(
      "Acquired credentials through mechanism %s\n  identifier  %s\n  X509-SVID   serial %s, "
      "valid until %s\n  WIT         jti %s\n  key         %s (RFC 7638 thumbprint)\n  written to "
      "%s/ (svid.pem svid.key bundle.pem bundle.jwks wit.jwt ear.jwt)\n",
      acquired.mechanism, c.spiffe_id, c.x509_serial.empty() ? "-" : c.x509_serial,
      absl::FormatTime(absl::RFC3339_sec, c.x509_not_after, absl::UTCTimeZone()),
      c.wit_jti.empty() ? "-" : c.wit_jti, acquired.key.thumbprint, f.out);
  return out;
}

absl::StatusOr<Output> RunMeasure() {
  TWI_ASSIGN_OR_RETURN(Bytes digest, agent::MeasureSelf());
  const std::string text = "sha256:" + HexEncode(digest);
  return Output{{{"agent_measurement", text}}, text + "\n"};
}

}  // namespace

void AddAgentCommands(CLI::App& app, Context& context) {
  CLI::App* agent = app.add_subcommand("agent", "Workload-side agent: attest and acquire");
  agent->require_subcommand(1);

  CLI::App* acquire = agent->add_subcommand("acquire", "Attest once and acquire credentials");
  auto f = std::make_shared<AcquireFlags>();
  acquire->add_option("--mechanism", f->mechanism, "Credential acquisition mechanism")
      ->required()
      ->check(CLI::IsMember({"A", "B", "C", "D"}));
  acquire->add_option("--out", f->out, "Directory for the credential files")->required();
  acquire->add_option("--deployment", f->deployment,
                      "Local deployment directory: endpoints and server CA unless given, and the "
                      "sample TEE's platform key from its Key Store (development)");
  acquire->add_option("--verifier", f->verifier_url, "Verifier URL (https://host:port)");
  acquire->add_option("--ca", f->ca_url,
                      "Credential Authority URL (mechanisms B, C; and D's Key Store beside it)");
  acquire->add_option("--server-ca", f->server_ca, "PEM trust anchors of the servers' TLS");
  acquire->add_option("--tee", f->tee, "TEE kind to attest with: sample or tpm")
      ->capture_default_str();
  acquire->add_option("--tcti", f->tcti, "TPM: the tpm2-tss TCTI (swtpm:host=H,port=P in tests)")
      ->capture_default_str();
  acquire->add_option("--ak-type", f->ak_type, "TPM: attestation key, p256 or rsa (RSA-2048)")
      ->check(CLI::IsMember({"p256", "rsa"}))
      ->capture_default_str();
  acquire->add_option("--tpm-pcrs", f->tpm_pcrs, "TPM: SHA-256 PCRs to quote, e.g. 0-9,14,23")
      ->capture_default_str();
  acquire
      ->add_option("--tpm-state", f->tpm_state,
                   "TPM: directory of the agent's measurement log and AK certificate")
      ->capture_default_str();
  acquire->add_option("--event-log", f->event_log, "TPM: the firmware's TCG event log, if any")
      ->capture_default_str();
  acquire
      ->add_option("--ima-log", f->ima_log,
                   "TPM: IMA's binary measurement list, if any (a _sha256 suffix: SHA-256 "
                   "template hashes; \"\": none)")
      ->capture_default_str();
  acquire->add_option(
      "--image", f->image,
      "Workload image: sha256:<hex> or a file to hash (sample TEE; TPM: measured as `image`)");
  acquire->add_option("--svn", f->svn, "Sample TEE: reported security version")
      ->capture_default_str();
  acquire->add_flag("--debug", f->debug, "Sample TEE: report debug mode enabled");
  acquire->add_option("--formats", f->formats, "x509-svid,wit (default: all entitled)");
  acquire
      ->add_option(
          "--key-type", f->key_type,
          "Credential key: p256, p384 or ed25519 (D: the encryption key, p256, p384 or rsa)")
      ->capture_default_str();
  Register(acquire, context, [f] { return RunAcquire(*f); });

  CLI::App* measure =
      agent->add_subcommand("measure", "Print this agent's measurement for reference values");
  Register(measure, context, [] { return RunMeasure(); });
}

}  // namespace twi::cli
