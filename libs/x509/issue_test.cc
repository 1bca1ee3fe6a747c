#include "libs/x509/issue.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <set>

#include "gtest/gtest.h"
#include "libs/crypto/digest.h"
#include "libs/x509/testing/test_pki.h"
#include "libs/x509/verify.h"
#include "testing/status_matchers.h"

namespace twi::x509 {
namespace {

using crypto::KeyType;
using ::twi::testing::HasReason;
using ::twi::x509::testing::kLeafTtl;
using ::twi::x509::testing::kTrustDomain;
using ::twi::x509::testing::kWorkloadId;
using ::twi::x509::testing::MakeIntermediate;
using ::twi::x509::testing::MakeLeaf;
using ::twi::x509::testing::MakePki;
using ::twi::x509::testing::MakeRoot;
using ::twi::x509::testing::NewSigner;
using ::twi::x509::testing::Party;
using ::twi::x509::testing::Pki;
using ::twi::x509::testing::TestNow;

Bytes OctetBytes(const ASN1_OCTET_STRING* s) {
  if (s == nullptr) return {};
  return Bytes(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
}
Bytes SubjectKeyId(const Certificate& c) {
  return OctetBytes(X509_get0_subject_key_id(c.native()));
}
Bytes AuthorityKeyId(const Certificate& c) {
  return OctetBytes(X509_get0_authority_key_id(c.native()));
}

bool ExtensionCritical(const Certificate& c, int nid) {
  const int index = X509_get_ext_by_NID(c.native(), nid, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(c.native(), index)) == 1;
}

// Claims one key but signs with another: the issued certificate would not verify.
class WrongKeySigner final : public crypto::Signer {
 public:
  WrongKeySigner(const crypto::Signer& claimed, const crypto::Signer& actual)
      : claimed_(claimed), actual_(actual) {}
  absl::StatusOr<Bytes> Sign(ByteView data) const override { return actual_.Sign(data); }
  crypto::SignatureAlgorithm algorithm() const override { return claimed_.algorithm(); }
  const crypto::PublicKey& public_key() const override { return claimed_.public_key(); }

 private:
  const crypto::Signer& claimed_;
  const crypto::Signer& actual_;
};

// A token that is unavailable.
class FailingSigner final : public crypto::Signer {
 public:
  explicit FailingSigner(const crypto::Signer& claimed) : claimed_(claimed) {}
  absl::StatusOr<Bytes> Sign(ByteView) const override {
    return Error(Reason::kUnavailable, "token removed");
  }
  crypto::SignatureAlgorithm algorithm() const override { return claimed_.algorithm(); }
  const crypto::PublicKey& public_key() const override { return claimed_.public_key(); }

 private:
  const crypto::Signer& claimed_;
};

class IssueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(Pki pki, MakePki(TestNow()));
    pki_ = std::make_unique<Pki>(std::move(pki));
  }

  const Party& root() const { return pki_->root; }
  const Party& intermediate() const { return pki_->intermediate; }
  const Party& leaf() const { return pki_->leaf; }

  // A valid leaf template for the intermediate to sign, then `mutate`d.
  CertificateTemplate LeafTemplate(const std::function<void(CertificateTemplate&)>& mutate = {}) {
    CertificateTemplate tmpl{.subject_key = leaf().signer->public_key()};
    tmpl.subject = {{"O", "twi"}};
    tmpl.uri_sans = {kWorkloadId};
    tmpl.not_before = TestNow();
    tmpl.not_after = TestNow() + absl::Hours(1);
    if (mutate) mutate(tmpl);
    return tmpl;
  }
  absl::StatusOr<Certificate> IssueLeaf(const std::function<void(CertificateTemplate&)>& mutate) {
    return IssueCertificate(LeafTemplate(mutate), &intermediate().certificate,
                            *intermediate().signer);
  }

  std::unique_ptr<Pki> pki_;
};

TEST_F(IssueTest, SvidLeafProfile) {
  const Certificate& svid = leaf().certificate;
  EXPECT_EQ(X509_get_version(svid.native()), X509_VERSION_3);
  EXPECT_EQ(svid.UriSans(), std::vector<std::string>{kWorkloadId});
  EXPECT_TRUE(svid.DnsSans().empty());
  EXPECT_TRUE(svid.IpSans().empty());
  EXPECT_FALSE(svid.SanCritical());
  EXPECT_FALSE(svid.IsCa());
  EXPECT_TRUE(ExtensionCritical(svid, NID_basic_constraints));
  const Certificate::KeyUsage usage = svid.key_usage();
  EXPECT_TRUE(usage.present);
  EXPECT_TRUE(usage.critical);
  EXPECT_TRUE(usage.digital_signature);
  EXPECT_FALSE(usage.key_encipherment);
  EXPECT_FALSE(usage.key_agreement);
  EXPECT_FALSE(usage.key_cert_sign);
  EXPECT_FALSE(usage.crl_sign);
  EXPECT_TRUE(svid.HasExtendedKeyUsage());
  EXPECT_TRUE(svid.HasServerAuth());
  EXPECT_TRUE(svid.HasClientAuth());
  EXPECT_EQ(svid.not_before(), TestNow() - absl::Seconds(10));
  EXPECT_EQ(svid.not_after(), TestNow() + kLeafTtl);
  EXPECT_EQ(svid.Subject(), "O=twi");
  EXPECT_EQ(svid.Issuer(), intermediate().certificate.Subject());
  EXPECT_TRUE(svid.public_key().Equals(leaf().signer->public_key()));
  // Positive 16-octet serial: 32 hex digits, first octet in 0x01..0x7f.
  const std::string serial = svid.SerialHex();
  ASSERT_EQ(serial.size(), 32u);
  EXPECT_LT(serial[0], '8');
  EXPECT_NE(serial.substr(0, 2), "00");
}

TEST_F(IssueTest, CaProfiles) {
  for (const Party* ca : {&root(), &intermediate()}) {
    const Certificate& c = ca->certificate;
    EXPECT_TRUE(c.IsCa());
    EXPECT_TRUE(ExtensionCritical(c, NID_basic_constraints));
    const Certificate::KeyUsage usage = c.key_usage();
    EXPECT_TRUE(usage.critical);
    EXPECT_TRUE(usage.key_cert_sign);
    EXPECT_TRUE(usage.crl_sign);
    EXPECT_FALSE(usage.digital_signature);
    EXPECT_FALSE(c.HasExtendedKeyUsage());
    EXPECT_EQ(c.UriSans(), std::vector<std::string>{"spiffe://example.org"});
  }
  EXPECT_EQ(root().certificate.Issuer(), root().certificate.Subject());
  EXPECT_EQ(X509_get_pathlen(root().certificate.native()), -1);  // unlimited
  EXPECT_EQ(X509_get_pathlen(intermediate().certificate.native()), 0);
  EXPECT_EQ(intermediate().certificate.Subject(), "CN=twi test issuing CA,O=twi");
}

TEST_F(IssueTest, KeyIdentifiersLinkTheChain) {
  // RFC 7093 §2 method 1 for the SKI; each AKI is its issuer's SKI.
  for (const Party* party : {&root(), &intermediate(), &leaf()}) {
    const Certificate& c = party->certificate;
    const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(c.native());
    Bytes expected = crypto::Sha256(
        ByteView(ASN1_STRING_get0_data(key), static_cast<size_t>(ASN1_STRING_length(key))));
    expected.resize(20);
    EXPECT_EQ(SubjectKeyId(c), expected);
    EXPECT_FALSE(ExtensionCritical(c, NID_subject_key_identifier));
    EXPECT_FALSE(ExtensionCritical(c, NID_authority_key_identifier));
  }
  EXPECT_EQ(AuthorityKeyId(leaf().certificate), SubjectKeyId(intermediate().certificate));
  EXPECT_EQ(AuthorityKeyId(intermediate().certificate), SubjectKeyId(root().certificate));
  EXPECT_EQ(AuthorityKeyId(root().certificate), SubjectKeyId(root().certificate));
  EXPECT_NE(SubjectKeyId(leaf().certificate), SubjectKeyId(intermediate().certificate));
}

TEST_F(IssueTest, SerialsAreUnique) {
  std::set<std::string> serials;
  for (int i = 0; i < 32; ++i) {
    ASSERT_OK_AND_ASSIGN(Certificate c, IssueLeaf({}));
    EXPECT_EQ(c.SerialHex().size(), 32u);
    serials.insert(c.SerialHex());
  }
  EXPECT_EQ(serials.size(), 32u);
}

TEST_F(IssueTest, EveryKeyTypeSignsWithItsAlgorithm) {
  // P-384 root -> Ed25519 intermediate -> P-256 leaf.
  ASSERT_OK_AND_ASSIGN(Party p384_root, MakeRoot(TestNow(), kTrustDomain, KeyType::kEcP384));
  ASSERT_OK_AND_ASSIGN(Party ed_ca,
                       MakeIntermediate(p384_root, TestNow(), kTrustDomain, KeyType::kEd25519));
  ASSERT_OK_AND_ASSIGN(Party p256_leaf, MakeLeaf(ed_ca, TestNow()));
  EXPECT_EQ(X509_get_signature_nid(p384_root.certificate.native()), NID_ecdsa_with_SHA384);
  EXPECT_EQ(X509_get_signature_nid(ed_ca.certificate.native()), NID_ecdsa_with_SHA384);
  EXPECT_EQ(X509_get_signature_nid(p256_leaf.certificate.native()), NID_ED25519);
  EXPECT_EQ(X509_get_signature_nid(leaf().certificate.native()), NID_ecdsa_with_SHA256);
  for (const Party* party : {&p384_root, &ed_ca, &p256_leaf}) {
    // RFC 5758 §3.2 / RFC 8410 §3: no parameters, in both AlgorithmIdentifiers.
    int inner_type = 0, outer_type = 0;
    const X509_ALGOR* outer = nullptr;
    X509_get0_signature(nullptr, &outer, party->certificate.native());
    X509_ALGOR_get0(nullptr, &outer_type, nullptr, outer);
    X509_ALGOR_get0(nullptr, &inner_type, nullptr,
                    X509_get0_tbs_sigalg(party->certificate.native()));
    EXPECT_EQ(outer_type, V_ASN1_UNDEF);
    EXPECT_EQ(inner_type, V_ASN1_UNDEF);
  }
  EXPECT_OK(
      VerifyChain(p256_leaf.certificate, {ed_ca.certificate}, {p384_root.certificate}, TestNow()));
}

TEST_F(IssueTest, EmptySubjectForcesCriticalSan) {
  ASSERT_OK_AND_ASSIGN(Certificate c, IssueLeaf([](CertificateTemplate& t) { t.subject = {}; }));
  EXPECT_EQ(c.Subject(), "");
  EXPECT_TRUE(c.SanCritical());
  ASSERT_OK_AND_ASSIGN(Certificate forced,
                       IssueLeaf([](CertificateTemplate& t) { t.san_critical = true; }));
  EXPECT_TRUE(forced.SanCritical());
}

TEST_F(IssueTest, OptionalUsagesAndExtraExtensions) {
  const Bytes value = {0x0c, 0x03, 'a', 'b', 'c'};  // UTF8String "abc"
  ASSERT_OK_AND_ASSIGN(Certificate c, IssueLeaf([&](CertificateTemplate& t) {
                         t.key_encipherment = true;
                         t.key_agreement = true;
                         t.extended_key_usages = {ExtendedKeyUsage::kClientAuth};
                         t.extra_extensions = {{.oid = "1.3.6.1.4.1.99999.7", .der_value = value}};
                       }));
  const Certificate::KeyUsage usage = c.key_usage();
  EXPECT_TRUE(usage.key_encipherment);
  EXPECT_TRUE(usage.key_agreement);
  EXPECT_TRUE(c.HasClientAuth());
  EXPECT_FALSE(c.HasServerAuth());
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.99999.7", 1);
  const int index = X509_get_ext_by_OBJ(c.native(), oid, -1);
  ASN1_OBJECT_free(oid);
  ASSERT_GE(index, 0);
  X509_EXTENSION* ext = X509_get_ext(c.native(), index);
  EXPECT_EQ(X509_EXTENSION_get_critical(ext), 0);
  EXPECT_EQ(OctetBytes(X509_EXTENSION_get_data(ext)), value);
}

TEST_F(IssueTest, InvalidTemplatesAreRefused) {
  const std::function<void(CertificateTemplate&)> invalid[] = {
      [](CertificateTemplate& t) { t.not_after = t.not_before; },
      [](CertificateTemplate& t) { t.not_after = t.not_before - absl::Seconds(1); },
      [](CertificateTemplate& t) { t.not_before = absl::FromUnixSeconds(-700000000); },  // 1947
      [](CertificateTemplate& t) { t.not_after = absl::InfiniteFuture(); },
      [](CertificateTemplate& t) { t.is_ca = true; },  // without key_cert_sign
      [](CertificateTemplate& t) { t.path_len = 0; },  // without is_ca
      [](CertificateTemplate& t) {
        t.is_ca = t.key_cert_sign = true;
        t.path_len = -1;
      },
      [](CertificateTemplate& t) { t.digital_signature = false; },  // no keyUsage bit at all
      [](CertificateTemplate& t) {
        t.subject = {};
        t.uri_sans = {};
      },
      [](CertificateTemplate& t) {
        t.subject = {{"XX", "y"}};
      },
      [](CertificateTemplate& t) {
        t.subject = {{"CN", ""}};
      },
      [](CertificateTemplate& t) {
        t.subject = {{"C", "twi"}};
      },  // countryName is 2 letters
      [](CertificateTemplate& t) { t.uri_sans = {"no-scheme"}; },
      [](CertificateTemplate& t) { t.dns_sans = {"bad name"}; },
      [](CertificateTemplate& t) { t.ip_sans = {"999.0.0.1"}; },
      [](CertificateTemplate& t) {
        t.serial = {0x00, 0x00};
      },
      [](CertificateTemplate& t) { t.serial = Bytes(20, 0xff); },  // 21 octets with sign octet
      [](CertificateTemplate& t) {
        t.extra_extensions = {{.oid = "x", .der_value = {5, 0}}};
      },
      [](CertificateTemplate& t) {
        t.extra_extensions = {{.oid = "2.5.29.14", .der_value = {0x04, 0x01, 0x00}}};  // SKI
      },
      [](CertificateTemplate& t) {
        t.extra_extensions = {{.oid = "1.3.6.1.4.1.99999.1", .der_value = {0x05, 0x00}},
                              {.oid = "1.3.6.1.4.1.99999.1", .der_value = {0x05, 0x00}}};
      },
      [](CertificateTemplate& t) {
        t.extra_extensions = {{.oid = "1.3.6.1.4.1.99999.1", .der_value = {0x05, 0x00, 0x00}}};
      },
      [](CertificateTemplate& t) { t.extra_extensions = {{.oid = "1.3.6.1.4.1.99999.1"}}; },
  };
  for (size_t i = 0; i < std::size(invalid); ++i) {
    EXPECT_THAT(IssueLeaf(invalid[i]), HasReason(Reason::kInvalidArgument)) << "case " << i;
  }
  // The largest serial RFC 5280 allows still works.
  Bytes max_serial(20, 0xff);
  max_serial[0] = 0x7f;
  EXPECT_OK(IssueLeaf([&](CertificateTemplate& t) { t.serial = max_serial; }));
}

TEST_F(IssueTest, IssuerMustBeACaHoldingTheSignersKey) {
  // A leaf is not a CA.
  EXPECT_THAT(IssueCertificate(LeafTemplate(), &leaf().certificate, *leaf().signer),
              HasReason(Reason::kInvalidArgument));
  // The root's signer does not hold the intermediate's key.
  EXPECT_THAT(IssueCertificate(LeafTemplate(), &intermediate().certificate, *root().signer),
              HasReason(Reason::kInvalidArgument));
  // Self-signed needs the subject's own key.
  EXPECT_THAT(IssueCertificate(LeafTemplate(), nullptr, *root().signer),
              HasReason(Reason::kInvalidArgument));
  // A self-signed certificate needs a name to put in the issuer field (RFC 5280 §4.1.2.4).
  CertificateTemplate nameless = LeafTemplate([](CertificateTemplate& t) { t.subject = {}; });
  EXPECT_THAT(IssueCertificate(nameless, nullptr, *leaf().signer),
              HasReason(Reason::kInvalidArgument));
}

TEST_F(IssueTest, SignerFailuresSurface) {
  ASSERT_OK_AND_ASSIGN(auto stranger, NewSigner());
  const WrongKeySigner lying(*intermediate().signer, *stranger);
  EXPECT_THAT(IssueCertificate(LeafTemplate(), &intermediate().certificate, lying),
              HasReason(Reason::kCryptoFailure));
  const FailingSigner failing(*intermediate().signer);
  EXPECT_THAT(IssueCertificate(LeafTemplate(), &intermediate().certificate, failing),
              HasReason(Reason::kUnavailable));
}

TEST(TemplateTest, X509SvidTemplate) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner());
  ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId id, spiffe::SpiffeId::Parse(kWorkloadId));
  ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId root_id, spiffe::SpiffeId::Parse("spiffe://example.org"));
  const crypto::PublicKey key = signer->public_key();
  ASSERT_OK_AND_ASSIGN(CertificateTemplate tmpl,
                       X509SvidTemplate(id, key, TestNow(), absl::Minutes(5), absl::Seconds(30)));
  EXPECT_EQ(tmpl.not_before, TestNow() - absl::Seconds(30));
  EXPECT_EQ(tmpl.not_after, TestNow() + absl::Minutes(5));
  EXPECT_EQ(tmpl.uri_sans, std::vector<std::string>{kWorkloadId});
  EXPECT_FALSE(tmpl.is_ca);
  EXPECT_THAT(X509SvidTemplate(root_id, key, TestNow(), absl::Minutes(5)),
              HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(X509SvidTemplate(spiffe::SpiffeId(), key, TestNow(), absl::Minutes(5)),
              HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(X509SvidTemplate(id, key, TestNow(), absl::ZeroDuration()),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(X509SvidTemplate(id, key, TestNow(), absl::Minutes(5), absl::Seconds(-1)),
              HasReason(Reason::kInvalidArgument));
}

TEST(TemplateTest, SpiffeCaTemplate) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner());
  const crypto::PublicKey key = signer->public_key();
  const absl::Time t0 = TestNow();
  ASSERT_OK_AND_ASSIGN(CertificateTemplate tmpl,
                       SpiffeCaTemplate("example.org", key, "", t0, t0 + absl::Hours(1), 2));
  EXPECT_EQ(tmpl.subject, (std::vector<std::pair<std::string, std::string>>{{"O", "twi"}}));
  EXPECT_EQ(tmpl.path_len, 2);
  EXPECT_TRUE(tmpl.is_ca && tmpl.key_cert_sign && tmpl.crl_sign);
  EXPECT_THAT(SpiffeCaTemplate("Example.org", key, "ca", t0, t0 + absl::Hours(1), std::nullopt),
              HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(SpiffeCaTemplate("example.org", key, "ca", t0, t0, std::nullopt),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(SpiffeCaTemplate("example.org", key, "ca", t0, t0 + absl::Hours(1), -1),
              HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi::x509
