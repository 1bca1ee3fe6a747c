// A PKCS#11 module (a Cryptoki shared library such as SoftHSM2's) loaded and initialised once
// per process, and the mapping of its return codes to twi reasons.
//
// Cryptoki allows one C_Initialize per process and module, so modules are shared: Load returns
// the same object for the same path while anyone holds it, and the last holder finalises it.
#pragma once

#define CK_DISABLE_TRUE_FALSE 1
#include <p11-kit/pkcs11.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace twi::keystore {

class Pkcs11Module {
 public:
  // dlopen + C_GetFunctionList + C_Initialize (OS locking). kKeyStoreUnavailable naming the
  // path if the library is missing or not a PKCS#11 module, or initialisation fails.
  static absl::StatusOr<std::shared_ptr<Pkcs11Module>> Load(const std::string& path);
  ~Pkcs11Module();
  Pkcs11Module(const Pkcs11Module&) = delete;
  Pkcs11Module& operator=(const Pkcs11Module&) = delete;

  CK_FUNCTION_LIST* fn() const { return fn_; }
  const std::string& path() const { return path_; }

 private:
  Pkcs11Module(std::string path, void* handle, CK_FUNCTION_LIST* fn)
      : path_(std::move(path)), handle_(handle), fn_(fn) {}
  const std::string path_;
  void* const handle_;
  CK_FUNCTION_LIST* const fn_;
};

// The name of a CKR_ code ("CKR_PIN_INCORRECT"), or its hex value.
std::string Pkcs11RvName(CK_RV rv);

// OK for CKR_OK; otherwise a Status whose reason says what the caller can do about it:
// kKeyStoreLoginFailed for PIN problems, kKeyStoreUnavailable for a missing, removed or failed
// token or module, kInvalidArgument for refused templates and mechanisms, kCryptoFailure
// otherwise. The message names `operation` and the return code.
absl::Status Pkcs11Status(CK_RV rv, std::string_view operation);

// Whether `rv` means the session or the login is gone (token removed and reinserted, module
// restarted, session closed), so that a fresh session and login may succeed.
bool Pkcs11SessionLost(CK_RV rv);

}  // namespace twi::keystore
