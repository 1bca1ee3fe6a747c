#include "libs/x509/certificate.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "gtest/gtest.h"
#include "libs/crypto/openssl_util.h"
#include "libs/x509/issue.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"

namespace twi::x509 {
namespace {

using ::twi::testing::HasReason;
using ::twi::x509::testing::MakeRoot;
using ::twi::x509::testing::NewSigner;
using ::twi::x509::testing::Party;
using ::twi::x509::testing::TestNow;

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(Party root, MakeRoot(TestNow()));
    root_ = std::make_unique<Party>(std::move(root));
  }

  // A certificate issued by the root from a plain template that `mutate` adjusts.
  absl::StatusOr<Certificate> Issue(const std::function<void(CertificateTemplate&)>& mutate) {
    CertificateTemplate tmpl{.subject_key = root_->signer->public_key()};
    tmpl.subject = {{"O", "twi"}, {"CN", "server"}};
    tmpl.not_before = TestNow();
    tmpl.not_after = TestNow() + absl::Hours(1);
    mutate(tmpl);
    return IssueCertificate(tmpl, &root_->certificate, *root_->signer);
  }

  std::unique_ptr<Party> root_;
};

TEST_F(CertificateTest, DerAndPemRoundTrip) {
  const Certificate& root = root_->certificate;
  ASSERT_OK_AND_ASSIGN(Certificate from_der, Certificate::FromDer(root.ToDer()));
  EXPECT_EQ(from_der.ToDer(), root.ToDer());
  const std::string pem = root.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  ASSERT_OK_AND_ASSIGN(Certificate from_pem, Certificate::FromPem(pem));
  EXPECT_EQ(from_pem.ToDer(), root.ToDer());
  EXPECT_TRUE(from_pem.public_key().Equals(root_->signer->public_key()));
  ASSERT_OK_AND_ASSIGN(Certificate native, Certificate::FromNative(root.native()));
  EXPECT_EQ(native.ToDer(), root.ToDer());
}

TEST_F(CertificateTest, NamesAndTimes) {
  ASSERT_OK_AND_ASSIGN(Certificate certificate, Issue([](CertificateTemplate& t) {
                         t.not_before = TestNow() + absl::Milliseconds(999);  // truncated
                       }));
  EXPECT_EQ(certificate.Subject(), "CN=server,O=twi");  // RFC 2253 lists the last RDN first
  EXPECT_EQ(certificate.Issuer(), root_->certificate.Subject());
  EXPECT_EQ(root_->certificate.Subject(), "CN=twi test root,O=twi");
  EXPECT_EQ(certificate.not_before(), TestNow());
  EXPECT_EQ(certificate.not_after(), TestNow() + absl::Hours(1));
}

TEST_F(CertificateTest, TimesAfter2049UseGeneralizedTime) {
  const absl::Time far = absl::FromUnixSeconds(4102444800);  // 2100-01-01
  ASSERT_OK_AND_ASSIGN(Certificate certificate,
                       Issue([&](CertificateTemplate& t) { t.not_after = far; }));
  EXPECT_EQ(certificate.not_after(), far);
}

TEST_F(CertificateTest, SerialHex) {
  ASSERT_OK_AND_ASSIGN(Certificate small, Issue([](CertificateTemplate& t) {
                         t.serial = {0x00, 0x00, 0x01, 0x02};  // leading zeros are not kept
                       }));
  EXPECT_EQ(small.SerialHex(), "0102");
  ASSERT_OK_AND_ASSIGN(Certificate high_bit, Issue([](CertificateTemplate& t) {
                         t.serial = {0x80, 0x01};  // DER adds a sign octet; the hex does not
                       }));
  EXPECT_EQ(high_bit.SerialHex(), "8001");
}

TEST_F(CertificateTest, SubjectAltNames) {
  ASSERT_OK_AND_ASSIGN(Certificate certificate, Issue([](CertificateTemplate& t) {
                         t.uri_sans = {"spiffe://example.org/a", "https://example.org/"};
                         t.dns_sans = {"a.example.org", "b.example.org"};
                         t.ip_sans = {"192.0.2.1", "2001:0db8:0:0:0:0:0:1"};
                       }));
  EXPECT_EQ(certificate.UriSans(),
            std::vector<std::string>({"spiffe://example.org/a", "https://example.org/"}));
  EXPECT_EQ(certificate.DnsSans(), std::vector<std::string>({"a.example.org", "b.example.org"}));
  EXPECT_EQ(certificate.IpSans(), std::vector<std::string>({"192.0.2.1", "2001:db8::1"}));
  EXPECT_FALSE(certificate.SanCritical());
}

TEST_F(CertificateTest, AbsentExtensionsReadAsAbsent) {
  ASSERT_OK_AND_ASSIGN(Certificate certificate, Issue([](CertificateTemplate&) {}));
  EXPECT_TRUE(certificate.UriSans().empty());
  EXPECT_FALSE(certificate.SanCritical());
  EXPECT_FALSE(certificate.HasExtendedKeyUsage());
  EXPECT_FALSE(certificate.HasServerAuth());
  EXPECT_FALSE(certificate.IsCa());
}

TEST_F(CertificateTest, ChainPem) {
  ASSERT_OK_AND_ASSIGN(Certificate leaf, Issue([](CertificateTemplate&) {}));
  const std::vector<Certificate> chain = {leaf, root_->certificate};
  const std::string pem = ChainToPem(chain);
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> parsed, Certificate::ChainFromPem(pem));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].ToDer(), leaf.ToDer());
  EXPECT_EQ(parsed[1].ToDer(), root_->certificate.ToDer());

  // Exactly one block for FromPem.
  EXPECT_THAT(Certificate::FromPem(pem), HasReason(Reason::kCertificateInvalid));
  // A key or CSR in the middle of a chain file is refused, not skipped.
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner());
  EXPECT_THAT(Certificate::ChainFromPem(leaf.ToPem() + signer->public_key().ToPem()),
              HasReason(Reason::kCertificateInvalid));
  std::string too_long;
  for (size_t i = 0; i <= kMaxChainLength; ++i) too_long += leaf.ToPem();
  EXPECT_THAT(Certificate::ChainFromPem(too_long), HasReason(Reason::kCertificateInvalid));
  EXPECT_THAT(Certificate::ChainFromPem(""), HasReason(Reason::kCertificateInvalid));
}

TEST_F(CertificateTest, StrictDer) {
  const Bytes der = root_->certificate.ToDer();
  Bytes trailing = der;
  trailing.push_back(0x00);
  EXPECT_THAT(Certificate::FromDer(trailing), HasReason(Reason::kCertificateInvalid));
  EXPECT_THAT(Certificate::FromDer(Bytes(der.begin(), der.end() - 1)),
              HasReason(Reason::kCertificateInvalid));
  EXPECT_THAT(Certificate::FromDer({}), HasReason(Reason::kCertificateInvalid));
  EXPECT_THAT(Certificate::FromDer(ToBytes("not a certificate")),
              HasReason(Reason::kCertificateInvalid));
  EXPECT_THAT(Certificate::FromDer(Bytes(kMaxCertificateSize + 1, 0x30)),
              HasReason(Reason::kCertificateInvalid));

  // The same certificate with a long-form length padded by a zero octet (X.690 §10.1).
  ASSERT_EQ(der[0], 0x30);
  ASSERT_EQ(der[1], 0x82);
  Bytes padded = {0x30, 0x83, 0x00};
  padded.insert(padded.end(), der.begin() + 2, der.end());
  EXPECT_THAT(Certificate::FromDer(padded), HasReason(Reason::kCertificateInvalid));
}

// The DER of `certificate` changed by `mutate` and re-signed by a throwaway key (parsing does
// not check signatures), for structures IssueCertificate refuses to produce.
Bytes Mutated(const Certificate& certificate, const std::function<void(X509*)>& mutate) {
  crypto::internal::UniqueX509 copy(X509_dup(certificate.native()));
  mutate(copy.get());
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  EXPECT_GT(X509_sign(copy.get(), key->evp(), EVP_sha256()), 0);
  unsigned char* der = nullptr;
  const int len = i2d_X509(copy.get(), &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

TEST_F(CertificateTest, MutatedHelperProducesParsableCertificates) {
  EXPECT_OK(Certificate::FromDer(Mutated(root_->certificate, [](X509*) {})));
}

TEST_F(CertificateTest, DuplicateExtensionsAreRefused) {
  // RFC 5280 §4.2: at most one instance of each extension, known to OpenSSL or not.
  const Bytes duplicate_san = Mutated(root_->certificate, [](X509* x) {
    X509_add_ext(x, X509_get_ext(x, X509_get_ext_by_NID(x, NID_subject_alt_name, -1)), -1);
  });
  EXPECT_THAT(Certificate::FromDer(duplicate_san), HasReason(Reason::kCertificateInvalid));

  const Bytes duplicate_private = Mutated(root_->certificate, [](X509* x) {
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1);
    ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(value, reinterpret_cast<const unsigned char*>("\x05\x00"), 2);
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, value);
    X509_add_ext(x, ext, -1);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(value);
    ASN1_OBJECT_free(oid);
  });
  EXPECT_THAT(Certificate::FromDer(duplicate_private), HasReason(Reason::kCertificateInvalid));
}

TEST_F(CertificateTest, SanIpAddressOfWrongLengthIsRefused) {
  const Bytes bad_ip = Mutated(root_->certificate, [](X509* x) {
    X509_EXTENSION_free(X509_delete_ext(x, X509_get_ext_by_NID(x, NID_subject_alt_name, -1)));
    GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(ip, reinterpret_cast<const unsigned char*>("\x0a\x00\x00\x01\x00"), 5);
    GENERAL_NAME_set0_value(name, GEN_IPADD, ip);
    sk_GENERAL_NAME_push(names, name);
    X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
    GENERAL_NAMES_free(names);
  });
  EXPECT_THAT(Certificate::FromDer(bad_ip), HasReason(Reason::kCertificateInvalid));
}

TEST_F(CertificateTest, SmallRsaKeyIsRefused) {
  // crypto::PublicKey accepts RSA from 2048 bits only.
  const Bytes small_rsa = Mutated(root_->certificate, [](X509* x) {
    EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024});
    X509_set_pubkey(x, rsa);
    EVP_PKEY_free(rsa);
  });
  EXPECT_THAT(Certificate::FromDer(small_rsa), HasReason(Reason::kCertificateInvalid));
}

TEST_F(CertificateTest, FromNativeRefusesNull) {
  EXPECT_THAT(Certificate::FromNative(nullptr), HasReason(Reason::kCertificateInvalid));
}

}  // namespace
}  // namespace twi::x509
