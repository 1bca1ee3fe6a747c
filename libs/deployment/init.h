// `twi server init`: creates a deployment directory with its own PKI, role keys, default
// policies and configuration (layout.h).
//
// Keys are generated here and written 0600 under keys/ (0700). Issue #3 moves them into a
// PKCS#11 Key Store; until then they are files, and this is the only place that creates them.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/deployment/config.h"

namespace twi::deployment {

struct InitOptions {
  std::string dir;
  std::string trust_domain;
  Profile profile = Profile::kProduction;
  bool allow_insecure_sample_tee = false;
  absl::Time now;
  absl::Duration root_validity = absl::Hours(24 * 365 * 5);
  absl::Duration issuing_validity = absl::Hours(24 * 365);
};

// kConfigInvalid for a bad trust domain, an insecure TEE in a production profile, or a
// directory that already holds a deployment (never overwritten); kIoError on file errors.
absl::Status InitDeployment(const InitOptions& options);

}  // namespace twi::deployment
