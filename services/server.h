// `twi server`: the roles of one deployment directory running in one process, each behind the
// listeners the configuration names (architecture §6):
//
//   public listener    TLS 1.3, server-authenticated: what workloads and relying parties call
//   internal listener  TLS 1.3, mutual: service-to-service calls (Verifier -> CA, mechanism A);
//                      only when the CA role runs here
//
// All roles in one process by default; a subset for split deployments, where the Verifier
// reaches a remote CA at config `ca_url` with its internal client certificate.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/clock.h"
#include "libs/core/json.h"
#include "libs/deployment/config.h"

namespace twi::services {

enum class Role { kVerifier, kCa };

std::string_view RoleName(Role role);
// "verifier,ca" -> roles (order kept, duplicates refused). kInvalidArgument.
absl::StatusOr<std::vector<Role>> ParseRoles(std::string_view csv);

struct ServerOptions {
  std::string dir;  // deployment directory (twi server init)
  std::vector<Role> roles = {Role::kVerifier, Role::kCa};
  const Clock* clock = nullptr;  // null: the system clock
  // Environment lookups for configuration overrides (deployment::ApplyEnvironment); null: the
  // process environment.
  std::function<const char*(const char*)> getenv;
  // Non-empty: replace listen.public / listen.internal (after the environment), e.g. from
  // command-line flags; "127.0.0.1:0" for ephemeral loopback ports.
  std::string listen_public;
  std::string listen_internal;
};

class TwiServer {
 public:
  // Loads configuration, policies, keys and databases, then starts the listeners. Nothing is
  // listening if any of it fails. Errors: kConfigInvalid (configuration, policies, keys that do
  // not fit), kIoError, kStorageError, kUnavailable (address in use).
  static absl::StatusOr<std::unique_ptr<TwiServer>> Start(ServerOptions options);

  ~TwiServer();
  TwiServer(const TwiServer&) = delete;
  TwiServer& operator=(const TwiServer&) = delete;

  // "https://127.0.0.1:<port>"; internal_url() is "" without the CA role.
  std::string public_url() const;
  std::string internal_url() const;
  const deployment::DeploymentConfig& config() const;

  // {"public", "internal", "roles", "trust_domain", "pid"}: what run/<role>.json holds.
  Json Endpoints() const;

  // Stops accepting, drains in-flight requests for up to `drain`, closes. Idempotent.
  void Shutdown(absl::Duration drain = absl::Seconds(5));

 private:
  struct State;
  explicit TwiServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace twi::services
