#include "libs/provenance/dsse.h"

#include <string>

#include "gtest/gtest.h"
#include "libs/crypto/keys.h"
#include "libs/provenance/provenance_test_util.h"
#include "testing/status_matchers.h"

namespace twi::provenance {
namespace {

using ::twi::crypto::SignatureAlgorithm;
using ::twi::provenance::testing::NewTestSigner;
using ::twi::testing::HasReason;

// protocol.md "Test Vectors": the PAE, the P-256 key (decimal X and Y there, hex here) and the
// envelope with its raw r||s signature, exactly as published.
constexpr char kSpecType[] = "http://example.com/HelloWorld";
constexpr char kSpecBody[] = "hello world";
constexpr char kSpecPae[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
constexpr char kSpecX[] = "67cd390f77aa359cb08c2235f652270493a9ed832b0abcc01f70954c0390d238";
constexpr char kSpecY[] = "0c782bd54e269125a44f4433aff1432ce94e12bca73aa67ac80cea12608ddf74";
constexpr char kSpecEnvelope[] = R"({"payload": "aGVsbG8gd29ybGQ=",
 "payloadType": "http://example.com/HelloWorld",
 "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]})";

crypto::PublicKey SpecKey() {
  return *crypto::PublicKey::FromEcCoordinates(crypto::KeyType::kEcP256, *HexDecode(kSpecX),
                                               *HexDecode(kSpecY));
}

TEST(PaeTest, SpecVector) { EXPECT_EQ(Pae(kSpecType, AsBytes(kSpecBody)), kSpecPae); }

TEST(PaeTest, LengthsAreBytesAndBodyIsBinary) {
  EXPECT_EQ(Pae("", {}), "DSSEv1 0  0 ");
  // Two-byte UTF-8 in the type counts twice; a NUL in the body is kept.
  const std::string body("a\0b", 3);
  EXPECT_EQ(Pae("caf\xc3\xa9", AsBytes(body)), std::string("DSSEv1 5 caf\xc3\xa9 3 a\0b", 20));
}

TEST(DsseTest, SpecEnvelopeVerifies) {
  ASSERT_OK_AND_ASSIGN(const DsseEnvelope envelope, ParseDsse(kSpecEnvelope));
  EXPECT_EQ(envelope.payload_type, kSpecType);
  EXPECT_EQ(AsString(envelope.payload), kSpecBody);
  ASSERT_EQ(envelope.signatures.size(), 1u);
  EXPECT_EQ(envelope.signatures[0].keyid, "");
  EXPECT_EQ(envelope.signatures[0].sig.size(), 64u);  // raw r||s
  EXPECT_OK(VerifyDsse(envelope, SpecKey(), SignatureAlgorithm::kEcdsaP256Sha256));

  DsseEnvelope tampered = envelope;
  tampered.payload.back() ^= 1;
  EXPECT_THAT(VerifyDsse(tampered, SpecKey(), SignatureAlgorithm::kEcdsaP256Sha256),
              HasReason(Reason::kDsseSignatureInvalid));
}

class DsseRoundTripTest : public ::testing::TestWithParam<SignatureAlgorithm> {};

TEST_P(DsseRoundTripTest, SignEncodeParseVerify) {
  const SignatureAlgorithm algorithm = GetParam();
  ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(algorithm));
  const std::string payload = R"({"_type":"https://in-toto.io/Statement/v1"})";
  ASSERT_OK_AND_ASSIGN(const DsseEnvelope signed_envelope,
                       SignDsse(kInTotoPayloadType, AsBytes(payload), *signer, "key-1"));
  ASSERT_EQ(signed_envelope.signatures.size(), 1u);
  const Bytes& sig = signed_envelope.signatures[0].sig;
  if (algorithm == SignatureAlgorithm::kEd25519) {
    EXPECT_EQ(sig.size(), 64u);
  } else {
    // DER: SEQUENCE { INTEGER r, INTEGER s }, as cosign and the in-toto tooling store it.
    EXPECT_EQ(sig[0], 0x30);
    EXPECT_OK(crypto::EcdsaDerToRaw(sig, crypto::EcCoordinateSize(signer->public_key().type())));
  }

  ASSERT_OK_AND_ASSIGN(const DsseEnvelope parsed, ParseDsse(EncodeDsse(signed_envelope)));
  EXPECT_EQ(parsed.payload_type, kInTotoPayloadType);
  EXPECT_EQ(AsString(parsed.payload), payload);
  ASSERT_EQ(parsed.signatures.size(), 1u);
  EXPECT_EQ(parsed.signatures[0].keyid, "key-1");
  EXPECT_EQ(parsed.signatures[0].sig, sig);
  EXPECT_OK(VerifyDsse(parsed, signer->public_key(), algorithm));

  DsseEnvelope tampered_payload = parsed;
  tampered_payload.payload[2] ^= 1;
  EXPECT_THAT(VerifyDsse(tampered_payload, signer->public_key(), algorithm),
              HasReason(Reason::kDsseSignatureInvalid));
  DsseEnvelope tampered_type = parsed;
  tampered_type.payload_type = "application/vnd.in-toto+jsonx";
  EXPECT_THAT(VerifyDsse(tampered_type, signer->public_key(), algorithm),
              HasReason(Reason::kDsseSignatureInvalid));
  ASSERT_OK_AND_ASSIGN(auto other, NewTestSigner(algorithm));
  EXPECT_THAT(VerifyDsse(parsed, other->public_key(), algorithm),
              HasReason(Reason::kDsseSignatureInvalid));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, DsseRoundTripTest,
                         ::testing::Values(SignatureAlgorithm::kEcdsaP256Sha256,
                                           SignatureAlgorithm::kEcdsaP384Sha384,
                                           SignatureAlgorithm::kEd25519));

TEST(DsseTest, EcdsaAcceptsRawButNotNonCanonicalDer) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(SignatureAlgorithm::kEcdsaP256Sha256));
  ASSERT_OK_AND_ASSIGN(DsseEnvelope envelope, SignDsse("text/plain", AsBytes("x"), *signer, ""));
  const Bytes der = envelope.signatures[0].sig;
  ASSERT_OK_AND_ASSIGN(const Bytes raw, crypto::EcdsaDerToRaw(der, 32));
  envelope.signatures[0].sig = raw;
  EXPECT_OK(VerifyDsse(envelope, signer->public_key(), SignatureAlgorithm::kEcdsaP256Sha256));

  // The same SEQUENCE with a long-form length (0x81 n): valid BER, not DER.
  Bytes long_form = {0x30, 0x81, der[1]};
  long_form.insert(long_form.end(), der.begin() + 2, der.end());
  envelope.signatures[0].sig = long_form;
  EXPECT_THAT(VerifyDsse(envelope, signer->public_key(), SignatureAlgorithm::kEcdsaP256Sha256),
              HasReason(Reason::kDsseSignatureInvalid));
  Bytes trailing = der;
  trailing.push_back(0);
  envelope.signatures[0].sig = trailing;
  EXPECT_THAT(VerifyDsse(envelope, signer->public_key(), SignatureAlgorithm::kEcdsaP256Sha256),
              HasReason(Reason::kDsseSignatureInvalid));
}

TEST(DsseTest, AnyOneSignatureByTheKeyIsEnough) {
  ASSERT_OK_AND_ASSIGN(auto stranger, NewTestSigner(SignatureAlgorithm::kEd25519));
  ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(SignatureAlgorithm::kEd25519));
  ASSERT_OK_AND_ASSIGN(DsseEnvelope envelope,
                       SignDsse(kInTotoPayloadType, AsBytes("{}"), *stranger, "stranger"));
  ASSERT_OK_AND_ASSIGN(const DsseEnvelope mine,
                       SignDsse(kInTotoPayloadType, AsBytes("{}"), *signer, "mine"));
  EXPECT_THAT(VerifyDsse(envelope, signer->public_key(), SignatureAlgorithm::kEd25519),
              HasReason(Reason::kDsseSignatureInvalid));
  envelope.signatures.push_back(mine.signatures[0]);
  EXPECT_OK(VerifyDsse(envelope, signer->public_key(), SignatureAlgorithm::kEd25519));
}

TEST(DsseTest, KeyThatDoesNotFitTheAlgorithmIsTheCallersMistake) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(SignatureAlgorithm::kEd25519));
  ASSERT_OK_AND_ASSIGN(const DsseEnvelope envelope,
                       SignDsse(kInTotoPayloadType, AsBytes("{}"), *signer, ""));
  EXPECT_THAT(VerifyDsse(envelope, signer->public_key(), SignatureAlgorithm::kEcdsaP256Sha256),
              HasReason(Reason::kUnsupportedAlgorithm));
}

TEST(DsseTest, SignRefusesEmptyPayloadType) {
  ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(SignatureAlgorithm::kEd25519));
  EXPECT_THAT(SignDsse("", AsBytes("{}"), *signer, ""), HasReason(Reason::kInvalidArgument));
}

TEST(DsseTest, EncodingIsExactAndMatchesNlohmann) {
  const DsseEnvelope envelope{
      .payload_type = "t/\"quoted\"",
      .payload = ToBytes("hi?"),
      .signatures = {{.keyid = "k1", .sig = {0xfb, 0xff}}, {.keyid = "", .sig = {1, 2, 3}}}};
  const std::string encoded = EncodeDsse(envelope);
  EXPECT_EQ(encoded,
            R"({"payload":"aGk/","payloadType":"t/\"quoted\"","signatures":[{"keyid":"k1",)"
            R"("sig":"+/8="},{"sig":"AQID"}]})");
  EXPECT_EQ(DumpJson(Json::parse(encoded)), encoded);
}

TEST(DsseTest, ParseAcceptsEveryBase64FormTheSpecAllows) {
  // "hi?" is aGk/ (standard) or aGk_ (URL-safe); 0xfbff is +/8= or -_8.
  for (const char* text :
       {R"({"payload":"aGk/","payloadType":"t","signatures":[{"sig":"+/8="}]})",
        R"({"payload":"aGk_","payloadType":"t","signatures":[{"sig":"-_8"}]})",
        R"({"payload":"aGk_","payloadType":"t","signatures":[{"sig":"-_8="}]})",
        R"({"payload":"aGk/","payloadType":"t","signatures":[{"sig":"+/8"}]})"}) {
    SCOPED_TRACE(text);
    ASSERT_OK_AND_ASSIGN(const DsseEnvelope envelope, ParseDsse(text));
    EXPECT_EQ(AsString(envelope.payload), "hi?");
    EXPECT_EQ(envelope.signatures[0].sig, (Bytes{0xfb, 0xff}));
  }
}

TEST(DsseTest, ParseIgnoresUnknownMembers) {
  ASSERT_OK_AND_ASSIGN(
      const DsseEnvelope envelope,
      ParseDsse(R"({"payload":"","payloadType":"t","x":1,"signatures":[{"sig":"","y":[]}]})"));
  EXPECT_TRUE(envelope.payload.empty());
  EXPECT_TRUE(envelope.signatures[0].sig.empty());
}

TEST(DsseTest, ParseRefusesMalformedEnvelopes) {
  const char* cases[] = {
      "not json",
      "[]",
      R"({"payloadType":"t","signatures":[{"sig":"AQID"}]})",                  // no payload
      R"({"payload":"aGk=","signatures":[{"sig":"AQID"}]})",                   // no payloadType
      R"({"payload":"aGk=","payloadType":"t"})",                               // no signatures
      R"({"payload":"aGk=","payloadType":"t","signatures":[]})",               // none
      R"({"payload":"aGk=","payloadType":"t","signatures":[{"keyid":"k"}]})",  // no sig
      R"({"payload":"aGk=","payloadType":"t","signatures":["AQID"]})",
      R"({"payload":"aGk=","payloadType":7,"signatures":[{"sig":"AQID"}]})",
      R"({"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AQID","keyid":1}]})",
      R"({"payload":"a Gk=","payloadType":"t","signatures":[{"sig":"AQID"}]})",  // space
      R"({"payload":"aGk","payloadType":"t","signatures":[{"sig":"AQID="}]})",   // bad padding
      R"({"payload":"aGk=","payloadType":"t","signatures":[{"sig":"+_8="}]})",   // mixed
      R"({"payload":"aGl=","payloadType":"t","signatures":[{"sig":"AQID"}]})",   // trailing bits
      R"({"payload":"aGk=","payload":"aGk=","payloadType":"t","signatures":[{"sig":"AQID"}]})",
  };
  for (const char* text : cases) {
    EXPECT_THAT(ParseDsse(text), HasReason(Reason::kDsseMalformed)) << text;
  }
}

TEST(DsseTest, ParseRefusesOversizedEnvelopes) {
  std::string huge = R"({"payload":")" + std::string(kMaxDsseSize, 'A') +
                     R"(","payloadType":"t","signatures":[{"sig":"AQID"}]})";
  EXPECT_THAT(ParseDsse(huge), HasReason(Reason::kBodyTooLarge));
}

TEST(DsseBase64Test, DecodesBothAlphabets) {
  EXPECT_EQ(*DecodeDsseBase64(""), Bytes{});
  EXPECT_EQ(*DecodeDsseBase64("AQ=="), Bytes{1});
  EXPECT_EQ(*DecodeDsseBase64("AQ"), Bytes{1});
  EXPECT_THAT(DecodeDsseBase64("AQ="), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeDsseBase64("A==="), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeDsseBase64("AQID===="), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeDsseBase64("AQ\n"), HasReason(Reason::kEncodingInvalid));
}

}  // namespace
}  // namespace twi::provenance
