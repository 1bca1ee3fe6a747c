// The conformance suite every ProvenanceStore backend must pass (libs/storage/provenance_store.h).
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "gtest/gtest.h"
#include "libs/storage/provenance_store.h"

namespace twi::storage::testing {

using ProvenanceStoreFactory = std::function<std::unique_ptr<ProvenanceStore>()>;

class ProvenanceStoreBackend {
 public:
  ProvenanceStoreBackend(std::string name, ProvenanceStoreFactory factory);

  std::unique_ptr<ProvenanceStore> Make() const { return factory_(); }

  friend void PrintTo(const ProvenanceStoreBackend& backend, std::ostream* os) {
    *os << backend.name_;
  }

 private:
  std::string name_;
  ProvenanceStoreFactory factory_;
};

class ProvenanceStoreConformanceTest : public ::testing::TestWithParam<ProvenanceStoreBackend> {
 protected:
  void SetUp() override;

  std::unique_ptr<ProvenanceStore> store_;
};

}  // namespace twi::storage::testing
