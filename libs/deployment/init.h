// `twi server init`: creates a deployment directory with its own Key Store, PKI, default
// policies and configuration (layout.h).
//
// The Key Store is a new SoftHSM2 token under keystore/; every role key is generated in it,
// sensitive and never extractable, so no private key of the deployment is ever a file.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/deployment/config.h"
#include "libs/keystore/backends/pkcs11/softhsm.h"

namespace twi::deployment {

struct InitOptions {
  std::string dir;
  std::string trust_domain;
  Profile profile = Profile::kProduction;
  bool allow_insecure_sample_tee = false;
  absl::Time now;
  std::string pkcs11_module = keystore::DefaultSoftHsmModule();
  absl::Duration root_validity = absl::Hours(24 * 365 * 5);
  absl::Duration issuing_validity = absl::Hours(24 * 365);
};

// kConfigInvalid for a bad trust domain, an insecure TEE in a production profile, or a
// directory that already holds a deployment (never overwritten); kIoError on file errors.
absl::Status InitDeployment(const InitOptions& options);

}  // namespace twi::deployment
