// Test-only helpers shared by the libs/provenance tests. Never linked into shipped code.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"

namespace twi::provenance::testing {

// A software signer over a fresh key of the type `algorithm` needs.
inline absl::StatusOr<std::unique_ptr<crypto::Signer>> NewTestSigner(
    crypto::SignatureAlgorithm algorithm) {
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                       crypto::PrivateKey::Generate(crypto::SignatureKeyType(algorithm)));
  return crypto::NewSoftwareSigner(std::move(key), algorithm);
}

// Path of a file in libs/provenance/testdata.
inline std::string TestdataPath(std::string_view name) {
  return std::string(TWI_PROVENANCE_TESTDATA_DIR) + "/" + std::string(name);
}

// The bytes of a file in libs/provenance/testdata.
inline absl::StatusOr<std::string> ReadTestdata(std::string_view name) {
  return ReadFile(TestdataPath(name));
}

}  // namespace twi::provenance::testing
