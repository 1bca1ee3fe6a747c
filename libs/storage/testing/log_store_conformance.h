// The conformance suite every LogStore backend must pass (libs/storage/log_store.h).
//
// Test-only. A backend instantiates it with a factory returning a store over a fresh, empty
// database, as for the other suites (libs/storage/README.md).
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "gtest/gtest.h"
#include "libs/storage/log_store.h"

namespace twi::storage::testing {

using LogStoreFactory = std::function<std::unique_ptr<LogStore>()>;

class LogStoreBackend {
 public:
  LogStoreBackend(std::string name, LogStoreFactory factory);

  const std::string& name() const { return name_; }
  std::unique_ptr<LogStore> Make() const { return factory_(); }

  friend void PrintTo(const LogStoreBackend& backend, std::ostream* os) { *os << backend.name_; }

 private:
  std::string name_;
  LogStoreFactory factory_;
};

class LogStoreConformanceTest : public ::testing::TestWithParam<LogStoreBackend> {
 protected:
  void SetUp() override;

  std::unique_ptr<LogStore> store_;
};

}  // namespace twi::storage::testing
