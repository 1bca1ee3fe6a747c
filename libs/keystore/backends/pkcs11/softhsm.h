// SoftHSM2 as a deployment's default token: where its configuration and token files live.
//
// SoftHSM2 reads the file named by SOFTHSM2_CONF once, when the module is initialised; a
// process therefore works with one SoftHSM2 configuration at a time (Pkcs11Module finalises the
// module when its last user lets go, so a later store may use another).
#pragma once

#include <string>

#include "absl/status/status.h"

namespace twi::keystore {

// Where Debian's softhsm2 package installs the module.
inline constexpr char kDebianSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";

// kDebianSoftHsmModule, unless the TWI_SOFTHSM_MODULE environment variable names another.
std::string DefaultSoftHsmModule();

// Writes a SoftHSM2 configuration (mode 0600) that keeps tokens as files in `token_dir`, which
// must be an absolute path. kInvalidArgument for a relative path, kIoError.
absl::Status WriteSoftHsmConfig(const std::string& conf_path, const std::string& token_dir);

// Makes this process's SoftHSM2 read `conf_path` (sets SOFTHSM2_CONF). Call before the module
// is loaded; the environment is process-wide, so not concurrently with other threads reading it.
void UseSoftHsmConfig(const std::string& conf_path);

}  // namespace twi::keystore
