// The conformance suite every IssuanceLedger backend must pass (libs/storage/issuance_ledger.h).
//
// Test-only. A backend instantiates it once with a factory that returns a ledger over a fresh,
// empty database; the suite makes one ledger per test:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, IssuanceLedgerConformanceTest,
//       ::testing::Values(IssuanceLedgerBackend("sqlite", [] { return ...; })));
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "gtest/gtest.h"
#include "libs/storage/issuance_ledger.h"

namespace twi::storage {

// Readable failure output for gtest (lives beside the type so that ADL finds it).
void PrintTo(const IssuanceRecord& record, std::ostream* os);

namespace testing {

using IssuanceLedgerFactory = std::function<std::unique_ptr<IssuanceLedger>()>;

// One backend under test: a name for the logs and the factory.
class IssuanceLedgerBackend {
 public:
  // Defined in the .cc on purpose: see NonceStoreBackend.
  IssuanceLedgerBackend(std::string name, IssuanceLedgerFactory factory);

  const std::string& name() const { return name_; }
  std::unique_ptr<IssuanceLedger> Make() const { return factory_(); }

  friend void PrintTo(const IssuanceLedgerBackend& backend, std::ostream* os) {
    *os << backend.name_;
  }

 private:
  std::string name_;
  IssuanceLedgerFactory factory_;
};

class IssuanceLedgerConformanceTest : public ::testing::TestWithParam<IssuanceLedgerBackend> {
 protected:
  void SetUp() override;

  std::unique_ptr<IssuanceLedger> ledger_;
};

}  // namespace testing
}  // namespace twi::storage
