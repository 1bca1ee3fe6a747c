#include "libs/crypto/keys.h"

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::crypto {
namespace {

using ::twi::testing::HasReason;

class KeyTypeTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(KeyTypeTest, GeneratePemAndDerRoundTrip) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(GetParam()));
  EXPECT_EQ(key.type(), GetParam());
  SecretBytes pem = key.ToPkcs8Pem();
  EXPECT_NE(pem.as_string().find("-----BEGIN PRIVATE KEY-----"), std::string_view::npos);
  ASSERT_OK_AND_ASSIGN(PrivateKey reread, PrivateKey::FromPem(pem.as_string()));
  EXPECT_TRUE(reread.public_key().Equals(key.public_key()));

  ASSERT_OK_AND_ASSIGN(PublicKey pub, PublicKey::FromSpkiDer(key.public_key().ToSpkiDer()));
  EXPECT_TRUE(pub.Equals(key.public_key()));
  ASSERT_OK_AND_ASSIGN(PublicKey pub2, PublicKey::FromPem(key.public_key().ToPem()));
  EXPECT_TRUE(pub2.Equals(key.public_key()));
}

INSTANTIATE_TEST_SUITE_P(AllTypes, KeyTypeTest,
                         ::testing::Values(KeyType::kEcP256, KeyType::kEcP384, KeyType::kEd25519,
                                           KeyType::kRsa));

TEST(KeysTest, DistinctKeysAreNotEqual) {
  ASSERT_OK_AND_ASSIGN(PrivateKey a, PrivateKey::Generate(KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(PrivateKey b, PrivateKey::Generate(KeyType::kEcP256));
  EXPECT_FALSE(a.public_key().Equals(b.public_key()));
}

TEST(KeysTest, EcCoordinatesRoundTrip) {
  for (KeyType type : {KeyType::kEcP256, KeyType::kEcP384}) {
    ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(type));
    ASSERT_OK_AND_ASSIGN(PublicKey::EcPoint p, key.public_key().EcCoordinates());
    EXPECT_EQ(p.x.size(), EcCoordinateSize(type));
    ASSERT_OK_AND_ASSIGN(PublicKey back, PublicKey::FromEcCoordinates(type, p.x, p.y));
    EXPECT_TRUE(back.Equals(key.public_key()));
  }
}

TEST(KeysTest, RejectsPointOffCurveAndWrongSizes) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(PublicKey::EcPoint p, key.public_key().EcCoordinates());
  p.y.back() ^= 1;
  EXPECT_THAT(PublicKey::FromEcCoordinates(KeyType::kEcP256, p.x, p.y),
              HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(PublicKey::FromEcCoordinates(KeyType::kEcP384, p.x, p.y),
              HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(PublicKey::FromEcCoordinates(KeyType::kEd25519, p.x, p.y),
              HasReason(Reason::kUnsupportedAlgorithm));
}

TEST(KeysTest, RejectsCoordinatesOutsideTheField) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(PublicKey::EcPoint p, key.public_key().EcCoordinates());
  const Bytes all_ones(p.x.size(), 0xFF);  // > the field prime
  EXPECT_THAT(PublicKey::FromEcCoordinates(KeyType::kEcP256, all_ones, p.y),
              HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(PublicKey::FromEcCoordinates(KeyType::kEcP256, p.x, all_ones),
              HasReason(Reason::kKeyInvalid));
  const Bytes zero(p.x.size(), 0x00);  // (0, 0) is not on the curve, nor a way to say infinity
  EXPECT_THAT(PublicKey::FromEcCoordinates(KeyType::kEcP256, zero, zero),
              HasReason(Reason::kKeyInvalid));
}

TEST(KeysTest, StrictPemLabelsAndTrailingData) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(KeyType::kEcP256));
  const std::string pub_pem = key.public_key().ToPem();
  EXPECT_THAT(PrivateKey::FromPem(pub_pem), HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(PublicKey::FromPem(key.ToPkcs8Pem().as_string()), HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(PublicKey::FromPem(pub_pem + "garbage"), HasReason(Reason::kKeyInvalid));
  EXPECT_OK(PublicKey::FromPem(pub_pem + "\n\n"));
  EXPECT_THAT(PublicKey::FromPem("not pem"), HasReason(Reason::kKeyInvalid));
}

TEST(KeysTest, RejectsTrailingDerBytes) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(KeyType::kEd25519));
  Bytes der = key.public_key().ToSpkiDer();
  der.push_back(0);
  EXPECT_THAT(PublicKey::FromSpkiDer(der), HasReason(Reason::kKeyInvalid));
}

TEST(KeysTest, Ed25519RawRoundTrip) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(KeyType::kEd25519));
  ASSERT_OK_AND_ASSIGN(Bytes raw, key.public_key().Ed25519Raw());
  ASSERT_OK_AND_ASSIGN(PublicKey back, PublicKey::FromEd25519(raw));
  EXPECT_TRUE(back.Equals(key.public_key()));
  EXPECT_THAT(PublicKey::FromEd25519(Bytes(31)), HasReason(Reason::kKeyInvalid));
}

TEST(KeysTest, RsaParamsRoundTripAndMinimumSize) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(KeyType::kRsa));
  ASSERT_OK_AND_ASSIGN(PublicKey::RsaParams params, key.public_key().Rsa());
  EXPECT_EQ(params.n.size(), 256u);
  ASSERT_OK_AND_ASSIGN(PublicKey back, PublicKey::FromRsa(params.n, params.e));
  EXPECT_TRUE(back.Equals(key.public_key()));
  Bytes short_n(params.n.begin(), params.n.begin() + 128);  // 1024 bits
  EXPECT_THAT(PublicKey::FromRsa(short_n, params.e), HasReason(Reason::kKeyInvalid));
  Bytes padded = params.n;
  padded.insert(padded.begin(), 0);
  EXPECT_THAT(PublicKey::FromRsa(padded, params.e), HasReason(Reason::kKeyInvalid));
}

}  // namespace
}  // namespace twi::crypto
