#include "libs/x509/svid_issue.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/x509/der.h"
#include "libs/x509/der_reader.h"
#include "libs/x509/issue.h"
#include "libs/x509/precert.h"
#include "libs/x509/provenance_pointer.h"
#include "libs/x509/svid.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"

namespace twi::x509 {
namespace {

using testing::kWorkloadId;
using testing::TestNow;
using ::twi::testing::HasReason;

Bytes TbsOf(const Bytes& certificate) {
  ByteView in(certificate);
  auto outer = der::Expect(in, der::kTagSequence, Reason::kCertificateInvalid);
  EXPECT_OK(outer);
  ByteView fields = outer->contents;
  auto tbs = der::Expect(fields, der::kTagSequence, Reason::kCertificateInvalid);
  EXPECT_OK(tbs);
  return Bytes(tbs->encoding.begin(), tbs->encoding.end());
}

struct Case {
  crypto::KeyType issuer;
  crypto::KeyType subject;
  absl::Time now;
};

class SvidIssueTest : public ::testing::TestWithParam<Case> {};

// The direct encoding is the general path's certificate, byte for byte up to the signature.
TEST_P(SvidIssueTest, SameTbsAsTheGeneralPathAndAValidSvid) {
  const Case c = GetParam();
  ASSERT_OK_AND_ASSIGN(testing::Party root, testing::MakeRoot(c.now));
  ASSERT_OK_AND_ASSIGN(testing::Party ca,
                       testing::MakeIntermediate(root, c.now, testing::kTrustDomain, c.issuer));
  ASSERT_OK_AND_ASSIGN(auto leaf_key, testing::NewSigner(c.subject));
  ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId id, spiffe::SpiffeId::Parse(kWorkloadId));
  const Bytes serial = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  const absl::Duration ttl = absl::Minutes(30);
  ASSERT_OK_AND_ASSIGN(IssuedCertificate fast,
                       IssueX509Svid(id, leaf_key->public_key(), c.now, ttl, absl::Seconds(10),
                                     ca.certificate, *ca.signer, serial));
  ASSERT_OK_AND_ASSIGN(CertificateTemplate tmpl,
                       X509SvidTemplate(id, leaf_key->public_key(), c.now, ttl));
  tmpl.serial = serial;
  ASSERT_OK_AND_ASSIGN(Certificate general, IssueCertificate(tmpl, &ca.certificate, *ca.signer));
  EXPECT_EQ(TbsOf(fast.der), TbsOf(general.ToDer()));

  ASSERT_OK_AND_ASSIGN(Certificate parsed, Certificate::FromDer(fast.der));
  EXPECT_EQ(fast.serial_hex, parsed.SerialHex());
  EXPECT_EQ(fast.not_before, parsed.not_before());
  EXPECT_EQ(fast.not_after, parsed.not_after());
  EXPECT_EQ(parsed.not_after() - parsed.not_before(), ttl + absl::Seconds(10));
  ASSERT_OK_AND_ASSIGN(
      spiffe::SpiffeId validated,
      ValidateX509Svid({parsed, ca.certificate}, testing::kTrustDomain, {root.certificate}, c.now));
  EXPECT_EQ(validated, id);
}

INSTANTIATE_TEST_SUITE_P(
    KeysAndTimes, SvidIssueTest,
    ::testing::Values(Case{crypto::KeyType::kEcP256, crypto::KeyType::kEcP256, TestNow()},
                      Case{crypto::KeyType::kEcP384, crypto::KeyType::kEcP384, TestNow()},
                      Case{crypto::KeyType::kEcP256, crypto::KeyType::kEd25519, TestNow()},
                      // GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5).
                      Case{crypto::KeyType::kEcP256, crypto::KeyType::kEcP256,
                           absl::FromUnixSeconds(2556143999)}));

TEST(SvidIssueRefusalTest, RefusesWhatTheGeneralPathRefuses) {
  ASSERT_OK_AND_ASSIGN(testing::Pki pki, testing::MakePki(TestNow()));
  ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId id, spiffe::SpiffeId::Parse(kWorkloadId));
  ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId root_id, spiffe::SpiffeId::Parse("spiffe://example.org"));
  const crypto::PublicKey key = pki.leaf.signer->public_key();
  EXPECT_THAT(IssueX509Svid(root_id, key, TestNow(), absl::Hours(1), absl::Seconds(10),
                            pki.intermediate.certificate, *pki.intermediate.signer),
              HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(IssueX509Svid(id, key, TestNow(), absl::ZeroDuration(), absl::Seconds(10),
                            pki.intermediate.certificate, *pki.intermediate.signer),
              HasReason(Reason::kInvalidArgument));
  // A leaf is no issuer, and the signer must hold the issuing certificate's key.
  EXPECT_THAT(IssueX509Svid(id, key, TestNow(), absl::Hours(1), absl::Seconds(10),
                            pki.leaf.certificate, *pki.leaf.signer),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(IssueX509Svid(id, key, TestNow(), absl::Hours(1), absl::Seconds(10),
                            pki.intermediate.certificate, *pki.root.signer),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(IssueX509Svid(id, key, TestNow(), absl::Hours(1), absl::Seconds(10),
                            pki.intermediate.certificate, *pki.intermediate.signer, {0x80, 0x01}),
              HasReason(Reason::kInvalidArgument));
}

// DER of 2.25.91098881304171676652294184819108632895.1, twi's provenance pointer (X.690
// §8.19, computed independently of OpenSSL's encoder that the hook path uses).
constexpr char kPointerOidHex[] = "06156981898980e7f0e182a789adfeeac9f4abe1b23f01";
constexpr char kPointerOid[] = "2.25.91098881304171676652294184819108632895.1";

absl::StatusOr<IssuedCertificate> IssueWithHook(const testing::Pki& pki,
                                                const crypto::PublicKey& key,
                                                const PrecertHook& hook) {
  TWI_ASSIGN_OR_RETURN(spiffe::SpiffeId id, spiffe::SpiffeId::Parse(kWorkloadId));
  return IssueX509Svid(id, key, TestNow(), absl::Minutes(30), absl::Seconds(10),
                       pki.intermediate.certificate, *pki.intermediate.signer, {}, hook);
}

TEST(PrecertHookTest, RemovingTheAddedExtensionGivesBackThePrecertificate) {
  ASSERT_OK_AND_ASSIGN(const testing::Pki pki, testing::MakePki(TestNow()));
  ASSERT_OK_AND_ASSIGN(auto key, testing::NewSigner(crypto::KeyType::kEcP256));
  std::string seen_serial;
  Bytes seen_tbs;
  const Bytes value = {0x30, 0x03, 0x02, 0x01, 0x07};  // SEQUENCE { INTEGER 7 }
  ASSERT_OK_AND_ASSIGN(const IssuedCertificate issued,
                       IssueWithHook(pki, key->public_key(), [&](const Precertificate& pre) {
                         seen_serial = pre.serial_hex;
                         seen_tbs.assign(pre.tbs.begin(), pre.tbs.end());
                         return Extension{
                             .oid = kPointerOid, .critical = false, .der_value = value};
                       }));
  EXPECT_EQ(seen_serial, issued.serial_hex);
  ASSERT_OK_AND_ASSIGN(const Bytes oid, HexDecode(kPointerOidHex));
  ASSERT_OK_AND_ASSIGN(const std::optional<RawExtension> found, FindExtension(issued.der, oid));
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->critical);
  EXPECT_EQ(found->value, value);
  ASSERT_OK_AND_ASSIGN(const Bytes precert, TbsWithoutExtension(issued.der, oid));
  EXPECT_EQ(precert, seen_tbs);
  EXPECT_NE(TbsOf(issued.der), seen_tbs);
  // Still a valid X509-SVID: the pointer is non-critical, so RPs that do not know it ignore it.
  ASSERT_OK_AND_ASSIGN(const Certificate parsed, Certificate::FromDer(issued.der));
  ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId validated,
                       ValidateX509Svid({parsed, pki.intermediate.certificate},
                                        testing::kTrustDomain, {pki.root.certificate}, TestNow()));
  EXPECT_EQ(validated.ToString(), kWorkloadId);

  // Without a hook nothing is added, and removal changes nothing.
  ASSERT_OK_AND_ASSIGN(const IssuedCertificate plain,
                       IssueWithHook(pki, key->public_key(), nullptr));
  ASSERT_OK_AND_ASSIGN(const std::optional<RawExtension> none, FindExtension(plain.der, oid));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(const Bytes unchanged, TbsWithoutExtension(plain.der, oid));
  EXPECT_EQ(unchanged, TbsOf(plain.der));
}

TEST(PrecertHookTest, AFailingOrBadHookIssuesNothing) {
  ASSERT_OK_AND_ASSIGN(const testing::Pki pki, testing::MakePki(TestNow()));
  ASSERT_OK_AND_ASSIGN(auto key, testing::NewSigner(crypto::KeyType::kEcP256));
  const crypto::PublicKey& k = key->public_key();
  EXPECT_THAT(IssueWithHook(pki, k,
                            [](const Precertificate&) -> absl::StatusOr<Extension> {
                              return Error(Reason::kLogUnavailable, "log down");
                            }),
              HasReason(Reason::kLogUnavailable));
  const auto returning = [](Extension extension) {
    return [extension](const Precertificate&) -> absl::StatusOr<Extension> { return extension; };
  };
  EXPECT_THAT(
      IssueWithHook(pki, k, returning({.oid = "1.2.3.4", .critical = true, .der_value = {5, 0}})),
      HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(IssueWithHook(
                  pki, k, returning({.oid = "2.5.29.17", .critical = false, .der_value = {5, 0}})),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(IssueWithHook(
                  pki, k, returning({.oid = "1.2.3.4", .critical = false, .der_value = {5, 0, 5}})),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(IssueWithHook(
                  pki, k, returning({.oid = "not an oid", .critical = false, .der_value = {5, 0}})),
              HasReason(Reason::kInvalidArgument));
}

TEST(ProvenancePointerTest, RoundTripsAndMatchesTheDocumentedOid) {
  ASSERT_OK_AND_ASSIGN(const Bytes oid, HexDecode(kPointerOidHex));
  EXPECT_EQ(Bytes(ProvenancePointerOidDer().begin(), ProvenancePointerOidDer().end()), oid);
  EXPECT_EQ(std::string(kProvenancePointerOid), kPointerOid);
  for (const uint64_t index :
       {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{1} << 40, UINT64_MAX}) {
    const ProvenancePointer pointer{
        .record_digest = Bytes(32, 0xab), .log_origin = "example.org/twi/log", .log_index = index};
    ASSERT_OK_AND_ASSIGN(const Bytes der, EncodeProvenancePointer(pointer));
    EXPECT_THAT(ParseProvenancePointer(der), ::twi::testing::IsOkAndHolds(pointer));
  }
  const ProvenancePointer pointer{.record_digest = Bytes(32, 1), .log_origin = "o", .log_index = 5};
  ASSERT_OK_AND_ASSIGN(Bytes der, EncodeProvenancePointer(pointer));
  // SEQUENCE { INTEGER 1, OCTET STRING (32), UTF8String "o", INTEGER 5 }
  EXPECT_EQ(HexEncode(der).substr(0, 12), "302b02010104");
  Bytes longer = der;
  longer.push_back(0);
  EXPECT_THAT(ParseProvenancePointer(longer), HasReason(Reason::kCertificateInvalid));
  Bytes version2 = der;
  version2[4] = 2;
  EXPECT_THAT(ParseProvenancePointer(version2), HasReason(Reason::kCertificateInvalid));
  Bytes short_digest = der;
  short_digest[6] = 31;
  EXPECT_THAT(ParseProvenancePointer(short_digest), HasReason(Reason::kCertificateInvalid));
  EXPECT_THAT(
      EncodeProvenancePointer({.record_digest = Bytes(31, 0), .log_origin = "o", .log_index = 0}),
      HasReason(Reason::kInvalidArgument));
}

TEST(PrecertTest, MalformedCertificatesAreRefused) {
  const Bytes oid = {0x06, 0x03, 0x2a, 0x03, 0x04};
  EXPECT_THAT(TbsWithoutExtension(Bytes{0x30, 0x03, 0x02, 0x01}, oid),
              HasReason(Reason::kCertificateInvalid));
  EXPECT_THAT(FindExtension(Bytes{0x04, 0x00}, oid), HasReason(Reason::kCertificateInvalid));
}

}  // namespace
}  // namespace twi::x509
