#include "services/server.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/files.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/mac.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/deployment/secrets.h"
#include "libs/evidence/backends/sample/sample_verifier.h"
#include "libs/evidence/backends/tpm/tpm_verifier.h"
#include "libs/issuer/authority.h"
#include "libs/issuer/https_issuer.h"
#include "libs/jose/jwk.h"
#include "libs/net/server.h"
#include "libs/policy/policy_set.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"
#include "libs/verifier/verifier.h"
#include "services/ca_service.h"
#include "services/deployment_files.h"
#include "services/key_release_service.h"
#include "services/log_service.h"
#include "services/verifier_service.h"

namespace twi::services {
namespace {

constexpr std::string_view kComponent = "server";

bool Has(const std::vector<Role>& roles, Role role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string ServiceId(std::string_view trust_domain, std::string_view service) {
  return absl::StrFormat("spiffe://%s/twi/%s", trust_domain, service);
}

std::string UrlOf(std::string_view host, uint16_t port) {
  return host.find(':') == std::string_view::npos ? absl::StrFormat("https://%s:%d", host, port)
                                                  : absl::StrFormat("https://[%s]:%d", host, port);
}

absl::StatusOr<deployment::DeploymentConfig> LoadConfig(const deployment::Layout& layout,
                                                        const ServerOptions& options) {
  TWI_ASSIGN_OR_RETURN(deployment::DeploymentConfig config, deployment::ReadConfigFile(layout));
  auto getenv = options.getenv ? options.getenv
                               : [](const char* name) -> const char* { return std::getenv(name); };
  TWI_RETURN_IF_ERROR(deployment::ApplyEnvironment(config, getenv));
  if (!options.listen_public.empty()) config.public_address = options.listen_public;
  if (!options.listen_internal.empty()) config.internal_address = options.listen_internal;
  TWI_RETURN_IF_ERROR(deployment::Validate(config));
  return config;
}

// Both listeners present the one identity made at start.
net::TlsServerConfig CopyOf(const net::TlsServerConfig& tls) {
  net::TlsServerConfig copy;
  copy.certificate_chain_pem = tls.certificate_chain_pem;
  copy.private_key_pem = SecretBytes(tls.private_key_pem.view());
  copy.client_ca_pem = tls.client_ca_pem;
  copy.client_auth = tls.client_auth;
  return copy;
}

absl::StatusOr<net::ServerOptions> ListenerOptions(const net::TlsServerConfig& tls,
                                                   const deployment::DeploymentConfig& config,
                                                   std::string_view address,
                                                   net::ClientAuth client_auth) {
  TWI_ASSIGN_OR_RETURN(deployment::HostPort host_port, deployment::ParseHostPort(address));
  net::ServerOptions options;
  options.address = host_port.host;
  options.port = host_port.port;
  options.tls = CopyOf(tls);
  options.tls.client_auth = client_auth;
  options.threads = config.server_threads;
  return options;
}

absl::StatusOr<issuer::TrustBundle> LoadBundle(const deployment::Layout& layout,
                                               const crypto::Signer& wit_signer) {
  issuer::TrustBundle bundle;
  TWI_ASSIGN_OR_RETURN(x509::Certificate root,
                       LoadCertificate(layout.cert(deployment::kTrustDomainRoot)));
  bundle.x509_authorities.push_back(std::move(root));
  jose::Jwk wit = jose::Jwk::FromPublicKey(wit_signer.public_key());
  wit.set_kid(wit.Thumbprint());
  TWI_ASSIGN_OR_RETURN(jose::Algorithm alg, jose::FromSignatureAlgorithm(wit_signer.algorithm()));
  wit.set_alg(alg);
  bundle.wit_authorities.push_back(std::move(wit));
  return bundle;
}

absl::StatusOr<std::shared_ptr<storage::SqliteDatabase>> OpenDatabase(
    const std::string& path, const deployment::DeploymentConfig& config) {
  storage::SqliteOptions options;
  options.synchronous = config.sqlite_synchronous;
  return storage::SqliteDatabase::Open(path, options);
}

}  // namespace

std::string_view RoleName(Role role) { return role == Role::kVerifier ? "verifier" : "ca"; }

absl::StatusOr<std::vector<Role>> ParseRoles(std::string_view csv) {
  std::vector<Role> roles;
  for (absl::string_view name : absl::StrSplit(absl::string_view(csv.data(), csv.size()), ',')) {
    std::optional<Role> role;
    if (name == "verifier") role = Role::kVerifier;
    if (name == "ca") role = Role::kCa;
    if (!role.has_value()) {
      return Error(Reason::kInvalidArgument,
                   absl::StrFormat("unknown role \"%s\" (roles: verifier, ca)", name));
    }
    if (Has(roles, *role)) {
      return Error(Reason::kInvalidArgument, absl::StrFormat("role \"%s\" given twice", name));
    }
    roles.push_back(*role);
  }
  return roles;
}

// Everything a running server owns. Members are destroyed in reverse order: listeners first,
// then the roles they call, then the stores the roles use.
struct TwiServer::State {
  ServerOptions options;
  deployment::Layout layout{""};
  deployment::DeploymentConfig config;
  const Clock* clock = nullptr;
  std::unique_ptr<policy::PolicyHolder> policies;
  std::unique_ptr<keystore::Pkcs11KeyStore> key_store;

  std::shared_ptr<storage::SqliteDatabase> ca_db;
  std::unique_ptr<storage::IssuanceLedger> ledger;
  // The transparency log and the provenance records beside it (data/log.db), with the CA.
  std::shared_ptr<storage::SqliteDatabase> log_db;
  std::unique_ptr<tlog::TransparencyLog> log;
  std::unique_ptr<storage::ProvenanceStore> provenance_store;
  std::unique_ptr<crypto::Signer> provenance_signer;
  std::unique_ptr<issuer::ProvenanceRecorder> recorder;
  std::unique_ptr<issuer::CredentialAuthority> ca;
  // The Key Store role's mechanism D and the owner's control plane run beside the CA.
  std::unique_ptr<keyrelease::KeyReleaseFiles> key_release_files;
  std::unique_ptr<keyrelease::KeyReleaseService> key_release;
  std::unique_ptr<owner::OwnerService> owner;

  std::shared_ptr<storage::SqliteDatabase> verifier_db;
  std::unique_ptr<storage::NonceStore> nonces;
  std::unique_ptr<evidence::EvidenceRegistry> registry;
  std::unique_ptr<crypto::Signer> ear_signer;
  std::unique_ptr<issuer::CredentialIssuer> remote_ca;
  std::unique_ptr<verifier::Verifier> verifier;
  // The `tpm` TEE: per-AK clock memory in the Verifier's database, and AK enrollment.
  std::unique_ptr<evidence::tpm::TpmClockStore> tpm_clocks;
  std::unique_ptr<crypto::Signer> tpm_ak_signer;
  std::unique_ptr<verifier::TpmEnrollment> tpm_enrollment;

  std::unique_ptr<net::HttpsServer> public_listener;
  std::unique_ptr<net::HttpsServer> internal_listener;

  ServiceTlsSource TlsSource() const {
    return ServiceTlsSource{&layout, &config, key_store.get(), clock->Now()};
  }
  absl::StatusOr<std::unique_ptr<crypto::Signer>> RoleSigner(std::string_view name) {
    return deployment::OpenRoleSigner(*key_store, config.key_store, name);
  }
  absl::Status StartCa();
  absl::Status StartVerifier();
  absl::Status StartTpm(const SecretBytes& challenge_key);
  absl::Status StartListeners();
};

absl::Status TwiServer::State::StartCa() {
  issuer::AuthorityConfig ca_config;
  ca_config.trust_domain = config.trust_domain;
  TWI_ASSIGN_OR_RETURN(x509::Certificate issuing,
                       LoadCertificate(layout.cert(deployment::kIssuingCa)));
  ca_config.issuing_chain = {std::move(issuing)};
  TWI_ASSIGN_OR_RETURN(ca_config.x509_signer, RoleSigner(deployment::kIssuingCa));
  TWI_ASSIGN_OR_RETURN(ca_config.wit_signer, RoleSigner(deployment::kWitSigning));
  TWI_ASSIGN_OR_RETURN(ca_config.bundle, LoadBundle(layout, *ca_config.wit_signer));
  const std::shared_ptr<const policy::PolicySet> current = policies->Current();
  TWI_ASSIGN_OR_RETURN(const policy::IssuancePolicy* policy, current->issuance());
  ca_config.policy = *policy;
  TWI_ASSIGN_OR_RETURN(std::string jwks, ReadFile(layout.verifier_jwks(), 1 << 20));
  TWI_ASSIGN_OR_RETURN(ca_config.verifier_keys, jose::Jwks::Parse(jwks));
  ca_config.backdate = config.x509_svid_backdate;

  TWI_ASSIGN_OR_RETURN(ca_db, OpenDatabase(layout.ca_db(), config));
  ledger = storage::NewSqliteIssuanceLedger(ca_db);

  // No credential without a provenance record in the log (docs/provenance.md).
  TWI_ASSIGN_OR_RETURN(log_db, OpenDatabase(layout.log_db(), config));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> log_signer,
                       RoleSigner(deployment::kTransparencyLog));
  tlog::LogOptions log_options;
  log_options.origin = deployment::LogOrigin(config.trust_domain);
  log_options.clock = clock;
  // One checkpoint signature per second at most under load; a proof request gets one at once.
  log_options.checkpoint_interval = absl::Seconds(1);
  TWI_ASSIGN_OR_RETURN(log, tlog::TransparencyLog::Open(storage::NewSqliteLogStore(log_db),
                                                        std::move(log_signer), log_options));
  provenance_store = storage::NewSqliteProvenanceStore(log_db);
  TWI_ASSIGN_OR_RETURN(provenance_signer, RoleSigner(deployment::kProvenanceSigning));
  TWI_ASSIGN_OR_RETURN(std::vector<crypto::PublicKey> auditors, LoadAuditorKeys(layout, config));
  if (!auditors.empty()) {
    LogInfo(kComponent, absl::StrFormat("provenance records are stored sealed for %d auditor(s)",
                                        auditors.size()));
  }
  recorder = std::make_unique<issuer::ProvenanceRecorder>(
      provenance_signer.get(), log.get(), provenance_store.get(), clock, std::move(auditors));
  if (config.insecure_without_provenance) {
    LogWarning(kComponent,
               "INSECURE: credentials are issued WITHOUT provenance records "
               "(TWI_INSECURE_WITHOUT_PROVENANCE=1, for benchmarks only)");
  } else {
    ca_config.provenance = recorder.get();
  }
  TWI_ASSIGN_OR_RETURN(
      ca, issuer::CredentialAuthority::Create(std::move(ca_config), ledger.get(), clock));
  LogInfo(kComponent, absl::StrFormat("credential authority for %s (issuance policy %s)",
                                      config.trust_domain, ca->policy_id()));
  key_release_files = std::make_unique<keyrelease::KeyReleaseFiles>(layout.key_release_policies(),
                                                                    layout.provisioned());
  key_release = std::make_unique<keyrelease::KeyReleaseService>(
      key_store.get(), key_release_files.get(), policies.get(), ca->trusted_verifiers(), clock);
  owner = std::make_unique<owner::OwnerService>(
      owner::OwnerServiceDeps{.trust_domain = config.trust_domain,
                              .workloads_dir = layout.workloads(),
                              .policies = policies.get(),
                              .key_release = key_release_files.get(),
                              .key_store = key_store.get(),
                              .ca = ca.get(),
                              .provenance = provenance_store.get(),
                              .clock = clock});
  return absl::OkStatus();
}

absl::Status TwiServer::State::StartVerifier() {
  registry = std::make_unique<evidence::EvidenceRegistry>(config.allow_insecure_sample_tee);
  if (config.allow_insecure_sample_tee) {
    TWI_ASSIGN_OR_RETURN(std::string pem,
                         ReadFile(layout.public_key(deployment::kSamplePlatform), 1 << 16));
    TWI_ASSIGN_OR_RETURN(crypto::PublicKey platform, crypto::PublicKey::FromPem(pem));
    TWI_ASSIGN_OR_RETURN(auto sample, evidence::sample::SampleVerifier::Create({platform}));
    TWI_RETURN_IF_ERROR(registry->Register(std::move(sample)));
    LogWarning(kComponent,
               "INSECURE: the sample TEE is accepted (allow_insecure_sample_tee: true). Anyone "
               "holding the sample-platform key can forge evidence. Never use this in production.");
  }
  TWI_ASSIGN_OR_RETURN(ear_signer, RoleSigner(deployment::kVerifierEar));
  TWI_ASSIGN_OR_RETURN(verifier_db, OpenDatabase(layout.verifier_db(), config));
  nonces = storage::NewSqliteNonceStore(verifier_db);
  TWI_ASSIGN_OR_RETURN(const SecretBytes challenge_key,
                       deployment::LoadSecret(layout, deployment::kVerifierChallenge));
  if (config.tpm.enabled()) TWI_RETURN_IF_ERROR(StartTpm(challenge_key));

  issuer::CredentialIssuer* issuer = ca.get();
  if (issuer == nullptr && !config.ca_url.empty()) {
    TWI_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseHttpsUrl(config.ca_url));
    TWI_ASSIGN_OR_RETURN(net::TlsClientConfig tls,
                         ClientTls(TlsSource(), deployment::kVerifierService));
    remote_ca = std::make_unique<issuer::HttpsCredentialIssuer>(std::move(endpoint), std::move(tls),
                                                                issuer::kInternalCredentialsPath);
    issuer = remote_ca.get();
    LogInfo(kComponent, "mechanism A issues through the CA at " + config.ca_url);
  } else if (issuer == nullptr) {
    LogWarning(kComponent, "no CA role here and no ca_url: mechanism A is refused");
  }
  verifier::VerifierConfig verifier_config;
  verifier_config.nonce_ttl = config.nonce_ttl;
  TWI_ASSIGN_OR_RETURN(verifier::ChallengeCodec challenges,
                       verifier::ChallengeCodec::Create(challenge_key));
  verifier = std::make_unique<verifier::Verifier>(verifier_config, std::move(challenges),
                                                  nonces.get(), registry.get(), policies.get(),
                                                  ear_signer.get(), issuer, clock);
  LogInfo(kComponent, absl::StrFormat("verifier with %d workload policies, TEEs: %s",
                                      policies->Current()->workloads().size(),
                                      absl::StrJoin(registry->tees(), ", ")));
  return absl::OkStatus();
}

// The `tpm` TEE (docs/tpm.md): AKs certified by the deployment's AK CA (after enrollment through
// their EK) or by a configured AK root.
absl::Status TwiServer::State::StartTpm(const SecretBytes& challenge_key) {
  TWI_ASSIGN_OR_RETURN(const x509::Certificate ak_ca,
                       LoadCertificate(layout.cert(deployment::kTpmAkCa)));
  TWI_ASSIGN_OR_RETURN(std::vector<x509::Certificate> ak_roots,
                       LoadCertificates(layout, config.tpm.ak_roots, "tpm.ak_roots"));
  ak_roots.push_back(ak_ca);
  tpm_clocks = storage::NewSqliteTpmClockStore(verifier_db);
  TWI_ASSIGN_OR_RETURN(auto backend, evidence::tpm::TpmVerifier::Create(
                                         {.ak_roots = std::move(ak_roots),
                                          .min_firmware_version = config.tpm.min_firmware_version,
                                          .refuse_unsafe_clock = config.tpm.refuse_unsafe_clock,
                                          .clocks = tpm_clocks.get()}));
  TWI_RETURN_IF_ERROR(registry->Register(std::move(backend)));
  if (config.tpm.ek_roots.empty()) return absl::OkStatus();

  verifier::TpmEnrollmentConfig enrollment;
  TWI_ASSIGN_OR_RETURN(enrollment.ek_roots,
                       LoadCertificates(layout, config.tpm.ek_roots, "tpm.ek_roots"));
  TWI_ASSIGN_OR_RETURN(
      enrollment.ek_intermediates,
      LoadCertificates(layout, config.tpm.ek_intermediates, "tpm.ek_intermediates"));
  enrollment.ak_certificate_ttl = config.tpm.ak_certificate_ttl;
  TWI_ASSIGN_OR_RETURN(tpm_ak_signer, RoleSigner(deployment::kTpmAkCa));
  // Its own key, derived from the challenge key, so that a MAC of one kind never passes as the
  // other.
  TWI_ASSIGN_OR_RETURN(const crypto::HmacSha256 derive, crypto::HmacSha256::Create(challenge_key));
  const SecretBytes key = SecretBytes::Adopt(derive.Compute(AsBytes("twi tpm enrollment key")));
  TWI_ASSIGN_OR_RETURN(tpm_enrollment,
                       verifier::TpmEnrollment::Create(std::move(enrollment), ak_ca,
                                                       tpm_ak_signer.get(), key, clock));
  LogInfo(kComponent, absl::StrFormat("TPM AK enrollment through EKs from %d root(s)",
                                      config.tpm.ek_roots.size()));
  return absl::OkStatus();
}

absl::Status TwiServer::State::StartListeners() {
  Json roles = Json::array();
  for (Role role : options.roles) roles.push_back(RoleName(role));
  const Json health_body = {{"status", "ok"}, {"roles", roles}};
  auto health = [health_body](const net::HttpRequest&) {
    return net::HttpResponse::Json(200, health_body);
  };

  TWI_ASSIGN_OR_RETURN(const net::TlsServerConfig tls, ServerTls(TlsSource()));
  auto public_router = std::make_shared<net::Router>();
  public_router->Handle("GET", "/healthz", health);
  if (verifier) AddVerifierRoutes(*public_router, *verifier);
  if (tpm_enrollment) AddTpmEnrollmentRoutes(*public_router, *tpm_enrollment);
  if (ca) {
    AddCaPublicRoutes(*public_router, *ca);
    AddKeyReleaseRoutes(*public_router, *key_release, *key_release_files);
    AddLogRoutes(*public_router, *log, *provenance_store);
  }
  if (ca && verifier) AddMechanismCRoutes(*public_router, *verifier, *ca);
  TWI_ASSIGN_OR_RETURN(net::ServerOptions public_options,
                       ListenerOptions(tls, config, config.public_address, net::ClientAuth::kNone));
  TWI_ASSIGN_OR_RETURN(public_listener,
                       net::HttpsServer::Start(std::move(public_options), public_router));

  if (ca) {
    auto internal_router = std::make_shared<net::Router>();
    internal_router->Handle("GET", "/healthz", health);
    AddCaInternalRoutes(*internal_router, *ca,
                        {ServiceId(config.trust_domain, deployment::kVerifierService)});
    AddOwnerRoutes(*internal_router, *owner, ServiceId(config.trust_domain, "owner/"));
    TWI_ASSIGN_OR_RETURN(
        net::ServerOptions internal_options,
        ListenerOptions(tls, config, config.internal_address, net::ClientAuth::kRequired));
    TWI_ASSIGN_OR_RETURN(internal_listener,
                         net::HttpsServer::Start(std::move(internal_options), internal_router));
  }
  return absl::OkStatus();
}

TwiServer::TwiServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

TwiServer::~TwiServer() { Shutdown(); }

absl::StatusOr<std::unique_ptr<TwiServer>> TwiServer::Start(ServerOptions options) {
  if (options.roles.empty()) return Error(Reason::kInvalidArgument, "no role to run");
  auto state = std::make_unique<State>();
  state->layout = deployment::Layout(options.dir);
  state->clock = options.clock != nullptr ? options.clock : &SystemClock();
  TWI_ASSIGN_OR_RETURN(state->config, LoadConfig(state->layout, options));
  TWI_ASSIGN_OR_RETURN(policy::PolicySet policies,
                       policy::PolicySet::LoadDirectory(state->layout.policies()));
  state->policies = std::make_unique<policy::PolicyHolder>(std::move(policies));
  state->options = std::move(options);
  TWI_ASSIGN_OR_RETURN(state->key_store,
                       deployment::OpenKeyStore(state->layout, state->config.key_store));
  if (Has(state->options.roles, Role::kCa)) TWI_RETURN_IF_ERROR(state->StartCa());
  if (Has(state->options.roles, Role::kVerifier)) TWI_RETURN_IF_ERROR(state->StartVerifier());
  TWI_RETURN_IF_ERROR(state->StartListeners());
  return std::unique_ptr<TwiServer>(new TwiServer(std::move(state)));
}

std::string TwiServer::public_url() const {
  auto host = deployment::ParseHostPort(state_->config.public_address);
  return UrlOf(host.ok() ? host->host : "127.0.0.1", state_->public_listener->port());
}

std::string TwiServer::internal_url() const {
  if (!state_->internal_listener) return "";
  auto host = deployment::ParseHostPort(state_->config.internal_address);
  return UrlOf(host.ok() ? host->host : "127.0.0.1", state_->internal_listener->port());
}

const deployment::DeploymentConfig& TwiServer::config() const { return state_->config; }

Json TwiServer::Endpoints() const {
  Json roles = Json::array();
  for (Role role : state_->options.roles) roles.push_back(RoleName(role));
  return {{"public", public_url()},
          {"internal", internal_url()},
          {"roles", roles},
          {"trust_domain", state_->config.trust_domain},
          {"pid", static_cast<int64_t>(getpid())}};
}

void TwiServer::Shutdown(absl::Duration drain) {
  if (state_->public_listener) state_->public_listener->Shutdown(drain);
  if (state_->internal_listener) state_->internal_listener->Shutdown(drain);
}

}  // namespace twi::services
