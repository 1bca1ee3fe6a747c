#include "libs/x509/csr.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gtest/gtest.h"
#include "libs/crypto/openssl_util.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"

namespace twi::x509 {
namespace {

using crypto::KeyType;
using ::twi::testing::HasReason;
using ::twi::x509::testing::NewSigner;

// A CSR for `subject_key` signed by `signing_key` with `md`, made by OpenSSL alone, for inputs
// twi itself would never produce.
Bytes OpenSslCsr(EVP_PKEY* subject_key, EVP_PKEY* signing_key, const EVP_MD* md) {
  crypto::internal::UniqueX509Req request(X509_REQ_new());
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(request.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("x"), -1, -1, 0);
  X509_REQ_set_pubkey(request.get(), subject_key);
  EXPECT_GT(X509_REQ_sign(request.get(), signing_key, md), 0);
  unsigned char* der = nullptr;
  const int len = i2d_X509_REQ(request.get(), &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

class CsrRoundTripTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(CsrRoundTripTest, CreateEncodeParseAndProvePossession) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner(GetParam()));
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr,
                       CreateCsr(*signer, "web", {"spiffe://example.org/web"}));
  const std::string pem = csr.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE REQUEST-----\n", 0), 0u);

  ASSERT_OK_AND_ASSIGN(CertificateRequest parsed, CertificateRequest::FromPem(pem));
  EXPECT_OK(parsed.VerifyProofOfPossession());
  EXPECT_TRUE(parsed.public_key().Equals(signer->public_key()));
  EXPECT_EQ(parsed.UriSans(), std::vector<std::string>{"spiffe://example.org/web"});
  EXPECT_EQ(parsed.ToDer(), csr.ToDer());
}

TEST_P(CsrRoundTripTest, FlippedSignatureFailsProofOfPossession) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner(GetParam()));
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr, CreateCsr(*signer, "web"));
  Bytes der = csr.ToDer();
  der.back() ^= 0x01;  // the last octet belongs to the signature BIT STRING
  ASSERT_OK_AND_ASSIGN(CertificateRequest tampered, CertificateRequest::FromDer(der));
  EXPECT_THAT(tampered.VerifyProofOfPossession(), HasReason(Reason::kCsrSignatureInvalid));
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, CsrRoundTripTest,
                         ::testing::Values(KeyType::kEcP256, KeyType::kEcP384, KeyType::kEd25519));

TEST(CsrTest, SubjectAndSansAreOptional) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner());
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr, CreateCsr(*signer));
  ASSERT_OK_AND_ASSIGN(CertificateRequest parsed, CertificateRequest::FromDer(csr.ToDer()));
  EXPECT_OK(parsed.VerifyProofOfPossession());
  EXPECT_TRUE(parsed.UriSans().empty());
}

TEST(CsrTest, CreateRefusesBadNames) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner());
  // X.520 ub-common-name is 64.
  EXPECT_THAT(CreateCsr(*signer, std::string(65, 'a')), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(CreateCsr(*signer, "", {"relative/path"}), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(CreateCsr(*signer, "", {"spiffe://example.org/with space"}),
              HasReason(Reason::kInvalidArgument));
}

TEST(CsrTest, KeyThatDidNotSignFailsProofOfPossession) {
  ASSERT_OK_AND_ASSIGN(auto subject, crypto::PrivateKey::Generate(KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto other, crypto::PrivateKey::Generate(KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr,
                       CertificateRequest::FromDer(
                           OpenSslCsr(subject.public_key().evp(), other.evp(), EVP_sha256())));
  EXPECT_THAT(csr.VerifyProofOfPossession(), HasReason(Reason::kCsrSignatureInvalid));
}

TEST(CsrTest, RsaSubjectKeyIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto rsa, crypto::PrivateKey::Generate(KeyType::kRsa));
  const Bytes der = OpenSslCsr(rsa.evp(), rsa.evp(), EVP_sha256());
  EXPECT_THAT(CertificateRequest::FromDer(der), HasReason(Reason::kUnsupportedAlgorithm));
}

TEST(CsrTest, WeakSignatureAlgorithmIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto key, crypto::PrivateKey::Generate(KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr,
                       CertificateRequest::FromDer(OpenSslCsr(key.evp(), key.evp(), EVP_sha1())));
  EXPECT_THAT(csr.VerifyProofOfPossession(), HasReason(Reason::kUnsupportedAlgorithm));
}

TEST(CsrTest, P384WithSha256FromOpenSslIsAccepted) {
  // OpenSSL's CLI signs P-384 requests with SHA-256 by default; both are RFC 5758 algorithms.
  ASSERT_OK_AND_ASSIGN(auto key, crypto::PrivateKey::Generate(KeyType::kEcP384));
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr,
                       CertificateRequest::FromDer(OpenSslCsr(key.evp(), key.evp(), EVP_sha256())));
  EXPECT_OK(csr.VerifyProofOfPossession());
}

TEST(CsrTest, MalformedInputIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner());
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr, CreateCsr(*signer, "web"));
  const std::string pem = csr.ToPem();
  std::string wrong_label = pem;
  wrong_label.replace(wrong_label.find("CERTIFICATE REQUEST"), 19, "NEW CERTIFICATE REQUEST");
  const std::string cases[] = {
      "", "garbage", wrong_label, pem + pem, std::string(kMaxCsrSize + 1, ' ') + pem,  // oversize
  };
  for (const std::string& text : cases) {
    EXPECT_THAT(CertificateRequest::FromPem(text), HasReason(Reason::kCsrInvalid))
        << text.substr(0, 80);
  }

  Bytes der = csr.ToDer();
  Bytes trailing = der;
  trailing.push_back(0x00);
  EXPECT_THAT(CertificateRequest::FromDer(trailing), HasReason(Reason::kCsrInvalid));
  EXPECT_THAT(CertificateRequest::FromDer(Bytes(der.begin(), der.end() - 1)),
              HasReason(Reason::kCsrInvalid));
  EXPECT_THAT(CertificateRequest::FromDer(Bytes(kMaxCsrSize + 1, 0x30)),
              HasReason(Reason::kCsrInvalid));
  EXPECT_THAT(CertificateRequest::FromDer({}), HasReason(Reason::kCsrInvalid));
}

TEST(CsrTest, NonCanonicalLengthIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner());
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr, CreateCsr(*signer, "web"));
  const Bytes der = csr.ToDer();
  ASSERT_EQ(der[0], 0x30);
  ASSERT_EQ(der[1], 0x81);  // a P-256 CSR is 128..255 octets long
  // Same length, long form with a superfluous leading zero octet (X.690 §10.1 forbids it).
  Bytes padded = {0x30, 0x82, 0x00};
  padded.insert(padded.end(), der.begin() + 2, der.end());
  EXPECT_THAT(CertificateRequest::FromDer(padded), HasReason(Reason::kCsrInvalid));
}

// Each field of the request info, changed alone, is refused with the reason a CA branches on.
TEST(CsrTest, InfoFieldsAreCheckedOneByOne) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewSigner());
  ASSERT_OK_AND_ASSIGN(CertificateRequest csr, CreateCsr(*signer, "web"));
  const Bytes der = csr.ToDer();
  // Offsets in a P-256 CSR with CN=web: 30 81 LL | 30 LL | 02 01 00 (version) ...
  ASSERT_EQ(der[3], 0x30);
  const size_t version = 3 + 2;
  ASSERT_EQ(der[version], 0x02);
  ASSERT_EQ(der[version + 2], 0x00);
  Bytes v2 = der;
  v2[version + 2] = 0x01;
  EXPECT_THAT(CertificateRequest::FromDer(v2), HasReason(Reason::kCsrInvalid));
  Bytes not_integer = der;
  not_integer[version] = 0x04;
  EXPECT_THAT(CertificateRequest::FromDer(not_integer), HasReason(Reason::kCsrInvalid));
  // The last octet of the signature: still well formed, no longer a proof of possession.
  Bytes flipped = der;
  flipped.back() ^= 0x01;
  ASSERT_OK_AND_ASSIGN(CertificateRequest tampered, CertificateRequest::FromDer(flipped));
  EXPECT_THAT(tampered.VerifyProofOfPossession(), HasReason(Reason::kCsrSignatureInvalid));
}

}  // namespace
}  // namespace twi::x509
