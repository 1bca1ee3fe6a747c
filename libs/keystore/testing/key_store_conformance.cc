#include "libs/keystore/testing/key_store_conformance.h"

#include <thread>
#include <utility>
#include <vector>

#include "libs/core/status.h"
#include "libs/crypto/random.h"
#include "testing/status_matchers.h"

namespace twi::keystore::testing {

using ::twi::testing::HasReason;

KeyStoreBackend::KeyStoreBackend(std::string name, KeyStoreFactory factory)
    : name_(std::move(name)), factory_(std::move(factory)) {}

void ExpectSignsVerifiably(const crypto::Signer& signer) {
  const Bytes data = crypto::RandomBytes(300);
  ASSERT_OK_AND_ASSIGN(const Bytes signature, signer.Sign(data));
  EXPECT_OK(crypto::VerifySignature(signer.public_key(), signer.algorithm(), data, signature));
  Bytes other = data;
  other[0] ^= 1;
  EXPECT_THAT(crypto::VerifySignature(signer.public_key(), signer.algorithm(), other, signature),
              HasReason(Reason::kSignatureInvalid));
}

void KeyStoreConformanceTest::SetUp() {
  ASSERT_OK(GetParam().factory().fresh());
  ASSERT_OK_AND_ASSIGN(store_, GetParam().factory().open());
}

namespace {

TEST_P(KeyStoreConformanceTest, GeneratesP256AndP384KeysThatSign) {
  ASSERT_OK_AND_ASSIGN(const std::string p256,
                       store_->GenerateSigningKey("ca-issuing", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(const std::string p384,
                       store_->GenerateSigningKey("verifier-ear", crypto::KeyType::kEcP384));
  EXPECT_NE(p256, p384);
  ASSERT_OK_AND_ASSIGN(auto signer256, store_->OpenSigner(p256));
  ASSERT_OK_AND_ASSIGN(auto signer384, store_->OpenSigner(p384));
  EXPECT_EQ(signer256->algorithm(), crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(signer384->algorithm(), crypto::SignatureAlgorithm::kEcdsaP384Sha384);
  ExpectSignsVerifiably(*signer256);
  ExpectSignsVerifiably(*signer384);
  EXPECT_FALSE(signer256->public_key().Equals(signer384->public_key()));
}

// The transparency log signs its checkpoints with Ed25519 (C2SP signed-note).
TEST_P(KeyStoreConformanceTest, GeneratesEd25519SigningKeysButNotCredentialKeys) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("log", crypto::KeyType::kEd25519));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
  EXPECT_EQ(signer->algorithm(), crypto::SignatureAlgorithm::kEd25519);
  EXPECT_EQ(signer->public_key().type(), crypto::KeyType::kEd25519);
  ExpectSignsVerifiably(*signer);
  // Ed25519 is deterministic: one message, one signature.
  const Bytes message = ToBytes("tlog checkpoint");
  ASSERT_OK_AND_ASSIGN(const Bytes first, signer->Sign(message));
  ASSERT_OK_AND_ASSIGN(const Bytes second, signer->Sign(message));
  EXPECT_EQ(first, second);
  EXPECT_THAT(store_->GenerateCredentialKey("c", crypto::KeyType::kEd25519),
              HasReason(Reason::kInvalidArgument));
}

TEST_P(KeyStoreConformanceTest, KeysPersistAcrossStores) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("wit-signing", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto first, store_->OpenSigner(uri));
  const crypto::PublicKey key = first->public_key();
  first.reset();
  store_.reset();
  ASSERT_OK_AND_ASSIGN(store_, GetParam().factory().open());
  ASSERT_OK_AND_ASSIGN(auto again, store_->OpenSigner(uri));
  EXPECT_TRUE(again->public_key().Equals(key));
  ExpectSignsVerifiably(*again);
}

TEST_P(KeyStoreConformanceTest, SignerOutlivesItsStore) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
  store_.reset();
  ExpectSignsVerifiably(*signer);
}

TEST_P(KeyStoreConformanceTest, RefusesDuplicateLabelsOtherKeyTypesAndEmptyLabels) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateSigningKey("k", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto before, store_->OpenSigner(uri));
  EXPECT_THAT(store_->GenerateSigningKey("k", crypto::KeyType::kEcP384),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->GenerateSigningKey("r", crypto::KeyType::kRsa),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->GenerateSigningKey("", crypto::KeyType::kEcP256),
              HasReason(Reason::kInvalidArgument));
  // The refused duplicate left the existing key as it was.
  ASSERT_OK_AND_ASSIGN(auto after, store_->OpenSigner(uri));
  EXPECT_TRUE(after->public_key().Equals(before->public_key()));
  EXPECT_EQ(after->algorithm(), crypto::SignatureAlgorithm::kEcdsaP256Sha256);
}

TEST_P(KeyStoreConformanceTest, UnknownKeysAndMalformedUrisAreRefused) {
  EXPECT_THAT(store_->OpenSigner("pkcs11:object=absent;type=private"),
              HasReason(Reason::kKeyStoreKeyNotFound));
  EXPECT_THAT(store_->OpenSigner("not a uri"), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->OpenSigner("pkcs11:object=k?pin-value=1"),
              HasReason(Reason::kInvalidArgument));
}

TEST_P(KeyStoreConformanceTest, ConcurrentSigningWithOneSigner) {
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

// A credential key leaves the store wrapped for one recipient: that recipient unwraps the key
// that signs for the store's public key; another recipient, or a changed blob, does not.
TEST_P(KeyStoreConformanceTest, CredentialKeysLeaveOnlyWrappedForTheirRecipient) {
  for (const crypto::KeyType type : {crypto::KeyType::kEcP256, crypto::KeyType::kEcP384}) {
    SCOPED_TRACE(crypto::KeyTypeName(type));
    const std::string label = std::string("credential-") + std::string(crypto::KeyTypeName(type));
    ASSERT_OK_AND_ASSIGN(const std::string uri, store_->GenerateCredentialKey(label, type));
    ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
    ExpectSignsVerifiably(*signer);
    // The recipient's key type need not be the credential key's.
    for (const crypto::KeyType recipient_type :
         {crypto::KeyType::kEcP256, crypto::KeyType::kEcP384, crypto::KeyType::kRsa}) {
      SCOPED_TRACE(crypto::KeyTypeName(recipient_type));
      const bool rsa = recipient_type == crypto::KeyType::kRsa;
      ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey recipient,
                           crypto::PrivateKey::Generate(recipient_type));
      ASSERT_OK_AND_ASSIGN(const WrappedKey wrapped,
                           store_->WrapKeyFor(uri, recipient.public_key()));
      ASSERT_EQ(wrapped.ephemeral.has_value(), !rsa);
      EXPECT_EQ(wrapped.encrypted_kek.empty(), !rsa);
      if (!rsa) {
        EXPECT_EQ(wrapped.ephemeral->type(), recipient_type);
      }
      ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey released, UnwrapKey(wrapped, recipient));
      EXPECT_TRUE(released.public_key().Equals(signer->public_key()));

      // A second release uses a new one-time key.
      ASSERT_OK_AND_ASSIGN(const WrappedKey again, store_->WrapKeyFor(uri, recipient.public_key()));
      EXPECT_NE(again.wrapped, wrapped.wrapped);

      ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey other,
                           crypto::PrivateKey::Generate(recipient_type));
      EXPECT_THAT(UnwrapKey(wrapped, other), HasReason(Reason::kDecryptionFailed));
      WrappedKey changed{.ephemeral = wrapped.ephemeral,
                         .encrypted_kek = wrapped.encrypted_kek,
                         .wrapped = wrapped.wrapped};
      changed.wrapped[changed.wrapped.size() / 2] ^= 1;
      EXPECT_THAT(UnwrapKey(changed, recipient), HasReason(Reason::kDecryptionFailed));
      if (rsa) {
        changed.wrapped = wrapped.wrapped;
        changed.encrypted_kek[10] ^= 1;
        EXPECT_THAT(UnwrapKey(changed, recipient), HasReason(Reason::kDecryptionFailed));
      }
    }
  }
}

TEST_P(KeyStoreConformanceTest, SigningKeysAndOtherRecipientsAreNotWrapped) {
  ASSERT_OK_AND_ASSIGN(const std::string signing,
                       store_->GenerateSigningKey("ca-issuing", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey recipient,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  EXPECT_THAT(store_->WrapKeyFor(signing, recipient.public_key()),
              HasReason(Reason::kInvalidArgument));

  ASSERT_OK_AND_ASSIGN(const std::string credential,
                       store_->GenerateCredentialKey("credential", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey ed25519,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
  EXPECT_THAT(store_->WrapKeyFor(credential, ed25519.public_key()),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->WrapKeyFor("pkcs11:object=missing", recipient.public_key()),
              HasReason(Reason::kKeyStoreKeyNotFound));
  EXPECT_THAT(store_->GenerateCredentialKey("credential", crypto::KeyType::kEcP256),
              HasReason(Reason::kInvalidArgument));
}

TEST_P(KeyStoreConformanceTest, DestroyedKeysAreGone) {
  ASSERT_OK_AND_ASSIGN(const std::string uri,
                       store_->GenerateCredentialKey("credential", crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto signer, store_->OpenSigner(uri));
  ASSERT_OK(store_->DestroyKey(uri));
  EXPECT_THAT(store_->OpenSigner(uri), HasReason(Reason::kKeyStoreKeyNotFound));
  EXPECT_FALSE(signer->Sign(crypto::RandomBytes(32)).ok());
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey recipient,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  EXPECT_THAT(store_->WrapKeyFor(uri, recipient.public_key()),
              HasReason(Reason::kKeyStoreKeyNotFound));
  EXPECT_THAT(store_->DestroyKey(uri), HasReason(Reason::kKeyStoreKeyNotFound));
  // The label is free again.
  EXPECT_OK(store_->GenerateCredentialKey("credential", crypto::KeyType::kEcP256).status());
}

}  // namespace
}  // namespace twi::keystore::testing
