// Test-only: fresh Ed25519 note keys for the tlog tests.
#pragma once

#include <memory>
#include <string_view>

#include "gtest/gtest.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/tlog/note.h"

namespace twi::tlog::testing {

inline std::unique_ptr<crypto::Signer> NewEd25519Signer() {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEd25519);
  EXPECT_TRUE(key.ok());
  auto signer = crypto::NewSoftwareSigner(*std::move(key), crypto::SignatureAlgorithm::kEd25519);
  EXPECT_TRUE(signer.ok());
  return *std::move(signer);
}

inline NoteVerifier VerifierOf(const crypto::Signer& signer, std::string_view name) {
  auto verifier = NoteVerifier::FromPublicKey(name, signer.public_key());
  EXPECT_TRUE(verifier.ok()) << verifier.status();
  return *std::move(verifier);
}

}  // namespace twi::tlog::testing
