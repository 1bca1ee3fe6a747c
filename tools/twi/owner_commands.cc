// `twi owner ...`: the Workload Owner's control plane, over mTLS to the server's internal
// listener with an owner identity (`twi server mint-tls --service owner/<name>`).
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/deployment/layout.h"
#include "libs/net/json_api.h"
#include "libs/owner/owner_client.h"
#include "libs/policy/workload_policy.h"
#include "libs/policy/workload_render.h"
#include "tools/twi/cli.h"

namespace twi::cli {
namespace {

struct OwnerFlags {
  std::string server;  // https://host:port of the internal listener
  std::string deployment;
  std::string server_ca;
  std::string cert;
  std::string key;
  std::string workload;
  std::string file;
  // add-release
  std::string release;
  std::string tee = "sample";
  std::vector<std::string> measurements;  // name=digest
  std::vector<std::string> agents;
  uint32_t min_svn = 0;
  bool allow_debug = false;
  // set-release-policy
  std::string minimum_status = "affirming";
  int64_t max_ear_age = 120;
  std::vector<std::string> claims;  // name=value
  // provenance add
  std::string kind;
  std::string compliance_type;
};

absl::StatusOr<owner::OwnerClient> Connect(OwnerFlags f) {
  if (!f.deployment.empty()) {
    const deployment::Layout layout(f.deployment);
    if (f.server.empty()) {
      TWI_ASSIGN_OR_RETURN(std::string text, ReadFile(layout.run() + "/ca.json", 64 * 1024));
      TWI_ASSIGN_OR_RETURN(Json run, ParseJsonObject(text));
      TWI_ASSIGN_OR_RETURN(f.server, GetString(run, "internal"));
    }
    if (f.server_ca.empty()) f.server_ca = layout.cert(deployment::kInternalCa);
  }
  if (f.server.empty() || f.server_ca.empty() || f.cert.empty() || f.key.empty()) {
    return Error(Reason::kInvalidArgument,
                 "need --server and --server-ca (or --deployment DIR), --cert and --key");
  }
  TWI_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseHttpsUrl(f.server));
  net::TlsClientConfig tls;
  TWI_ASSIGN_OR_RETURN(tls.ca_pem, ReadFile(f.server_ca, 1 << 20));
  TWI_ASSIGN_OR_RETURN(tls.certificate_chain_pem, ReadFile(f.cert, 1 << 20));
  TWI_ASSIGN_OR_RETURN(std::string key, ReadFile(f.key, 1 << 20));
  tls.private_key_pem = SecretBytes(AsBytes(key));
  SecureWipe(key.data(), key.size());
  return owner::OwnerClient(
      std::make_unique<net::HttpsClient>(endpoint.host, endpoint.port, std::move(tls)));
}

// Connects and calls `call` on the client.
template <typename Call>
absl::StatusOr<Json> WithOwner(const OwnerFlags& f, Call call) {
  TWI_ASSIGN_OR_RETURN(owner::OwnerClient client, Connect(f));
  return call(client);
}

absl::StatusOr<Output> Print(absl::StatusOr<Json> result) {
  TWI_RETURN_IF_ERROR(result.status());
  return Output{*result, result->dump(2) + "\n"};
}

// name=value pairs; values true/false and integers become JSON booleans and numbers.
absl::StatusOr<Json> Pairs(const std::vector<std::string>& pairs, bool typed) {
  Json out = Json::object();
  for (const std::string& pair : pairs) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error(Reason::kInvalidArgument, absl::StrFormat("\"%s\" is not name=value", pair));
    }
    const std::string name = pair.substr(0, eq);
    const std::string value = pair.substr(eq + 1);
    int64_t number = 0;
    if (!typed) {
      out[name].push_back(value);
    } else if (value == "true" || value == "false") {
      out[name] = value == "true";
    } else if (absl::SimpleAtoi(value, &number)) {
      out[name] = number;
    } else {
      out[name] = value;
    }
  }
  return out;
}

absl::StatusOr<Output> Register(const OwnerFlags& f) {
  TWI_ASSIGN_OR_RETURN(std::string yaml, ReadFile(f.file, 1 << 20));
  // Checked here first, so a typo is reported with its key path before anything is sent.
  TWI_ASSIGN_OR_RETURN(const policy::WorkloadPolicy parsed, policy::ParseWorkloadPolicy(yaml));
  const Json document = policy::WorkloadPolicyDocument(parsed);
  return Print(WithOwner(f, [&](owner::OwnerClient& c) { return c.Register(document); }));
}

absl::StatusOr<Output> AddRelease(const OwnerFlags& f) {
  TWI_ASSIGN_OR_RETURN(Json measurements, Pairs(f.measurements, /*typed=*/false));
  const Json release = {
      {"name", f.release},  {"tee", f.tee},         {"measurements", measurements},
      {"agents", f.agents}, {"min_svn", f.min_svn}, {"allow_debug", f.allow_debug}};
  return Print(
      WithOwner(f, [&](owner::OwnerClient& c) { return c.AddRelease(f.workload, release); }));
}

absl::StatusOr<Output> SetReleasePolicy(const OwnerFlags& f) {
  TWI_ASSIGN_OR_RETURN(Json claims, Pairs(f.claims, /*typed=*/true));
  const Json policy = {{"minimum_status", f.minimum_status},
                       {"max_ear_age_seconds", f.max_ear_age},
                       {"claims", claims}};
  return Print(WithOwner(
      f, [&](owner::OwnerClient& c) { return c.SetKeyReleasePolicy(f.workload, policy); }));
}

void ConnectionFlags(CLI::App* command, OwnerFlags& f) {
  command->add_option("--server", f.server, "The server's internal listener (https://host:port)");
  command->add_option("--deployment", f.deployment,
                      "Local deployment: the internal URL from run/ca.json and the server CA");
  command->add_option("--server-ca", f.server_ca, "PEM trust anchors of the server's TLS");
  command->add_option("--cert", f.cert, "Owner certificate (twi server mint-tls)")->required();
  command->add_option("--key", f.key, "Owner private key")->required();
}

}  // namespace

void AddOwnerCommands(CLI::App& app, Context& context) {
  CLI::App* owner = app.add_subcommand("owner", "Workload Owner: workloads, releases, keys");
  owner->require_subcommand(1);
  auto f = std::make_shared<OwnerFlags>();

  CLI::App* reg = owner->add_subcommand("register", "Register a workload from a policy file");
  ConnectionFlags(reg, *f);
  reg->add_option("--file", f->file, "Workload policy (policies/workloads schema)")->required();
  twi::cli::Register(reg, context, [f] { return Register(*f); });

  CLI::App* add = owner->add_subcommand("add-release", "Endorse the reference values of a release");
  ConnectionFlags(add, *f);
  add->add_option("--workload", f->workload, "Workload name")->required();
  add->add_option("--release", f->release, "Release name")->required();
  add->add_option("--tee", f->tee, "TEE kind")->capture_default_str();
  add->add_option("--measurement", f->measurements, "name=sha256:<hex> (repeatable)")->required();
  add->add_option("--agent", f->agents, "Agent measurement sha256:<hex> (repeatable)")->required();
  add->add_option("--min-svn", f->min_svn, "Lowest security version")->capture_default_str();
  add->add_flag("--allow-debug", f->allow_debug, "Accept debug-enabled TEEs (never in production)");
  twi::cli::Register(add, context, [f] { return AddRelease(*f); });

  CLI::App* revoke = owner->add_subcommand("revoke-release", "Withdraw a release");
  ConnectionFlags(revoke, *f);
  revoke->add_option("--workload", f->workload, "Workload name")->required();
  revoke->add_option("--release", f->release, "Release name")->required();
  twi::cli::Register(revoke, context, [f] {
    return Print(WithOwner(
        *f, [&](owner::OwnerClient& c) { return c.RevokeRelease(f->workload, f->release); }));
  });

  CLI::App* policy =
      owner->add_subcommand("set-release-policy", "When the Key Store may release the key (D)");
  ConnectionFlags(policy, *f);
  policy->add_option("--workload", f->workload, "Workload name")->required();
  policy->add_option("--minimum-status", f->minimum_status, "affirming or warning")
      ->capture_default_str();
  policy->add_option("--max-ear-age", f->max_ear_age, "Oldest EAR accepted, seconds")
      ->capture_default_str();
  policy->add_option("--claim", f->claims, "name=value the EAR's claims must hold (repeatable)");
  twi::cli::Register(policy, context, [f] { return SetReleasePolicy(*f); });

  CLI::App* provenance_cmd =
      owner->add_subcommand("provenance", "Workload Provenance documents of releases");
  provenance_cmd->require_subcommand(1);
  CLI::App* add_doc = provenance_cmd->add_subcommand(
      "add", "Link an SBOM, build provenance or compliance record to a release");
  ConnectionFlags(add_doc, *f);
  add_doc->add_option("--workload", f->workload, "Workload name")->required();
  add_doc->add_option("--release", f->release, "Release name")->required();
  add_doc->add_option("--file", f->file, "The document (CycloneDX, SPDX, in-toto, DSSE, JSON)")
      ->required();
  add_doc->add_option(
      "--kind", f->kind,
      "cyclonedx | spdx | in-toto | slsa-provenance | compliance (default: detect)");
  add_doc->add_option("--type", f->compliance_type, "The declared type of a compliance record");
  twi::cli::Register(add_doc, context, [f]() -> absl::StatusOr<Output> {
    TWI_ASSIGN_OR_RETURN(std::string document, ReadFile(f->file, 16 << 20));
    return Print(WithOwner(*f, [&](owner::OwnerClient& c) {
      return c.AddProvenance(f->workload, f->release, AsBytes(document), f->kind,
                             f->compliance_type);
    }));
  });

  CLI::App* provision =
      owner->add_subcommand("provision", "Generate the credential key in the Key Store (D)");
  ConnectionFlags(provision, *f);
  provision->add_option("--workload", f->workload, "Workload name")->required();
  twi::cli::Register(provision, context, [f] {
    return Print(WithOwner(*f, [&](owner::OwnerClient& c) { return c.Provision(f->workload); }));
  });
}

}  // namespace twi::cli
