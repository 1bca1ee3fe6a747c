#include "libs/jose/algorithm.h"

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::jose {
namespace {

using ::twi::testing::HasReason;

constexpr Algorithm kAll[] = {Algorithm::kES256, Algorithm::kES384, Algorithm::kEdDSA,
                              Algorithm::kRS256, Algorithm::kPS256};

TEST(AlgorithmTest, NamesRoundTrip) {
  EXPECT_EQ(AlgorithmName(Algorithm::kES256), "ES256");
  EXPECT_EQ(AlgorithmName(Algorithm::kES384), "ES384");
  EXPECT_EQ(AlgorithmName(Algorithm::kEdDSA), "EdDSA");
  EXPECT_EQ(AlgorithmName(Algorithm::kRS256), "RS256");
  EXPECT_EQ(AlgorithmName(Algorithm::kPS256), "PS256");
  for (Algorithm alg : kAll) {
    ASSERT_OK_AND_ASSIGN(Algorithm parsed, AlgorithmFromName(AlgorithmName(alg)));
    EXPECT_EQ(parsed, alg);
  }
}

TEST(AlgorithmTest, RefusesNoneHmacUnknownAndWrongCase) {
  for (std::string_view name : {"none", "None", "HS256", "HS384", "HS512", "ES512", "RS512",
                                "es256", "EDDSA", "Ed25519", "", "ES256 ", "RSA-OAEP"}) {
    EXPECT_THAT(AlgorithmFromName(name), HasReason(Reason::kJoseAlgorithmNotAllowed)) << name;
  }
}

TEST(AlgorithmTest, SignatureAlgorithmMapping) {
  EXPECT_EQ(ToSignatureAlgorithm(Algorithm::kES256), crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(ToSignatureAlgorithm(Algorithm::kES384), crypto::SignatureAlgorithm::kEcdsaP384Sha384);
  EXPECT_EQ(ToSignatureAlgorithm(Algorithm::kEdDSA), crypto::SignatureAlgorithm::kEd25519);
  EXPECT_EQ(ToSignatureAlgorithm(Algorithm::kRS256), crypto::SignatureAlgorithm::kRsaPkcs1Sha256);
  EXPECT_EQ(ToSignatureAlgorithm(Algorithm::kPS256), crypto::SignatureAlgorithm::kRsaPssSha256);
  for (Algorithm alg : kAll) {
    ASSERT_OK_AND_ASSIGN(Algorithm back, FromSignatureAlgorithm(ToSignatureAlgorithm(alg)));
    EXPECT_EQ(back, alg);
  }
}

TEST(AlgorithmTest, KeyFitsOnlyItsAlgorithms) {
  ASSERT_OK_AND_ASSIGN(auto p256, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto p384, crypto::PrivateKey::Generate(crypto::KeyType::kEcP384));
  ASSERT_OK_AND_ASSIGN(auto ed, crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
  EXPECT_TRUE(KeyFitsAlgorithm(p256.public_key(), Algorithm::kES256));
  EXPECT_FALSE(KeyFitsAlgorithm(p256.public_key(), Algorithm::kES384));
  EXPECT_FALSE(KeyFitsAlgorithm(p256.public_key(), Algorithm::kEdDSA));
  EXPECT_TRUE(KeyFitsAlgorithm(p384.public_key(), Algorithm::kES384));
  EXPECT_FALSE(KeyFitsAlgorithm(p384.public_key(), Algorithm::kES256));
  EXPECT_TRUE(KeyFitsAlgorithm(ed.public_key(), Algorithm::kEdDSA));
  EXPECT_FALSE(KeyFitsAlgorithm(ed.public_key(), Algorithm::kRS256));
  EXPECT_FALSE(KeyFitsAlgorithm(ed.public_key(), Algorithm::kPS256));
}

}  // namespace
}  // namespace twi::jose
