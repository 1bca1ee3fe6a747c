// The deployment configuration (config.yaml), with environment overrides.
//
// A production profile refuses allow_insecure_sample_tee: a fake TEE must never be accepted
// where real credentials are issued.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace twi::deployment {

enum class Profile { kDevelopment, kProduction };

struct DeploymentConfig {
  Profile profile = Profile::kProduction;
  std::string trust_domain;
  bool allow_insecure_sample_tee = false;
  // Workload-facing listener: TLS 1.3 with server authentication.
  std::string public_address = "127.0.0.1:8443";
  // Service-to-service listener: TLS 1.3 with mutual authentication.
  std::string internal_address = "127.0.0.1:8444";
  int server_threads = 2;
  absl::Duration nonce_ttl = absl::Minutes(2);
  // Empty: the Verifier uses the CA of its own process. Otherwise the https URL of a CA's
  // internal listener, reached with mTLS.
  std::string ca_url;
  std::string sqlite_synchronous = "normal";
  absl::Duration x509_svid_backdate = absl::Seconds(10);
};

std::string_view ProfileName(Profile profile);

// Strict YAML parse (unknown keys refused). kConfigInvalid naming the key path.
absl::StatusOr<DeploymentConfig> ParseConfig(std::string_view yaml);

// Overrides from the environment: TWI_LISTEN_PUBLIC, TWI_LISTEN_INTERNAL, TWI_CA_URL,
// TWI_SERVER_THREADS. `getenv` is injectable for tests. kConfigInvalid for a bad value.
absl::Status ApplyEnvironment(DeploymentConfig& config,
                              const std::function<const char*(const char*)>& getenv);

// Cross-field rules (profile vs sample TEE, address syntax, thread count). kConfigInvalid.
absl::Status Validate(const DeploymentConfig& config);

// The commented YAML `twi server init` writes.
std::string RenderConfig(const DeploymentConfig& config);

// "host:port" -> host and port (port 0 allowed: ephemeral). kConfigInvalid.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
absl::StatusOr<HostPort> ParseHostPort(std::string_view address);

}  // namespace twi::deployment
