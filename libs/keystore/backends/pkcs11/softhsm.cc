#include "libs/keystore/backends/pkcs11/softhsm.h"

#include <cstdlib>

#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/status.h"

namespace twi::keystore {

std::string DefaultSoftHsmModule() {
  const char* path = std::getenv("TWI_SOFTHSM_MODULE");
  return path != nullptr && *path != '\0' ? path : kDebianSoftHsmModule;
}

absl::Status WriteSoftHsmConfig(const std::string& conf_path, const std::string& token_dir) {
  if (token_dir.empty() || token_dir.front() != '/') {
    return Error(
        Reason::kInvalidArgument,
        absl::StrFormat("SoftHSM2 needs an absolute token directory, not \"%s\"", token_dir));
  }
  // Errors only: SoftHSM2 logs to syslog, and the token's own messages add nothing there that
  // the PKCS#11 return codes in twi's statuses do not already say.
  return WriteFileAtomic(conf_path,
                         absl::StrFormat("# SoftHSM2 configuration of this deployment's Key Store "
                                         "(written by twi).\ndirectories.tokendir = %s\n"
                                         "objectstore.backend = file\nlog.level = ERROR\n"
                                         "slots.removable = false\n",
                                         token_dir),
                         0600);
}

void UseSoftHsmConfig(const std::string& conf_path) {
  setenv("SOFTHSM2_CONF", conf_path.c_str(), 1);
}

}  // namespace twi::keystore
