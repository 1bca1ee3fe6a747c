// Test-only: a real SoftHSM2 token in a temporary directory, initialised through PKCS#11.
//
// SoftHSM2 reads SOFTHSM2_CONF when the module is initialised, so the fixture points it at its
// own configuration before anything loads the module; Pkcs11Module finalises the module when the
// last user lets go, so each test starts from its own token directory.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "libs/core/secret.h"
#include "libs/keystore/backends/pkcs11/pkcs11_key_store.h"
#include "testing/temp_dir.h"

namespace twi::keystore::testing {

class SoftHsmToken {
 public:
  static constexpr char kLabel[] = "twi-test";
  static constexpr char kUserPin[] = "user-pin-1234";
  static constexpr char kSoPin[] = "so-pin-5678";

  // Creates the token directory and configuration and initialises a token labelled kLabel.
  static absl::StatusOr<std::unique_ptr<SoftHsmToken>> Create();

  // Options that open this token with the right PIN.
  Pkcs11Options Options() const;
  const std::string& token_dir() const { return token_dir_; }

 private:
  SoftHsmToken() = default;
  ::twi::testing::TempDir dir_;
  std::string token_dir_;
};

}  // namespace twi::keystore::testing
