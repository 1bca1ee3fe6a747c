// Pkcs11KeyStore against a real SoftHSM2 token in a temporary directory.
#include "libs/keystore/backends/pkcs11/pkcs11_key_store.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/crypto/random.h"
#include "libs/keystore/backends/pkcs11/pkcs11_module.h"
#include "libs/keystore/testing/softhsm_token.h"
#include "testing/status_matchers.h"

namespace twi::keystore {
namespace {

using testing::SoftHsmToken;
using ::twi::testing::HasReason;

class Pkcs11KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(token_, SoftHsmToken::Create());
    ASSERT_OK_AND_ASSIGN(store_, Pkcs11KeyStore::Open(token_->Options()));
  }

  std::unique_ptr<SoftHsmToken> token_;
  std::unique_ptr<Pkcs11KeyStore> store_;
};

void ExpectSignsVerifiably(const crypto::Signer& signer) {
  const Bytes data = crypto::RandomBytes(300);
  ASSERT_OK_AND_ASSIGN(const Bytes signature, signer.Sign(data));
  EXPECT_OK(crypto::VerifySignature(signer.public_key(), signer.algorithm(), data, signature));
  Bytes other = data;
  other[0] ^= 1;
  EXPECT_THAT(crypto::VerifySignature(signer.public_key(), signer.algorithm(), other, signature),
              HasReason(Reason::kSignatureInvalid));
}

TEST_F(Pkcs11KeyStoreTest, GeneratesP256AndP384KeysThatSignInTheToken) {
  ASSERT_OK_AND_ASSIGN(const std::string p256,
                       store_->GenerateSigningKey("ca-issuing", crypto::KeyType::kEcP256));
  EXPECT_EQ(p256, "pkcs11:token=twi-test;object=ca-issuing;type=private");
  ASSERT_OK_AND_ASSIGN(const std::string p384,
                       store_->GenerateSigningKey("verifier-ear", crypto::KeyType::kEcP384));
  ASSERT_OK_AND_ASSIGN(auto signer256, store_->OpenSigner(p256));
  ASSERT_OK_AND_ASSIGN(auto signer384, store_->OpenSigner(p384));
  EXPECT_EQ(signer256->algorithm(), crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(signer384->algorithm(), crypto::SignatureAlgorithm::kEcdsaP384Sha384);
  ExpectSignsVerifiably(*signer256);
  ExpectSignsVerifiably(*signer384);
  EXPECT_FALSE(signer256->public_key().Equals(signer384->public_key()));
}

TEST_F(Pkcs11KeyStoreTest, PrivateKeysAreSensitiveAndNeverExtractable) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("ca-issuing", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(const Pkcs11KeyProtection protection, store_->Protection(uri));
  EXPECT_TRUE(protection.token);
  EXPECT_TRUE(protection.sensitive);
  EXPECT_FALSE(protection.extractable);
  EXPECT_TRUE(protection.always_sensitive);
  EXPECT_TRUE(protection.never_extractable);
}

TEST_F(Pkcs11KeyStoreTest, KeysPersistInTheTokenAcrossStores) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("wit-signing", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto first, store_->OpenSigner(uri));
  const crypto::PublicKey key = first->public_key();
  first.reset();
  store_.reset();
  ASSERT_OK_AND_ASSIGN(store_, Pkcs11KeyStore::Open(token_->Options()));
  ASSERT_OK_AND_ASSIGN(auto again, store_->OpenSigner(uri));
  EXPECT_TRUE(again->public_key().Equals(key));
  ExpectSignsVerifiably(*again);
}

TEST_F(Pkcs11KeyStoreTest, SignerOutlivesItsStore) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
  store_.reset();
  ExpectSignsVerifiably(*signer);
}

TEST_F(Pkcs11KeyStoreTest, RefusesDuplicateLabelsAndOtherKeyTypes) {
  ASSERT_OK(store_->GenerateSigningKey("k", crypto::KeyType::kEcP256).status());
  EXPECT_THAT(store_->GenerateSigningKey("k", crypto::KeyType::kEcP384),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->GenerateSigningKey("r", crypto::KeyType::kRsa),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->GenerateSigningKey("", crypto::KeyType::kEcP256),
              HasReason(Reason::kInvalidArgument));
}

TEST_F(Pkcs11KeyStoreTest, UnknownKeysAndForeignTokensAreRefused) {
  EXPECT_THAT(store_->OpenSigner("pkcs11:object=absent;type=private"),
              HasReason(Reason::kKeyStoreKeyNotFound));
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  EXPECT_THAT(store_->OpenSigner("pkcs11:token=other;object=k"),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->OpenSigner("pkcs11:object=k;type=public"),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->OpenSigner("not a uri"), HasReason(Reason::kInvalidArgument));
}

TEST_F(Pkcs11KeyStoreTest, WrongPinIsALoginFailureThatNamesNoPin) {
  // Login state belongs to the process: let the logged-in store go first.
  store_.reset();
  Pkcs11Options options = token_->Options();
  options.pin = SecretBytes(AsBytes("wrong-pin-0000"));
  const auto store = Pkcs11KeyStore::Open(std::move(options));
  EXPECT_THAT(store, HasReason(Reason::kKeyStoreLoginFailed));
  EXPECT_EQ(store.status().message().find("wrong-pin"), std::string::npos);
  EXPECT_NE(store.status().message().find("CKR_PIN_INCORRECT"), std::string::npos);
}

TEST_F(Pkcs11KeyStoreTest, MissingTokenOrModuleIsUnavailable) {
  Pkcs11Options other = token_->Options();
  other.token_label = "no-such-token";
  EXPECT_THAT(Pkcs11KeyStore::Open(std::move(other)), HasReason(Reason::kKeyStoreUnavailable));
  Pkcs11Options no_module = token_->Options();
  no_module.module_path = "/nonexistent/libpkcs11.so";
  EXPECT_THAT(Pkcs11KeyStore::Open(std::move(no_module)), HasReason(Reason::kKeyStoreUnavailable));
  Pkcs11Options not_a_module = token_->Options();
  not_a_module.module_path = "libc.so.6";
  EXPECT_THAT(Pkcs11KeyStore::Open(std::move(not_a_module)),
              HasReason(Reason::kKeyStoreUnavailable));
}

TEST_F(Pkcs11KeyStoreTest, ConcurrentSignersShareThePool) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
  constexpr int kThreads = 8;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const Bytes data = crypto::RandomBytes(32);
        auto signature = signer->Sign(data);
        if (!signature.ok() ||
            !crypto::VerifySignature(signer->public_key(), signer->algorithm(), data, *signature)
                 .ok()) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

TEST_F(Pkcs11KeyStoreTest, RecoversWhenTheTokenDropsEverySessionAndTheLogin) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
  ExpectSignsVerifiably(*signer);
  // What a token restart looks like to the application: every session closed, logged out.
  ASSERT_OK_AND_ASSIGN(auto module, Pkcs11Module::Load(testing::SoftHsmModulePath()));
  CK_SLOT_ID slots[8];
  CK_ULONG count = 8;
  ASSERT_EQ(module->fn()->C_GetSlotList(CK_TRUE, slots, &count), CKR_OK);
  for (CK_ULONG i = 0; i < count; ++i) module->fn()->C_CloseAllSessions(slots[i]);
  ExpectSignsVerifiably(*signer);
}

TEST(Pkcs11TokenInitTest, RefusesEmptyLabelsAndPins) {
  const std::string module = testing::SoftHsmModulePath();
  const SecretBytes pin(AsBytes("1234"));
  EXPECT_THAT(InitPkcs11Token(module, "", pin, pin), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(InitPkcs11Token(module, std::string(33, 'x'), pin, pin),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(InitPkcs11Token(module, "t", SecretBytes(), pin),
              HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi::keystore
