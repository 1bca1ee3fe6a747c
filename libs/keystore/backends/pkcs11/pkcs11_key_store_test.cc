// Pkcs11KeyStore against a real SoftHSM2 token in a temporary directory.
#include "libs/keystore/backends/pkcs11/pkcs11_key_store.h"

#include <cstdio>

#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/crypto/random.h"
#include "libs/keystore/backends/pkcs11/pkcs11_module.h"
#include "libs/keystore/backends/pkcs11/softhsm.h"
#include "libs/keystore/testing/key_store_conformance.h"
#include "libs/keystore/testing/softhsm_token.h"
#include "testing/status_matchers.h"

namespace twi::keystore {
namespace {

using testing::ExpectSignsVerifiably;
using testing::KeyStoreBackend;
using testing::KeyStoreConformanceTest;
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

TEST_F(Pkcs11KeyStoreTest, UrisNameThisTokenAndItsPrivateKeys) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  EXPECT_EQ(uri, "pkcs11:token=twi-test;object=k;type=private");
  EXPECT_OK(store_->OpenSigner("pkcs11:object=k").status());  // token and type may be left out
  EXPECT_THAT(store_->OpenSigner("pkcs11:token=other;object=k"),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->OpenSigner("pkcs11:object=k;type=public"),
              HasReason(Reason::kInvalidArgument));
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

TEST_F(Pkcs11KeyStoreTest, RecoversWhenTheTokenDropsEverySessionAndTheLogin) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
  ExpectSignsVerifiably(*signer);
  // What a token restart looks like to the application: every session closed, logged out.
  ASSERT_OK_AND_ASSIGN(auto module, Pkcs11Module::Load(DefaultSoftHsmModule()));
  CK_SLOT_ID slots[8];
  CK_ULONG count = 8;
  ASSERT_EQ(module->fn()->C_GetSlotList(CK_TRUE, slots, &count), CKR_OK);
  for (CK_ULONG i = 0; i < count; ++i) module->fn()->C_CloseAllSessions(slots[i]);
  ExpectSignsVerifiably(*signer);
}

// The token's storage taken away while a Signer is in use (SoftHSM2's token directory is its
// "device"): signing fails with a Key Store reason, never a crash or a bad signature. SoftHSM2
// forgets a token whose directory vanished until the module is initialised again, so the
// token comes back to a store opened after the last holder of the module let go.
TEST_F(Pkcs11KeyStoreTest, TokenRemovedMidRunFailsCleanlyAndRecovers) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
  ExpectSignsVerifiably(*signer);
  ASSERT_OK_AND_ASSIGN(const std::string credential,
                       store_->GenerateCredentialKey("c", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey recipient,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  ASSERT_OK(store_->WrapKeyFor(credential, recipient.public_key()).status());
  const std::string dir = token_->token_dir();
  const std::string away = dir + ".away";
  ASSERT_EQ(rename(dir.c_str(), away.c_str()), 0);
  const absl::StatusOr<Bytes> signature = signer->Sign(crypto::RandomBytes(32));
  ASSERT_FALSE(signature.ok());
  const Reason reason = GetReason(signature.status());
  EXPECT_TRUE(reason == Reason::kKeyStoreUnavailable || reason == Reason::kKeyStoreKeyNotFound)
      << signature.status();
  EXPECT_EQ(signature.status().message().find(SoftHsmToken::kUserPin), std::string::npos);
  // Nor does a wrap come out of a token that is gone, though its key handle was remembered.
  const absl::StatusOr<WrappedKey> wrapped = store_->WrapKeyFor(credential, recipient.public_key());
  ASSERT_FALSE(wrapped.ok());
  const Reason wrap_reason = GetReason(wrapped.status());
  EXPECT_TRUE(wrap_reason == Reason::kKeyStoreUnavailable ||
              wrap_reason == Reason::kKeyStoreKeyNotFound)
      << wrapped.status();
  signer.reset();
  store_.reset();
  ASSERT_EQ(rename(away.c_str(), dir.c_str()), 0);
  ASSERT_OK_AND_ASSIGN(store_, Pkcs11KeyStore::Open(token_->Options()));
  ASSERT_OK_AND_ASSIGN(signer, store_->OpenSigner(uri));
  ExpectSignsVerifiably(*signer);
  EXPECT_OK(store_->WrapKeyFor(credential, recipient.public_key()).status());
}

// The backend-independent suite over a fresh SoftHSM2 token per test.
std::unique_ptr<SoftHsmToken>& CurrentToken() {
  static auto* token = new std::unique_ptr<SoftHsmToken>();
  return *token;
}

INSTANTIATE_TEST_SUITE_P(Pkcs11, KeyStoreConformanceTest,
                         ::testing::Values(KeyStoreBackend(
                             "softhsm2",
                             {.fresh =
                                  [] {
                                    CurrentToken().reset();
                                    TWI_ASSIGN_OR_RETURN(CurrentToken(), SoftHsmToken::Create());
                                    return absl::OkStatus();
                                  },
                              .open = []() -> absl::StatusOr<std::unique_ptr<KeyStore>> {
                                TWI_ASSIGN_OR_RETURN(
                                    auto store, Pkcs11KeyStore::Open(CurrentToken()->Options()));
                                return std::unique_ptr<KeyStore>(std::move(store));
                              }})));

TEST(Pkcs11TokenInitTest, RefusesEmptyLabelsAndPins) {
  const std::string module = DefaultSoftHsmModule();
  const SecretBytes pin(AsBytes("1234"));
  EXPECT_THAT(InitPkcs11Token(module, "", pin, pin), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(InitPkcs11Token(module, std::string(33, 'x'), pin, pin),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(InitPkcs11Token(module, "t", SecretBytes(), pin),
              HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi::keystore
