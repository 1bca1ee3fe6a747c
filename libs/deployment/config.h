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
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/deployment/layout.h"
#include "libs/keystore/backends/pkcs11/softhsm.h"

namespace twi::deployment {

enum class Profile { kDevelopment, kProduction };

// Where the deployment's long-lived keys live: one token of a PKCS#11 module (libs/keystore).
// Relative paths are relative to the deployment directory.
struct KeyStoreConfig {
  std::string pkcs11_module = keystore::kDebianSoftHsmModule;  // the Cryptoki library
  std::string token = "twi";                                   // token label, 1 to 32 characters
  std::string pin_file = "keys/key-store.pin";                 // the user PIN, one line, mode 0600
  // SoftHSM2 only: its configuration, which names the token directory. Empty for other modules.
  std::string softhsm2_conf;
};

// The `tpm` TEE (docs/tpm.md). PEM files relative to the deployment directory.
struct TpmConfig {
  // Manufacturers' EK CA roots: AKs are enrolled through an EK certificate chaining to one.
  std::vector<std::string> ek_roots;
  // Manufacturers' intermediates the agents may not send.
  std::vector<std::string> ek_intermediates;
  // Further AK roots besides the deployment's own AK CA, e.g. a cloud's vTPM CA.
  std::vector<std::string> ak_roots;
  uint64_t min_firmware_version = 0;
  bool refuse_unsafe_clock = false;
  absl::Duration ak_certificate_ttl = absl::Hours(24 * 30);
  // The backend is registered when there is any root to trust an AK through.
  bool enabled() const { return !ek_roots.empty() || !ak_roots.empty(); }
};

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
  KeyStoreConfig key_store;
  // PEM public keys (EC P-256/P-384 or RSA) the Credential Provenance records are stored sealed
  // for (docs/provenance.md "Privacy"); empty: stored in the clear. Relative to the deployment.
  std::vector<std::string> provenance_auditors;
  TpmConfig tpm;
  // INSECURE, benchmarks only: issue without Credential Provenance records, to measure their
  // cost. Only from the environment (TWI_INSECURE_WITHOUT_PROVENANCE=1), never from config.yaml,
  // and refused by Validate outside the development profile with the sample TEE.
  bool insecure_without_provenance = false;
};

std::string_view ProfileName(Profile profile);

// Strict YAML parse (unknown keys refused). kConfigInvalid naming the key path.
absl::StatusOr<DeploymentConfig> ParseConfig(std::string_view yaml);

// Reads and parses <dir>/config.yaml (no environment overrides); errors name the file.
absl::StatusOr<DeploymentConfig> ReadConfigFile(const Layout& layout);

// Overrides from the environment: TWI_LISTEN_PUBLIC, TWI_LISTEN_INTERNAL, TWI_CA_URL,
// TWI_SERVER_THREADS, TWI_INSECURE_WITHOUT_PROVENANCE. `getenv` is injectable for tests.
// kConfigInvalid for a bad value.
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
