#include "libs/keystore/backends/pkcs11/pkcs11_module.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include "absl/strings/str_format.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace twi::keystore {
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

std::map<std::string, std::weak_ptr<Pkcs11Module>>& Registry() {
  static auto* modules = new std::map<std::string, std::weak_ptr<Pkcs11Module>>();
  return *modules;
}

}  // namespace

absl::StatusOr<std::shared_ptr<Pkcs11Module>> Pkcs11Module::Load(const std::string& path) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  if (auto existing = Registry()[path].lock()) return existing;

  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return Error(Reason::kKeyStoreUnavailable,
                 absl::StrFormat("cannot load the PKCS#11 module %s", path));
  }
  using GetFunctionList = CK_RV (*)(CK_FUNCTION_LIST_PTR_PTR);
  auto get = reinterpret_cast<GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST* fn = nullptr;
  if (get == nullptr || get(&fn) != CKR_OK || fn == nullptr) {
    dlclose(handle);
    return Error(Reason::kKeyStoreUnavailable, absl::StrFormat("%s is not a PKCS#11 module", path));
  }
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  if (const CK_RV rv = fn->C_Initialize(&args); rv != CKR_OK) {
    dlclose(handle);
    return Error(Reason::kKeyStoreUnavailable,
                 absl::StrFormat("PKCS#11 module %s: C_Initialize: %s", path, Pkcs11RvName(rv)));
  }
  std::shared_ptr<Pkcs11Module> module(new Pkcs11Module(path, handle, fn));
  Registry()[path] = module;
  return module;
}

Pkcs11Module::~Pkcs11Module() {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  if (const CK_RV rv = fn_->C_Finalize(nullptr); rv != CKR_OK) {
    LogWarning("keystore", absl::StrFormat("%s: C_Finalize: %s", path_, Pkcs11RvName(rv)));
  }
  dlclose(handle_);
  // Only this module's own, now expired, entry: never one a later Load made for the path.
  if (auto it = Registry().find(path_); it != Registry().end() && it->second.expired()) {
    Registry().erase(it);
  }
}

std::string Pkcs11RvName(CK_RV rv) {
  switch (rv) {
#define TWI_CKR(name) \
  case name:          \
    return #name;
    TWI_CKR(CKR_OK)
    TWI_CKR(CKR_GENERAL_ERROR)
    TWI_CKR(CKR_HOST_MEMORY)
    TWI_CKR(CKR_SLOT_ID_INVALID)
    TWI_CKR(CKR_ARGUMENTS_BAD)
    TWI_CKR(CKR_ATTRIBUTE_VALUE_INVALID)
    TWI_CKR(CKR_ATTRIBUTE_TYPE_INVALID)
    TWI_CKR(CKR_ATTRIBUTE_SENSITIVE)
    TWI_CKR(CKR_DEVICE_ERROR)
    TWI_CKR(CKR_DEVICE_MEMORY)
    TWI_CKR(CKR_DEVICE_REMOVED)
    TWI_CKR(CKR_FUNCTION_FAILED)
    TWI_CKR(CKR_KEY_HANDLE_INVALID)
    TWI_CKR(CKR_KEY_NOT_WRAPPABLE)
    TWI_CKR(CKR_KEY_UNEXTRACTABLE)
    TWI_CKR(CKR_KEY_TYPE_INCONSISTENT)
    TWI_CKR(CKR_MECHANISM_INVALID)
    TWI_CKR(CKR_MECHANISM_PARAM_INVALID)
    TWI_CKR(CKR_OBJECT_HANDLE_INVALID)
    TWI_CKR(CKR_OPERATION_ACTIVE)
    TWI_CKR(CKR_PIN_INCORRECT)
    TWI_CKR(CKR_PIN_INVALID)
    TWI_CKR(CKR_PIN_LEN_RANGE)
    TWI_CKR(CKR_PIN_EXPIRED)
    TWI_CKR(CKR_PIN_LOCKED)
    TWI_CKR(CKR_SESSION_CLOSED)
    TWI_CKR(CKR_SESSION_HANDLE_INVALID)
    TWI_CKR(CKR_SESSION_READ_ONLY)
    TWI_CKR(CKR_TEMPLATE_INCOMPLETE)
    TWI_CKR(CKR_TEMPLATE_INCONSISTENT)
    TWI_CKR(CKR_TOKEN_NOT_PRESENT)
    TWI_CKR(CKR_TOKEN_NOT_RECOGNIZED)
    TWI_CKR(CKR_USER_ALREADY_LOGGED_IN)
    TWI_CKR(CKR_USER_NOT_LOGGED_IN)
    TWI_CKR(CKR_USER_PIN_NOT_INITIALIZED)
    TWI_CKR(CKR_USER_TYPE_INVALID)
    TWI_CKR(CKR_BUFFER_TOO_SMALL)
    TWI_CKR(CKR_CRYPTOKI_NOT_INITIALIZED)
    TWI_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED)
#undef TWI_CKR
    default:
      return absl::StrFormat("CKR 0x%x", rv);
  }
}

absl::Status Pkcs11Status(CK_RV rv, std::string_view operation) {
  if (rv == CKR_OK) return absl::OkStatus();
  const std::string message = absl::StrFormat("PKCS#11 %s: %s", operation, Pkcs11RvName(rv));
  switch (rv) {
    case CKR_PIN_INCORRECT:
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
    case CKR_PIN_EXPIRED:
    case CKR_PIN_LOCKED:
    case CKR_USER_PIN_NOT_INITIALIZED:
      return Error(Reason::kKeyStoreLoginFailed, message);
    case CKR_DEVICE_ERROR:
    case CKR_DEVICE_MEMORY:
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_TOKEN_NOT_RECOGNIZED:
    case CKR_SLOT_ID_INVALID:
    case CKR_SESSION_CLOSED:
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_USER_NOT_LOGGED_IN:
    case CKR_CRYPTOKI_NOT_INITIALIZED:
    case CKR_GENERAL_ERROR:
      return Error(Reason::kKeyStoreUnavailable, message);
    case CKR_ATTRIBUTE_VALUE_INVALID:
    case CKR_ATTRIBUTE_TYPE_INVALID:
    case CKR_MECHANISM_INVALID:
    case CKR_MECHANISM_PARAM_INVALID:
    case CKR_TEMPLATE_INCOMPLETE:
    case CKR_TEMPLATE_INCONSISTENT:
    case CKR_KEY_UNEXTRACTABLE:  // a signing key asked to leave the token
    case CKR_KEY_NOT_WRAPPABLE:
      return Error(Reason::kInvalidArgument, message);
    default:
      return Error(Reason::kCryptoFailure, message);
  }
}

bool Pkcs11SessionLost(CK_RV rv) {
  return rv == CKR_SESSION_CLOSED || rv == CKR_SESSION_HANDLE_INVALID ||
         rv == CKR_USER_NOT_LOGGED_IN || rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT;
}

}  // namespace twi::keystore
