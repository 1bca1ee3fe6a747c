// The conformance suite every NonceStore backend must pass (libs/storage/nonce_store.h).
//
// Test-only. A backend instantiates it once with a factory that returns a store over a fresh,
// empty database; the suite makes one store per test:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, NonceStoreConformanceTest,
//       ::testing::Values(NonceStoreBackend("sqlite", [] { return ...; })));
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "gtest/gtest.h"
#include "libs/storage/nonce_store.h"

namespace twi::storage::testing {

using NonceStoreFactory = std::function<std::unique_ptr<NonceStore>()>;

// One backend under test: a name for the logs and the factory.
class NonceStoreBackend {
 public:
  // Defined in the .cc on purpose: constructing the parameter makes the linker pull the test
  // definitions out of the static conformance library. Without such a reference a backend's test
  // binary would link and pass with none of the conformance tests in it.
  NonceStoreBackend(std::string name, NonceStoreFactory factory);

  const std::string& name() const { return name_; }
  std::unique_ptr<NonceStore> Make() const { return factory_(); }

  friend void PrintTo(const NonceStoreBackend& backend, std::ostream* os) { *os << backend.name_; }

 private:
  std::string name_;
  NonceStoreFactory factory_;
};

class NonceStoreConformanceTest : public ::testing::TestWithParam<NonceStoreBackend> {
 protected:
  void SetUp() override;

  std::unique_ptr<NonceStore> store_;
};

}  // namespace twi::storage::testing
