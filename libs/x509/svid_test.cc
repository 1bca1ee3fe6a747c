#include "libs/x509/svid.h"

#include "gtest/gtest.h"
#include "libs/x509/issue.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"

namespace twi::x509 {
namespace {

using ::twi::testing::HasReason;
using ::twi::x509::testing::kLeafTtl;
using ::twi::x509::testing::kTrustDomain;
using ::twi::x509::testing::kWorkloadId;
using ::twi::x509::testing::MakeLeaf;
using ::twi::x509::testing::MakePki;
using ::twi::x509::testing::MakeRoot;
using ::twi::x509::testing::Party;
using ::twi::x509::testing::Pki;
using ::twi::x509::testing::TestNow;

using Mutation = std::function<void(CertificateTemplate&)>;

class SvidTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(Pki pki, MakePki(TestNow()));
    pki_ = std::make_unique<Pki>(std::move(pki));
  }

  absl::StatusOr<spiffe::SpiffeId> Validate(const Certificate& leaf,
                                            std::string_view trust_domain = kTrustDomain,
                                            absl::Time at = TestNow()) {
    return ValidateX509Svid({leaf, pki_->intermediate.certificate}, trust_domain,
                            {pki_->root.certificate}, at);
  }
  // A leaf issued by the real intermediate from a deliberately wrong template.
  absl::StatusOr<Certificate> Leaf(const Mutation& mutate, std::string_view id = kWorkloadId) {
    TWI_ASSIGN_OR_RETURN(Party leaf, MakeLeaf(pki_->intermediate, TestNow(), id, mutate));
    return leaf.certificate;
  }

  std::unique_ptr<Pki> pki_;
};

TEST_F(SvidTest, ValidSvidYieldsItsId) {
  ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId id, Validate(pki_->leaf.certificate));
  EXPECT_EQ(id.ToString(), kWorkloadId);
  EXPECT_EQ(id.trust_domain(), kTrustDomain);
}

TEST_F(SvidTest, ExtendedKeyUsageIsOptional) {
  ASSERT_OK_AND_ASSIGN(Certificate leaf,
                       Leaf([](CertificateTemplate& t) { t.extended_key_usages = {}; }));
  EXPECT_OK(Validate(leaf));
}

TEST_F(SvidTest, UriSanViolations) {
  const Mutation cases[] = {
      [](CertificateTemplate& t) { t.uri_sans.push_back("spiffe://example.org/second"); },
      [](CertificateTemplate& t) { t.uri_sans = {"https://example.org/ns/prod/sa/web"}; },
      [](CertificateTemplate& t) { t.uri_sans = {"spiffe://example.org"}; },  // root path
      [](CertificateTemplate& t) { t.uri_sans = {"spiffe://other.org/ns/prod/sa/web"}; },
      [](CertificateTemplate& t) {
        t.uri_sans = {};
        t.dns_sans = {"web.example.org"};
      },
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    ASSERT_OK_AND_ASSIGN(Certificate leaf, Leaf(cases[i]));
    EXPECT_THAT(Validate(leaf), HasReason(Reason::kSpiffeIdInvalid)) << "case " << i;
  }
}

TEST_F(SvidTest, IdFromAnotherTrustDomain) {
  // Even a correctly chained SVID is refused when its ID is not in the expected domain.
  EXPECT_THAT(Validate(pki_->leaf.certificate, "other.org"), HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(Validate(pki_->leaf.certificate, "Not A Domain"),
              HasReason(Reason::kSpiffeIdInvalid));
}

TEST_F(SvidTest, LeafProfileViolations) {
  const Mutation cases[] = {
      [](CertificateTemplate& t) {
        t.is_ca = true;
        t.key_cert_sign = true;
      },
      [](CertificateTemplate& t) { t.key_cert_sign = true; },
      [](CertificateTemplate& t) { t.crl_sign = true; },
      [](CertificateTemplate& t) {
        t.digital_signature = false;
        t.key_agreement = true;
      },
      [](CertificateTemplate& t) { t.extended_key_usages = {ExtendedKeyUsage::kServerAuth}; },
      [](CertificateTemplate& t) { t.extended_key_usages = {ExtendedKeyUsage::kClientAuth}; },
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    ASSERT_OK_AND_ASSIGN(Certificate leaf, Leaf(cases[i]));
    EXPECT_THAT(Validate(leaf), HasReason(Reason::kCertificateInvalid)) << "case " << i;
  }
}

TEST_F(SvidTest, PathFailures) {
  EXPECT_THAT(Validate(pki_->leaf.certificate, kTrustDomain, TestNow() + 2 * kLeafTtl),
              HasReason(Reason::kChainInvalid));
  // The bundle of another trust domain does not vouch for this one.
  ASSERT_OK_AND_ASSIGN(Party other, MakeRoot(TestNow(), "other.org"));
  EXPECT_THAT(ValidateX509Svid({pki_->leaf.certificate, pki_->intermediate.certificate},
                               kTrustDomain, {other.certificate}, TestNow()),
              HasReason(Reason::kChainInvalid));
  // Without the intermediate the path cannot be built.
  EXPECT_THAT(
      ValidateX509Svid({pki_->leaf.certificate}, kTrustDomain, {pki_->root.certificate}, TestNow()),
      HasReason(Reason::kChainInvalid));
  EXPECT_THAT(ValidateX509Svid({}, kTrustDomain, {pki_->root.certificate}, TestNow()),
              HasReason(Reason::kChainInvalid));
}

}  // namespace
}  // namespace twi::x509
