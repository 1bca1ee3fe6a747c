// The conformance suite every KeyStore backend must pass (libs/keystore/key_store.h).
//
// Test-only. A backend instantiates it with a factory that returns a store over a fresh, empty
// token; the suite makes one store per test (and may make a second over the same token):
//
//   INSTANTIATE_TEST_SUITE_P(Pkcs11, KeyStoreConformanceTest,
//                            ::testing::Values(KeyStoreBackend("softhsm2", ...)));
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "libs/keystore/key_store.h"

namespace twi::keystore::testing {

// A backend's token under test: `fresh` prepares an empty token; `open` opens a store over
// the token `fresh` prepared last (called again to reopen it).
struct KeyStoreFactory {
  std::function<absl::Status()> fresh;
  std::function<absl::StatusOr<std::unique_ptr<KeyStore>>()> open;
};

class KeyStoreBackend {
 public:
  // Defined in the .cc so that naming a backend links the suite's tests in (as in storage).
  KeyStoreBackend(std::string name, KeyStoreFactory factory);

  const std::string& name() const { return name_; }
  const KeyStoreFactory& factory() const { return factory_; }

  friend void PrintTo(const KeyStoreBackend& backend, std::ostream* os) { *os << backend.name_; }

 private:
  std::string name_;
  KeyStoreFactory factory_;
};

// Signs random data with `signer` and checks the signature under its public key, and that it
// does not verify for other data. For backend-specific tests as well.
void ExpectSignsVerifiably(const crypto::Signer& signer);

class KeyStoreConformanceTest : public ::testing::TestWithParam<KeyStoreBackend> {
 protected:
  void SetUp() override;

  std::unique_ptr<KeyStore> store_;
};

}  // namespace twi::keystore::testing
