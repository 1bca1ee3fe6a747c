#include "libs/x509/verify.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/openssl_util.h"
#include "libs/x509/issue.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"

namespace twi::x509 {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Property;
using ::twi::testing::HasReason;
using ::twi::x509::testing::kLeafTtl;
using ::twi::x509::testing::MakePki;
using ::twi::x509::testing::MakeRoot;
using ::twi::x509::testing::Party;
using ::twi::x509::testing::Pki;
using ::twi::x509::testing::TestNow;

// kChainInvalid whose message contains OpenSSL's verify error `text`.
::testing::Matcher<absl::StatusOr<std::vector<Certificate>>> ChainError(const std::string& text) {
  return AllOf(HasReason(Reason::kChainInvalid),
               Property(&absl::StatusOr<std::vector<Certificate>>::status,
                        Property(&absl::Status::message, HasSubstr(text))));
}

class VerifyChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(Pki pki, MakePki(TestNow()));
    pki_ = std::make_unique<Pki>(std::move(pki));
  }
  const Certificate& root() const { return pki_->root.certificate; }
  const Certificate& intermediate() const { return pki_->intermediate.certificate; }
  const Certificate& leaf() const { return pki_->leaf.certificate; }

  std::unique_ptr<Pki> pki_;
};

TEST_F(VerifyChainTest, ValidChainReturnsThePathLeafToRoot) {
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> path,
                       VerifyChain(leaf(), {intermediate()}, {root()}, TestNow()));
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[0].ToDer(), leaf().ToDer());
  EXPECT_EQ(path[1].ToDer(), intermediate().ToDer());
  EXPECT_EQ(path[2].ToDer(), root().ToDer());
}

TEST_F(VerifyChainTest, UnrelatedExtraCertificatesAreIgnored) {
  ASSERT_OK_AND_ASSIGN(Party other, MakeRoot(TestNow(), "other.org"));
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> path,
                       VerifyChain(leaf(), {other.certificate, intermediate()},
                                   {other.certificate, root()}, TestNow()));
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[2].ToDer(), root().ToDer());
}

TEST_F(VerifyChainTest, ValidityBounds) {
  EXPECT_OK(VerifyChain(leaf(), {intermediate()}, {root()}, leaf().not_before()));
  EXPECT_OK(VerifyChain(leaf(), {intermediate()}, {root()}, leaf().not_after() - absl::Seconds(1)));
  // OpenSSL counts the notAfter second itself as expired (RFC 5280 §4.1.2.5 says inclusive):
  // one second stricter, which verify.h documents.
  EXPECT_THAT(VerifyChain(leaf(), {intermediate()}, {root()}, leaf().not_after()),
              ChainError("certificate has expired"));
}

TEST_F(VerifyChainTest, ExpiredLeaf) {
  EXPECT_THAT(
      VerifyChain(leaf(), {intermediate()}, {root()}, TestNow() + kLeafTtl + absl::Seconds(1)),
      ChainError("certificate has expired"));
}

TEST_F(VerifyChainTest, NotYetValidLeaf) {
  EXPECT_THAT(VerifyChain(leaf(), {intermediate()}, {root()}, TestNow() - absl::Minutes(1)),
              ChainError("certificate is not yet valid"));
}

TEST_F(VerifyChainTest, WrongRoot) {
  ASSERT_OK_AND_ASSIGN(Party other, MakeRoot(TestNow()));  // same name, different key
  EXPECT_THAT(VerifyChain(leaf(), {intermediate()}, {other.certificate}, TestNow()),
              ChainError("unable to get local issuer certificate"));
}

TEST_F(VerifyChainTest, MissingIntermediate) {
  EXPECT_THAT(VerifyChain(leaf(), {}, {root()}, TestNow()),
              ChainError("unable to get local issuer certificate"));
}

TEST_F(VerifyChainTest, IntermediateIsNeverATrustAnchor) {
  // No X509_V_FLAG_PARTIAL_CHAIN: trusting the intermediate alone is not enough.
  EXPECT_THAT(VerifyChain(leaf(), {}, {intermediate()}, TestNow()),
              HasReason(Reason::kChainInvalid));
}

TEST_F(VerifyChainTest, NoTrustAnchors) {
  EXPECT_THAT(VerifyChain(leaf(), {intermediate()}, {}, TestNow()),
              HasReason(Reason::kChainInvalid));
}

TEST_F(VerifyChainTest, LeafSignedByAnotherKey) {
  // The leaf's contents (issuer name, AKI) point at the intermediate, but another key signed it.
  crypto::internal::UniqueX509 forged(X509_dup(leaf().native()));
  ASSERT_OK_AND_ASSIGN(auto key, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  ASSERT_GT(X509_sign(forged.get(), key.evp(), EVP_sha256()), 0);
  ASSERT_OK_AND_ASSIGN(Certificate forged_leaf, Certificate::FromNative(forged.get()));
  EXPECT_THAT(VerifyChain(forged_leaf, {intermediate()}, {root()}, TestNow()),
              ChainError("certificate signature failure"));
}

TEST_F(VerifyChainTest, IntermediateThatIsNotACa) {
  // IssueCertificate refuses a non-CA issuer, so the leaf is issued by the real intermediate and
  // presented with a non-CA twin: same subject, same key, issued by the same root.
  CertificateTemplate twin{.subject_key = pki_->intermediate.signer->public_key()};
  twin.subject = {{"O", "twi"}, {"CN", "twi test issuing CA"}};
  twin.not_before = intermediate().not_before();
  twin.not_after = intermediate().not_after();
  ASSERT_OK_AND_ASSIGN(Certificate not_ca, IssueCertificate(twin, &root(), *pki_->root.signer));
  ASSERT_EQ(not_ca.Subject(), intermediate().Subject());
  ASSERT_FALSE(not_ca.IsCa());
  EXPECT_THAT(VerifyChain(leaf(), {not_ca}, {root()}, TestNow()),
              ChainError("invalid CA certificate"));
}

}  // namespace
}  // namespace twi::x509
