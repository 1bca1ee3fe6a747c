#include "libs/jose/jws.h"

#include <string>

#include "gtest/gtest.h"
#include "libs/jose/jose_test_util.h"
#include "testing/status_matchers.h"

namespace twi::jose {
namespace {

using ::twi::jose::testing::Compact;
using ::twi::jose::testing::NewTestSigner;
using ::twi::testing::HasReason;

// RFC 7515 Appendix A.3: ES256.
constexpr char kRfc7515A3Jws[] =
    "eyJhbGciOiJFUzI1NiJ9"
    "."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
constexpr char kRfc7515A3Payload[] =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
const Json kRfc7515A3Key = {{"kty", "EC"},
                            {"crv", "P-256"},
                            {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                            {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};

// RFC 8037 Appendix A.4: Ed25519, with the public key of A.2.
constexpr char kRfc8037A4Jws[] =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3"
    "AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
const Json kRfc8037A2Key = {
    {"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}};

const std::vector<Algorithm> kAllAlgorithms = {
    Algorithm::kES256, Algorithm::kES384, Algorithm::kEdDSA, Algorithm::kRS256, Algorithm::kPS256};

Jwks SetOf(const Jwk& key) {
  Jwks set;
  set.Add(key);
  return set;
}

// The compact form with bit `bit` of the decoded part `part` (1 payload, 2 signature) flipped.
std::string FlipBit(std::string_view compact, int part, size_t bit) {
  const size_t first = compact.find('.');
  const size_t second = compact.find('.', first + 1);
  std::string_view parts[3] = {compact.substr(0, first),
                               compact.substr(first + 1, second - first - 1),
                               compact.substr(second + 1)};
  Bytes bytes = *Base64UrlDecode(parts[part]);
  bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  const std::string flipped = Base64UrlEncode(bytes);
  parts[part] = flipped;
  return std::string(parts[0]) + "." + std::string(parts[1]) + "." + std::string(parts[2]);
}

TEST(JwsTest, Rfc7515A3Es256Verifies) {
  ASSERT_OK_AND_ASSIGN(Jwk key, Jwk::FromJson(kRfc7515A3Key));
  ASSERT_OK_AND_ASSIGN(ParsedJws jws, ParseCompact(kRfc7515A3Jws));
  EXPECT_EQ(jws.alg, Algorithm::kES256);
  EXPECT_FALSE(jws.kid.has_value());
  EXPECT_FALSE(jws.typ.has_value());
  EXPECT_EQ(jws.header, (Json{{"alg", "ES256"}}));
  EXPECT_EQ(AsString(jws.payload), kRfc7515A3Payload);
  EXPECT_EQ(jws.signature.size(), 64u);
  EXPECT_EQ(jws.signing_input,
            std::string_view(kRfc7515A3Jws).substr(0, std::string_view(kRfc7515A3Jws).rfind('.')));
  EXPECT_OK(VerifyParsed(jws, key.key(), {Algorithm::kES256}));
  ASSERT_OK_AND_ASSIGN(ParsedJws verified,
                       VerifyCompact(kRfc7515A3Jws, SetOf(key), {Algorithm::kES256}));
  EXPECT_EQ(verified.payload, jws.payload);
}

TEST(JwsTest, Rfc7515A3OneBitChangeFails) {
  ASSERT_OK_AND_ASSIGN(Jwk key, Jwk::FromJson(kRfc7515A3Key));
  const Jwks set = SetOf(key);
  for (size_t bit : {0u, 7u, 100u, 300u, 511u}) {
    EXPECT_THAT(VerifyCompact(FlipBit(kRfc7515A3Jws, 2, bit), set, {Algorithm::kES256}),
                HasReason(Reason::kSignatureInvalid))
        << "signature bit " << bit;
  }
  for (size_t bit : {0u, 9u, 200u}) {
    EXPECT_THAT(VerifyCompact(FlipBit(kRfc7515A3Jws, 1, bit), set, {Algorithm::kES256}),
                HasReason(Reason::kSignatureInvalid))
        << "payload bit " << bit;
  }
}

TEST(JwsTest, Rfc8037A4EdDsaVerifies) {
  ASSERT_OK_AND_ASSIGN(Jwk key, Jwk::FromJson(kRfc8037A2Key));
  ASSERT_OK_AND_ASSIGN(ParsedJws jws,
                       VerifyCompact(kRfc8037A4Jws, SetOf(key), {Algorithm::kEdDSA}));
  EXPECT_EQ(jws.alg, Algorithm::kEdDSA);
  EXPECT_EQ(AsString(jws.payload), "Example of Ed25519 signing");
  EXPECT_THAT(VerifyCompact(FlipBit(kRfc8037A4Jws, 2, 42), SetOf(key), {Algorithm::kEdDSA}),
              HasReason(Reason::kSignatureInvalid));
  EXPECT_THAT(VerifyCompact(FlipBit(kRfc8037A4Jws, 1, 42), SetOf(key), {Algorithm::kEdDSA}),
              HasReason(Reason::kSignatureInvalid));
}

class JwsRoundTripTest : public ::testing::TestWithParam<Algorithm> {};

TEST_P(JwsRoundTripTest, SignThenVerify) {
  const Algorithm alg = GetParam();
  ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(alg));
  Jwks set;
  set.Add(Jwk::FromPublicKey(signer->public_key()).set_kid("k1"));
  const Bytes payload = ToBytes("attested \x00 workload");
  ASSERT_OK_AND_ASSIGN(std::string compact,
                       SignCompact(Json{{"typ", "wit+jwt"}, {"kid", "k1"}}, payload, *signer));
  ASSERT_OK_AND_ASSIGN(ParsedJws jws, VerifyCompact(compact, set, {alg}));
  EXPECT_EQ(jws.alg, alg);
  EXPECT_EQ(jws.kid, "k1");
  EXPECT_EQ(jws.typ, "wit+jwt");
  EXPECT_EQ(jws.header["alg"], AlgorithmName(alg));
  EXPECT_EQ(jws.payload, payload);
  // Any allow-list containing the algorithm works; one without it does not.
  EXPECT_OK(VerifyCompact(compact, set, kAllAlgorithms));
  std::vector<Algorithm> others;
  for (Algorithm a : kAllAlgorithms) {
    if (a != alg) others.push_back(a);
  }
  EXPECT_THAT(VerifyCompact(compact, set, others), HasReason(Reason::kJoseAlgorithmNotAllowed));
  // A different key under the same kid.
  ASSERT_OK_AND_ASSIGN(auto impostor, NewTestSigner(alg));
  ASSERT_OK_AND_ASSIGN(std::string forged, SignCompact(Json{{"kid", "k1"}}, payload, *impostor));
  EXPECT_THAT(VerifyCompact(forged, set, {alg}), HasReason(Reason::kSignatureInvalid));
  EXPECT_THAT(VerifyCompact(FlipBit(compact, 2, 17), set, {alg}),
              HasReason(Reason::kSignatureInvalid));
}

TEST_P(JwsRoundTripTest, WithoutKidTriesEveryFittingKey) {
  const Algorithm alg = GetParam();
  ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(alg));
  ASSERT_OK_AND_ASSIGN(auto other, NewTestSigner(alg));
  Jwks set;
  set.Add(Jwk::FromPublicKey(other->public_key()).set_kid("other"));
  set.Add(Jwk::FromPublicKey(signer->public_key()));
  ASSERT_OK_AND_ASSIGN(std::string compact, SignCompact(Json::object(), ToBytes("x"), *signer));
  EXPECT_OK(VerifyCompact(compact, set, {alg}));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, JwsRoundTripTest,
                         ::testing::Values(Algorithm::kES256, Algorithm::kES384, Algorithm::kEdDSA),
                         [](const auto& info) { return std::string(AlgorithmName(info.param)); });

class JwsNegativeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(es256_, NewTestSigner(Algorithm::kES256));
    ASSERT_OK_AND_ASSIGN(ed25519_, NewTestSigner(Algorithm::kEdDSA));
    keys_.Add(Jwk::FromPublicKey(es256_->public_key()).set_kid("es"));
    keys_.Add(Jwk::FromPublicKey(ed25519_->public_key()).set_kid("ed"));
    ASSERT_OK_AND_ASSIGN(token_,
                         SignCompact(Json{{"kid", "es"}}, ToBytes(R"({"sub":"w"})"), *es256_));
  }

  absl::Status Verify(std::string_view compact) {
    return VerifyCompact(compact, keys_, {Algorithm::kES256, Algorithm::kEdDSA}).status();
  }

  std::unique_ptr<crypto::Signer> es256_;
  std::unique_ptr<crypto::Signer> ed25519_;
  Jwks keys_;
  std::string token_;
};

TEST_F(JwsNegativeTest, BaselineVerifies) { EXPECT_OK(Verify(token_)); }

TEST_F(JwsNegativeTest, AlgNoneIsNotAllowed) {
  constexpr char kUnsigned[] = "eyJhbGciOiJub25lIn0.e30.";
  EXPECT_THAT(ParseCompact(kUnsigned), HasReason(Reason::kJoseAlgorithmNotAllowed));
  EXPECT_THAT(Verify(kUnsigned), HasReason(Reason::kJoseAlgorithmNotAllowed));
  EXPECT_THAT(Verify(Compact(R"({"alg":"none","kid":"es"})", "{}")),
              HasReason(Reason::kJoseAlgorithmNotAllowed));
}

TEST_F(JwsNegativeTest, HmacAndUnknownAlgorithmsAreNotAllowed) {
  const Bytes mac(32, 7);
  for (std::string header : {R"({"alg":"HS256","kid":"es"})", R"({"alg":"HS512"})",
                             R"({"alg":"es256"})", R"({"alg":"ES512"})", R"({"alg":""})"}) {
    EXPECT_THAT(Verify(Compact(header, "{}", mac)), HasReason(Reason::kJoseAlgorithmNotAllowed))
        << header;
  }
}

TEST_F(JwsNegativeTest, AlgorithmOutsideAllowList) {
  EXPECT_THAT(VerifyCompact(token_, keys_, {Algorithm::kEdDSA}),
              HasReason(Reason::kJoseAlgorithmNotAllowed));
  EXPECT_THAT(VerifyCompact(token_, keys_, {}), HasReason(Reason::kJoseAlgorithmNotAllowed));
  ASSERT_OK_AND_ASSIGN(ParsedJws jws, ParseCompact(token_));
  EXPECT_THAT(VerifyParsed(jws, es256_->public_key(), {}),
              HasReason(Reason::kJoseAlgorithmNotAllowed));
  EXPECT_THAT(VerifyParsed(jws, es256_->public_key(), {Algorithm::kES384}),
              HasReason(Reason::kJoseAlgorithmNotAllowed));
}

TEST_F(JwsNegativeTest, KeyTypeMustFitAlgorithm) {
  ASSERT_OK_AND_ASSIGN(ParsedJws jws, ParseCompact(token_));
  // An ES256 header with an Ed25519 key.
  EXPECT_THAT(VerifyParsed(jws, ed25519_->public_key(), {Algorithm::kES256, Algorithm::kEdDSA}),
              HasReason(Reason::kJoseAlgorithmNotAllowed));
  ASSERT_OK_AND_ASSIGN(auto p384, NewTestSigner(Algorithm::kES384));
  EXPECT_THAT(VerifyParsed(jws, p384->public_key(), {Algorithm::kES256}),
              HasReason(Reason::kJoseAlgorithmNotAllowed));
  // Through a key set, the Ed25519 key under the token's kid is no candidate at all.
  Jwks only_ed;
  only_ed.Add(Jwk::FromPublicKey(ed25519_->public_key()).set_kid("es"));
  EXPECT_THAT(VerifyCompact(token_, only_ed, {Algorithm::kES256}),
              HasReason(Reason::kJoseKeyNotFound));
}

TEST_F(JwsNegativeTest, KidNotFound) {
  ASSERT_OK_AND_ASSIGN(std::string other_kid,
                       SignCompact(Json{{"kid", "missing"}}, ToBytes("{}"), *es256_));
  EXPECT_THAT(Verify(other_kid), HasReason(Reason::kJoseKeyNotFound));
  EXPECT_THAT(VerifyCompact(token_, Jwks(), {Algorithm::kES256}),
              HasReason(Reason::kJoseKeyNotFound));
}

TEST_F(JwsNegativeTest, JwkAlgAndUseRestrictTheKey) {
  Jwks restricted;
  restricted.Add(Jwk::FromPublicKey(es256_->public_key()).set_kid("es").set_use("enc"));
  EXPECT_THAT(VerifyCompact(token_, restricted, {Algorithm::kES256}),
              HasReason(Reason::kJoseKeyNotFound));
  Jwks marked;
  marked.Add(Jwk::FromPublicKey(es256_->public_key())
                 .set_kid("es")
                 .set_use("sig")
                 .set_alg(Algorithm::kES256));
  EXPECT_OK(VerifyCompact(token_, marked, {Algorithm::kES256}));
}

TEST_F(JwsNegativeTest, WrongSignature) {
  ASSERT_OK_AND_ASSIGN(ParsedJws jws, ParseCompact(token_));
  const std::string header = R"({"alg":"ES256","kid":"es"})";
  ASSERT_OK_AND_ASSIGN(Bytes other_signature, es256_->Sign(ToBytes("something else")));
  EXPECT_THAT(Verify(Compact(header, R"({"sub":"w"})", other_signature)),
              HasReason(Reason::kSignatureInvalid));
  EXPECT_THAT(Verify(Compact(header, R"({"sub":"w"})")), HasReason(Reason::kSignatureInvalid));
  Bytes truncated(jws.signature.begin(), jws.signature.end() - 1);
  EXPECT_THAT(Verify(Compact(header, R"({"sub":"w"})", truncated)),
              HasReason(Reason::kSignatureInvalid));
}

TEST_F(JwsNegativeTest, WrongNumberOfParts) {
  const std::string two = token_.substr(0, token_.rfind('.'));
  for (const std::string& compact :
       {std::string(), std::string("."), std::string(".."), two, token_ + ".", token_ + ".e30",
        token_ + ".e30.e30", "." + token_}) {
    EXPECT_THAT(Verify(compact), HasReason(Reason::kJoseMalformed)) << compact;
  }
}

TEST_F(JwsNegativeTest, NonCanonicalBase64Url) {
  const size_t first = token_.find('.');
  const size_t second = token_.find('.', first + 1);
  const std::string header = token_.substr(0, first);
  const std::string payload = token_.substr(first + 1, second - first - 1);
  const std::string signature = token_.substr(second + 1);
  const std::string cases[] = {
      header + "=." + payload + "." + signature,
      header + "." + payload + "=." + signature,
      header + "." + payload + "." + signature + "=",
      header + "." + payload + "." + signature + "==",
      header + " ." + payload + "." + signature,
      header + "." + payload + "." + signature + "\n",
      header + "." + payload + ".+" + signature.substr(1),
      header + "." + payload + "./" + signature.substr(1),
      header + "." + payload + "." + signature.substr(0, signature.size() - 1),  // bad length
  };
  for (const std::string& compact : cases) {
    EXPECT_THAT(Verify(compact), HasReason(Reason::kJoseMalformed)) << compact;
  }
}

TEST_F(JwsNegativeTest, MalformedHeaders) {
  const Bytes sig(64, 1);
  for (std::string header : {
           "not json",
           "",
           R"(["alg","ES256"])",
           R"("ES256")",
           R"({})",
           R"({"alg":"ES256","alg":"ES256"})",
           R"({"alg":"ES256","alg":"none"})",
           R"({"alg":"ES256","kid":"es","kid":"ed"})",
           R"({"alg":"ES256","crit":["exp"],"exp":1})",
           R"({"alg":"ES256","crit":[]})",
           R"({"alg":"ES256","b64":false,"crit":["b64"]})",
           R"({"alg":"ES256","b64":false})",
           R"({"alg":"ES256","b64":"true"})",
           R"({"alg":["ES256"]})",
           R"({"alg":null})",
           R"({"alg":"ES256","kid":7})",
           R"({"alg":"ES256","typ":{"a":1}})",
           R"({"alg":"ES256"} )"
           "x",
       }) {
    EXPECT_THAT(Verify(Compact(header, "{}", sig)), HasReason(Reason::kJoseMalformed)) << header;
  }
  const std::string deep =
      R"({"alg":"ES256","x":)" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_THAT(Verify(Compact(deep, "{}", sig)), HasReason(Reason::kJoseMalformed));
}

TEST_F(JwsNegativeTest, B64TrueAndUnknownMembersAreFine) {
  ASSERT_OK_AND_ASSIGN(
      ParsedJws jws,
      ParseCompact(Compact(R"({"alg":"ES256","b64":true,"x-other":{"a":[1]}})", "", Bytes(64, 1))));
  EXPECT_TRUE(jws.payload.empty());
}

TEST_F(JwsNegativeTest, JkuAndX5uAreNeverUsed) {
  ASSERT_OK_AND_ASSIGN(
      std::string compact,
      SignCompact(Json{{"jku", "https://attacker.example/jwks"}, {"x5u", "https://a.example/c"}},
                  ToBytes("{}"), *es256_));
  EXPECT_OK(Verify(compact));
  EXPECT_THAT(VerifyCompact(compact, Jwks(), {Algorithm::kES256}),
              HasReason(Reason::kJoseKeyNotFound));
}

TEST_F(JwsNegativeTest, OversizeToken) {
  const std::string big(kMaxCompactJwsSize + 1, 'a');
  EXPECT_THAT(ParseCompact(big), HasReason(Reason::kJoseMalformed));
  const std::string payload(kMaxCompactJwsSize, 'x');
  EXPECT_THAT(Verify(Compact(R"({"alg":"ES256"})", payload, Bytes(64, 1))),
              HasReason(Reason::kJoseMalformed));
  EXPECT_THAT(SignCompact(Json::object(), AsBytes(payload), *es256_),
              HasReason(Reason::kInvalidArgument));
  // Just below the limit still works.
  const std::string fits(kMaxCompactJwsSize / 4 * 3 - 200, 'x');
  ASSERT_OK_AND_ASSIGN(std::string compact, SignCompact(Json::object(), AsBytes(fits), *es256_));
  EXPECT_LE(compact.size(), kMaxCompactJwsSize);
  EXPECT_OK(Verify(compact));
}

TEST_F(JwsNegativeTest, SignCompactRefusesHeadersWeWouldReject) {
  for (const Json& header :
       {Json::array(), Json("x"), Json{{"alg", "ES256"}}, Json{{"alg", "none"}},
        Json{{"crit", Json::array({"exp"})}}, Json{{"b64", false}}, Json{{"kid", 1}},
        Json{{"typ", Json::array()}}}) {
    EXPECT_THAT(SignCompact(header, ToBytes("{}"), *es256_), HasReason(Reason::kInvalidArgument))
        << header.dump();
  }
}

}  // namespace
}  // namespace twi::jose
