#include "libs/crypto/signature.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::crypto {
namespace {

using ::twi::testing::HasReason;

Bytes Hex(std::string_view h) { return *HexDecode(h); }

class SignerTest : public ::testing::TestWithParam<SignatureAlgorithm> {};

TEST_P(SignerTest, SignVerifyAndTamper) {
  const SignatureAlgorithm alg = GetParam();
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(SignatureKeyType(alg)));
  ASSERT_OK_AND_ASSIGN(auto signer, NewSoftwareSigner(key, alg));
  EXPECT_EQ(signer->algorithm(), alg);
  const Bytes data = ToBytes("attested workload");
  ASSERT_OK_AND_ASSIGN(Bytes sig, signer->Sign(data));
  EXPECT_OK(VerifySignature(key.public_key(), alg, data, sig));

  Bytes other = data;
  other[0] ^= 1;
  EXPECT_THAT(VerifySignature(key.public_key(), alg, other, sig),
              HasReason(Reason::kSignatureInvalid));
  Bytes bad_sig = sig;
  bad_sig[bad_sig.size() / 2] ^= 0x80;
  EXPECT_THAT(VerifySignature(key.public_key(), alg, data, bad_sig),
              HasReason(Reason::kSignatureInvalid));
  Bytes short_sig(sig.begin(), sig.end() - 1);
  EXPECT_THAT(VerifySignature(key.public_key(), alg, data, short_sig),
              HasReason(Reason::kSignatureInvalid));
  ASSERT_OK_AND_ASSIGN(PrivateKey other_key, PrivateKey::Generate(SignatureKeyType(alg)));
  EXPECT_THAT(VerifySignature(other_key.public_key(), alg, data, sig),
              HasReason(Reason::kSignatureInvalid));
}

INSTANTIATE_TEST_SUITE_P(Signing, SignerTest,
                         ::testing::Values(SignatureAlgorithm::kEcdsaP256Sha256,
                                           SignatureAlgorithm::kEcdsaP384Sha384,
                                           SignatureAlgorithm::kEd25519));

TEST(SignatureTest, EcdsaSignatureIsFixedSizeRawForm) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(KeyType::kEcP384));
  ASSERT_OK_AND_ASSIGN(auto signer, NewSoftwareSigner(key, SignatureAlgorithm::kEcdsaP384Sha384));
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK_AND_ASSIGN(Bytes sig, signer->Sign(ToBytes("x")));
    EXPECT_EQ(sig.size(), 96u);
  }
}

TEST(SignatureTest, KeyAlgorithmMismatchIsRefused) {
  ASSERT_OK_AND_ASSIGN(PrivateKey p256, PrivateKey::Generate(KeyType::kEcP256));
  EXPECT_THAT(NewSoftwareSigner(p256, SignatureAlgorithm::kEcdsaP384Sha384),
              HasReason(Reason::kUnsupportedAlgorithm));
  EXPECT_THAT(
      VerifySignature(p256.public_key(), SignatureAlgorithm::kEd25519, ToBytes("x"), Bytes(64)),
      HasReason(Reason::kUnsupportedAlgorithm));
  ASSERT_OK_AND_ASSIGN(PrivateKey rsa, PrivateKey::Generate(KeyType::kRsa));
  EXPECT_THAT(NewSoftwareSigner(rsa, SignatureAlgorithm::kRsaPkcs1Sha256),
              HasReason(Reason::kUnsupportedAlgorithm));
}

// RFC 6979 §A.2.5: P-256, SHA-256, message "sample".
TEST(SignatureTest, EcdsaP256KnownAnswer) {
  ASSERT_OK_AND_ASSIGN(
      PublicKey key,
      PublicKey::FromEcCoordinates(
          KeyType::kEcP256, Hex("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"),
          Hex("7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299")));
  const Bytes sig =
      Hex("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
          "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
  EXPECT_OK(VerifySignature(key, SignatureAlgorithm::kEcdsaP256Sha256, ToBytes("sample"), sig));
  EXPECT_THAT(VerifySignature(key, SignatureAlgorithm::kEcdsaP256Sha256, ToBytes("test"), sig),
              HasReason(Reason::kSignatureInvalid));
}

// RFC 8032 §7.1 TEST 1: empty message.
TEST(SignatureTest, Ed25519KnownAnswer) {
  ASSERT_OK_AND_ASSIGN(
      PublicKey key, PublicKey::FromEd25519(
                         Hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")));
  const Bytes sig =
      Hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
          "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_OK(VerifySignature(key, SignatureAlgorithm::kEd25519, Bytes(), sig));
}

// RSA verification against signatures made by OpenSSL directly (twi never signs with RSA).
Bytes RsaSign(const PrivateKey& key, bool pss, ByteView data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, key.evp());
  if (pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
  }
  size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, data.data(), data.size());
  Bytes sig(len);
  EVP_DigestSign(ctx, sig.data(), &len, data.data(), data.size());
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

TEST(SignatureTest, RsaPkcs1AndPssVerification) {
  ASSERT_OK_AND_ASSIGN(PrivateKey key, PrivateKey::Generate(KeyType::kRsa));
  const Bytes data = ToBytes("payload");
  const Bytes pkcs1 = RsaSign(key, false, data);
  const Bytes pss = RsaSign(key, true, data);
  EXPECT_OK(VerifySignature(key.public_key(), SignatureAlgorithm::kRsaPkcs1Sha256, data, pkcs1));
  EXPECT_OK(VerifySignature(key.public_key(), SignatureAlgorithm::kRsaPssSha256, data, pss));
  // Padding modes are not interchangeable.
  EXPECT_THAT(VerifySignature(key.public_key(), SignatureAlgorithm::kRsaPssSha256, data, pkcs1),
              HasReason(Reason::kSignatureInvalid));
  EXPECT_THAT(VerifySignature(key.public_key(), SignatureAlgorithm::kRsaPkcs1Sha256, data, pss),
              HasReason(Reason::kSignatureInvalid));
}

TEST(SignatureTest, EcdsaEncodingConversions) {
  const Bytes raw =
      Hex("00000000000000000000000000000000000000000000000000000000000000ff"
          "0000000000000000000000000000000000000000000000000000000000000001");
  ASSERT_OK_AND_ASSIGN(Bytes der, EcdsaRawToDer(raw));
  ASSERT_OK_AND_ASSIGN(Bytes back, EcdsaDerToRaw(der, 32));
  EXPECT_EQ(back, raw);
  EXPECT_THAT(EcdsaDerToRaw(Bytes{0x30, 0x01}, 32), HasReason(Reason::kSignatureInvalid));
  der.push_back(0);
  EXPECT_THAT(EcdsaDerToRaw(der, 32), HasReason(Reason::kSignatureInvalid));
}

}  // namespace
}  // namespace twi::crypto
