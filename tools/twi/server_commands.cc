// `twi server init` and `twi server`.
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/deployment/init.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/deployment/service_tls.h"
#include "services/server.h"
#include "tools/twi/cli.h"

namespace twi::cli {
namespace {

struct InitFlags {
  std::string dir;
  std::string trust_domain;
  std::string profile = "production";
  bool allow_insecure_sample_tee = false;
};

absl::StatusOr<Output> RunInit(const InitFlags& flags) {
  deployment::InitOptions options;
  options.dir = flags.dir;
  options.trust_domain = flags.trust_domain;
  options.profile = flags.profile == "development" ? deployment::Profile::kDevelopment
                                                   : deployment::Profile::kProduction;
  options.allow_insecure_sample_tee = flags.allow_insecure_sample_tee;
  options.now = absl::Now();
  TWI_RETURN_IF_ERROR(deployment::InitDeployment(options));
  const deployment::Layout layout(flags.dir);
  Output out;
  out.json = {
      {"dir", flags.dir},          {"trust_domain", flags.trust_domain},
      {"profile", flags.profile},  {"allow_insecure_sample_tee", flags.allow_insecure_sample_tee},
      {"config", layout.config()}, {"policies", layout.policies()}};
  out.text = absl::StrFormat(
      "Initialized deployment %s for trust domain %s (%s profile).\n"
      "  configuration   %s\n  policies        %s (add workloads under workloads/)\n"
      "  trust bundle    %s\n",
      flags.dir, flags.trust_domain, flags.profile, layout.config(), layout.policies(),
      layout.cert(deployment::kTrustDomainRoot));
  if (flags.allow_insecure_sample_tee) {
    out.text +=
        "  WARNING: the INSECURE sample TEE is enabled. Evidence from it proves nothing; use it "
        "for development only.\n";
  }
  return out;
}

struct MintFlags {
  std::string dir;
  std::string service;
  std::string out;
  std::string validity = "24h";
  bool listener = false;
};

// A service identity of the internal PKI for a process that cannot make its own: a Verifier or
// Owner on another machine, or curl. The key is written outside the deployment directory, which
// holds no private key.
absl::StatusOr<Output> RunMint(const MintFlags& flags) {
  const deployment::Layout layout(flags.dir);
  const std::filesystem::path out = std::filesystem::weakly_canonical(flags.out);
  const std::filesystem::path dir = std::filesystem::weakly_canonical(flags.dir);
  if (std::mismatch(dir.begin(), dir.end(), out.begin(), out.end()).first == dir.end()) {
    return Error(Reason::kInvalidArgument,
                 "--out must be outside the deployment directory, which holds no private key");
  }
  absl::Duration validity;
  if (!absl::ParseDuration(flags.validity, &validity) || validity <= absl::ZeroDuration() ||
      validity > deployment::kServiceCertValidity) {
    return Error(Reason::kInvalidArgument,
                 "--validity must be a positive duration of at most 720h");
  }
  TWI_ASSIGN_OR_RETURN(const deployment::DeploymentConfig config,
                       deployment::ReadConfigFile(layout));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<keystore::Pkcs11KeyStore> store,
                       deployment::OpenKeyStore(layout, config.key_store));
  deployment::ServiceTlsRequest request;
  request.service = flags.service;
  request.now = absl::Now();
  request.validity = validity;
  request.server = flags.listener;
  TWI_ASSIGN_OR_RETURN(
      deployment::ServiceTlsIdentity identity,
      deployment::IssueDeploymentServiceTls(std::move(request), layout, config, *store));
  std::string base = flags.service;
  std::replace(base.begin(), base.end(), '/', '-');
  base = flags.out + "/" + base;
  TWI_RETURN_IF_ERROR(MakeDirs(flags.out, 0700));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(base + ".pem", identity.chain_pem, 0644));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(base + ".key", identity.key_pem.as_string(), 0600));
  const std::string id = absl::StrFormat("spiffe://%s/twi/%s", config.trust_domain, flags.service);
  Output result;
  result.json = {{"id", id}, {"certificate", base + ".pem"}, {"key", base + ".key"}};
  result.text =
      absl::StrFormat("Issued %s (valid %s)\n  certificate  %s.pem\n  key          %s.key\n", id,
                      absl::FormatDuration(validity), base, base);
  return result;
}

struct RunFlags {
  std::string dir;
  std::string roles = "verifier,ca";
  std::string listen_public;
  std::string listen_internal;
};

absl::Status WriteEndpoints(const services::TwiServer& server, const deployment::Layout& layout,
                            const std::vector<services::Role>& roles) {
  for (services::Role role : roles) {
    const std::string path = absl::StrFormat("%s/%s.json", layout.run(), services::RoleName(role));
    TWI_RETURN_IF_ERROR(WriteFileAtomic(path, server.Endpoints().dump(2) + "\n", 0644));
  }
  return absl::OkStatus();
}

absl::StatusOr<Output> RunServer(const RunFlags& flags, bool json) {
  TWI_ASSIGN_OR_RETURN(std::vector<services::Role> roles, services::ParseRoles(flags.roles));
  // Block the stop signals before any thread starts, so that every thread inherits the mask and
  // only sigwait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  services::ServerOptions options;
  options.dir = flags.dir;
  options.roles = roles;
  options.listen_public = flags.listen_public;
  options.listen_internal = flags.listen_internal;
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<services::TwiServer> server,
                       services::TwiServer::Start(std::move(options)));
  const deployment::Layout layout(flags.dir);
  TWI_RETURN_IF_ERROR(WriteEndpoints(*server, layout, roles));
  // The ready line: tests and scripts wait for it instead of polling.
  if (json) {
    std::cout << server->Endpoints().dump() << std::endl;
  } else {
    std::cout << absl::StrFormat("twi server ready: public %s%s (roles %s)", server->public_url(),
                                 server->internal_url().empty()
                                     ? std::string()
                                     : " internal " + server->internal_url(),
                                 flags.roles)
              << std::endl;
  }
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  std::cerr << "twi server: stopping (signal " << signal_number << ")" << std::endl;
  server->Shutdown(absl::Seconds(5));
  return Output{Json::object(), ""};
}

}  // namespace

void AddServerCommands(CLI::App& app, Context& context) {
  CLI::App* server = app.add_subcommand("server", "Run the Verifier and Credential Authority");
  auto run_flags = std::make_shared<RunFlags>();
  server->add_option("--dir", run_flags->dir, "Deployment directory (from `twi server init`)");
  server->add_option("--roles", run_flags->roles, "Roles to run: verifier, ca (comma-separated)")
      ->capture_default_str();
  server->add_option("--listen-public", run_flags->listen_public,
                     "Override listen.public (host:port; port 0 = ephemeral)");
  server->add_option("--listen-internal", run_flags->listen_internal,
                     "Override listen.internal (host:port; port 0 = ephemeral)");
  server->add_flag("--json", context.json, "Print the ready line as JSON");

  CLI::App* init = server->add_subcommand("init", "Create a deployment directory with its PKI");
  auto init_flags = std::make_shared<InitFlags>();
  init->add_option("--dir", init_flags->dir, "Directory to create")->required();
  init->add_option("--trust-domain", init_flags->trust_domain, "SPIFFE trust domain")->required();
  init->add_option("--profile", init_flags->profile, "development or production")
      ->check(CLI::IsMember({"development", "production"}))
      ->capture_default_str();
  init->add_flag("--allow-insecure-sample-tee", init_flags->allow_insecure_sample_tee,
                 "Accept the INSECURE sample TEE (development profile only)");
  Register(init, context, [init_flags] { return RunInit(*init_flags); });

  CLI::App* mint = server->add_subcommand(
      "mint-tls", "Issue a service TLS identity of the internal PKI (key written to --out)");
  auto mint_flags = std::make_shared<MintFlags>();
  mint->add_option("--dir", mint_flags->dir, "Deployment directory")->required();
  mint->add_option("--service", mint_flags->service,
                   "Service name: the identity is spiffe://<td>/twi/<service>")
      ->required();
  mint->add_option("--out", mint_flags->out, "Directory for <service>.pem and <service>.key")
      ->required();
  mint->add_option("--validity", mint_flags->validity, "Lifetime, at most 720h")
      ->capture_default_str();
  mint->add_flag("--listener", mint_flags->listener,
                 "Also name localhost, 127.0.0.1 and ::1, for a loopback TLS server");
  Register(mint, context, [mint_flags] { return RunMint(*mint_flags); });

  server->callback([&context, server, init, mint, run_flags] {
    if (init->parsed() || mint->parsed()) return;
    if (run_flags->dir.empty()) throw CLI::RequiredError("--dir");
    context.action = [&context, run_flags] { return RunServer(*run_flags, context.json); };
  });
}

}  // namespace twi::cli
