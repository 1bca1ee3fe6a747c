#include "libs/jose/jwk.h"

#include <string>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::jose {
namespace {

using ::twi::testing::HasReason;

// RFC 7638 §3.1 (the RSA key of RFC 7517 Appendix A.1).
constexpr char kRfc7638RsaN[] =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPeb"
    "WKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368Q"
    "QMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2"
    "NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
// RFC 8037 Appendix A.1/A.2 Ed25519 key.
constexpr char kRfc8037X[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr char kRfc8037D[] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
// RFC 7515 Appendix A.3 P-256 key.
constexpr char kRfc7515A3X[] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
constexpr char kRfc7515A3Y[] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

Json RsaJwk() { return Json{{"kty", "RSA"}, {"n", kRfc7638RsaN}, {"e", "AQAB"}}; }
Json EcJwk() {
  return Json{{"kty", "EC"}, {"crv", "P-256"}, {"x", kRfc7515A3X}, {"y", kRfc7515A3Y}};
}
Json OkpJwk() { return Json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kRfc8037X}}; }

TEST(JwkTest, Rfc7638RsaThumbprint) {
  Json json = RsaJwk();
  json["alg"] = "RS256";
  json["kid"] = "2011-04-29";
  ASSERT_OK_AND_ASSIGN(Jwk jwk, Jwk::FromJson(json));
  EXPECT_EQ(jwk.key().type(), crypto::KeyType::kRsa);
  // Optional members do not take part in the thumbprint (RFC 7638 §3.2).
  EXPECT_EQ(jwk.Thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  EXPECT_EQ(jwk.kid(), "2011-04-29");
  EXPECT_EQ(jwk.alg(), Algorithm::kRS256);
}

TEST(JwkTest, Rfc8037Ed25519Thumbprint) {
  ASSERT_OK_AND_ASSIGN(Jwk jwk, Jwk::FromJson(OkpJwk()));
  EXPECT_EQ(jwk.key().type(), crypto::KeyType::kEd25519);
  EXPECT_EQ(jwk.Thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");  // RFC 8037 A.3
}

TEST(JwkTest, ThumbprintIgnoresMemberOrderAndOptionalMembers) {
  ASSERT_OK_AND_ASSIGN(Jwk plain, Jwk::FromJson(EcJwk()));
  Json decorated = EcJwk();
  decorated["kid"] = "k";
  decorated["use"] = "sig";
  decorated["unknown"] = {1, 2};
  ASSERT_OK_AND_ASSIGN(Jwk other, Jwk::FromJson(decorated));
  EXPECT_EQ(plain.Thumbprint(), other.Thumbprint());
  EXPECT_EQ(plain.Thumbprint().size(), 43u);
}

TEST(JwkTest, RoundTripsEveryKeyType) {
  for (crypto::KeyType type : {crypto::KeyType::kEcP256, crypto::KeyType::kEcP384,
                               crypto::KeyType::kEd25519, crypto::KeyType::kRsa}) {
    ASSERT_OK_AND_ASSIGN(crypto::PrivateKey key, crypto::PrivateKey::Generate(type));
    Jwk jwk = Jwk::FromPublicKey(key.public_key());
    jwk.set_kid("key-1").set_use("sig");
    ASSERT_OK_AND_ASSIGN(Jwk back, Jwk::FromJson(jwk.ToJson()));
    EXPECT_TRUE(back.key().Equals(key.public_key())) << crypto::KeyTypeName(type);
    EXPECT_EQ(back.kid(), "key-1");
    EXPECT_EQ(back.use(), "sig");
    EXPECT_FALSE(back.alg().has_value());
    EXPECT_EQ(back.Thumbprint(), jwk.Thumbprint());
    EXPECT_EQ(back.ToJson(), jwk.ToJson());
  }
}

TEST(JwkTest, ToJsonHasRequiredAndSetMembersOnly) {
  ASSERT_OK_AND_ASSIGN(Jwk jwk, Jwk::FromJson(EcJwk()));
  EXPECT_EQ(jwk.ToJson(), EcJwk());
  jwk.set_alg(Algorithm::kES256).set_kid("a").set_x5c({"MIIB", "AAAA"});
  Json expected = EcJwk();
  expected["alg"] = "ES256";
  expected["kid"] = "a";
  expected["x5c"] = Json::array({"MIIB", "AAAA"});
  EXPECT_EQ(jwk.ToJson(), expected);
}

TEST(JwkTest, KeepsX5c) {
  Json json = EcJwk();
  json["x5c"] = Json::array({"MIIBAA==", "AQID"});
  ASSERT_OK_AND_ASSIGN(Jwk jwk, Jwk::FromJson(json));
  EXPECT_EQ(jwk.x5c(), (std::vector<std::string>{"MIIBAA==", "AQID"}));
}

TEST(JwkTest, RefusesPrivateMembers) {
  Json ed_private = OkpJwk();
  ed_private["d"] = kRfc8037D;  // RFC 8037 A.1
  EXPECT_THAT(Jwk::FromJson(ed_private), HasReason(Reason::kJoseMalformed));
  for (const char* name : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
    Json json = RsaJwk();
    json[name] = "AQAB";
    EXPECT_THAT(Jwk::FromJson(json), HasReason(Reason::kJoseMalformed)) << name;
  }
}

TEST(JwkTest, RefusesSymmetricKeys) {
  EXPECT_THAT(Jwk::FromJson(Json{{"kty", "oct"}}), HasReason(Reason::kJoseMalformed));
}

TEST(JwkTest, RefusesMalformedMembers) {
  auto with = [](Json json, const char* name, Json value) {
    json[name] = std::move(value);
    return json;
  };
  auto without = [](Json json, const char* name) {
    json.erase(name);
    return json;
  };
  const Json cases[] = {
      Json::array(),
      Json("EC"),
      without(EcJwk(), "kty"),
      with(EcJwk(), "kty", 1),
      without(EcJwk(), "crv"),
      with(EcJwk(), "crv", Json::array()),
      without(EcJwk(), "x"),
      without(EcJwk(), "y"),
      with(EcJwk(), "x", 7),
      with(EcJwk(), "x", std::string(kRfc7515A3X) + "="),                // padding
      with(EcJwk(), "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE"),  // 31 bytes + bits
      with(EcJwk(), "x", Base64UrlEncode(Bytes(31, 1))),                 // short coordinate
      with(EcJwk(), "y", Base64UrlEncode(Bytes(33, 1))),                 // long coordinate
      with(OkpJwk(), "x", Base64UrlEncode(Bytes(31, 1))),
      without(OkpJwk(), "x"),
      without(RsaJwk(), "n"),
      without(RsaJwk(), "e"),
      with(RsaJwk(), "e", "AQAB+"),
      with(EcJwk(), "kid", 5),
      with(EcJwk(), "use", Json::object()),
      with(EcJwk(), "alg", 256),
      with(EcJwk(), "alg", "ES384"),  // a known algorithm for another key type
      with(OkpJwk(), "alg", "ES256"),
      with(EcJwk(), "x5c", "MIIB"),
      with(EcJwk(), "x5c", Json::array()),
      with(EcJwk(), "x5c", Json::array({"MIIB", 3})),
      with(EcJwk(), "x5c", Json::array({"not base64!"})),
      with(EcJwk(), "x5c", Json::array({"MIIBAA"})),  // unpadded
  };
  for (const Json& json : cases) {
    EXPECT_THAT(Jwk::FromJson(json), HasReason(Reason::kJoseMalformed)) << json.dump();
  }
}

TEST(JwkTest, RefusesInvalidKeysWithCryptoReason) {
  Json off_curve = EcJwk();
  off_curve["y"] = Base64UrlEncode(Bytes(32, 1));
  EXPECT_THAT(Jwk::FromJson(off_curve), HasReason(Reason::kKeyInvalid));
  ASSERT_OK_AND_ASSIGN(Bytes n, Base64UrlDecode(kRfc7638RsaN));
  Json short_rsa = RsaJwk();
  short_rsa["n"] = Base64UrlEncode(ByteView(n).subspan(0, 128));  // 1024 bits
  EXPECT_THAT(Jwk::FromJson(short_rsa), HasReason(Reason::kKeyInvalid));
  Json leading_zero = RsaJwk();  // RFC 7518 §6.3.1.1: minimal octets
  leading_zero["e"] = "AAEAAQ";
  EXPECT_THAT(Jwk::FromJson(leading_zero), HasReason(Reason::kKeyInvalid));
}

TEST(JwkTest, ReportsUnsupportedTypesCurvesAndAlgorithms) {
  const Json cases[] = {
      Json{{"kty", "EC"}, {"crv", "P-521"}, {"x", "AA"}, {"y", "AA"}},
      Json{{"kty", "EC"}, {"crv", "secp256k1"}, {"x", "AA"}, {"y", "AA"}},
      Json{{"kty", "OKP"}, {"crv", "X25519"}, {"x", kRfc8037X}},
      Json{{"kty", "OKP"}, {"crv", "Ed448"}, {"x", "AA"}},
      Json{{"kty", "AKP"}, {"pub", "AA"}},
      Json{{"kty", "RSA"}, {"n", kRfc7638RsaN}, {"e", "AQAB"}, {"alg", "RS512"}},
      Json{{"kty", "RSA"}, {"n", kRfc7638RsaN}, {"e", "AQAB"}, {"alg", "RSA-OAEP"}},
  };
  for (const Json& json : cases) {
    EXPECT_THAT(Jwk::FromJson(json), HasReason(Reason::kUnsupportedAlgorithm)) << json.dump();
  }
}

Json SpiffeBundle() {
  return Json{{"spiffe_sequence", 7},
              {"spiffe_refresh_hint", 300},
              {"keys", {EcJwk(), RsaJwk(), OkpJwk()}}};
}

TEST(JwksTest, ParsesKeysAndKeepsExtraMembers) {
  ASSERT_OK_AND_ASSIGN(Jwks set, Jwks::Parse(SpiffeBundle().dump()));
  ASSERT_EQ(set.keys().size(), 3u);
  EXPECT_EQ(set.keys()[1].Thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  EXPECT_EQ(set.extra(), (Json{{"spiffe_sequence", 7}, {"spiffe_refresh_hint", 300}}));
  EXPECT_EQ(set.ToJson(), SpiffeBundle());
  set.mutable_extra()["spiffe_sequence"] = 8;
  EXPECT_EQ(set.ToJson()["spiffe_sequence"], 8);
}

TEST(JwksTest, SkipsKeysItDoesNotUnderstand) {
  Json json = SpiffeBundle();
  json["keys"].push_back(Json{{"kty", "EC"}, {"crv", "P-521"}, {"x", "AA"}, {"y", "AA"}});
  json["keys"].push_back(Json{{"kty", "XYZ"}});
  json["keys"].push_back(Json{
      {"kty", "RSA"}, {"n", kRfc7638RsaN}, {"e", "AQAB"}, {"alg", "RSA-OAEP"}, {"use", "enc"}});
  ASSERT_OK_AND_ASSIGN(Jwks set, Jwks::FromJson(json));
  EXPECT_EQ(set.keys().size(), 3u);
}

TEST(JwksTest, FailsOnABrokenKey) {
  Json off_curve = EcJwk();
  off_curve["x"] = Base64UrlEncode(Bytes(32, 1));
  Json short_coordinate = EcJwk();
  short_coordinate["y"] = Base64UrlEncode(Bytes(31, 1));
  Json with_private = OkpJwk();
  with_private["d"] = kRfc8037D;
  for (const Json& bad : {off_curve, short_coordinate, with_private, Json{{"kty", "oct"}},
                          Json("key"), Json{{"crv", "P-256"}}}) {
    Json json = SpiffeBundle();
    json["keys"].push_back(bad);
    EXPECT_THAT(Jwks::FromJson(json), HasReason(Reason::kJoseMalformed)) << bad.dump();
  }
}

TEST(JwksTest, RefusesMalformedSets) {
  for (const Json& json :
       {Json::array(), Json::object(), Json{{"keys", Json::object()}}, Json{{"keys", "none"}}}) {
    EXPECT_THAT(Jwks::FromJson(json), HasReason(Reason::kJoseMalformed)) << json.dump();
  }
  EXPECT_THAT(Jwks::Parse("{\"keys\":[]"), HasReason(Reason::kJoseMalformed));
  EXPECT_THAT(Jwks::Parse(R"({"keys":[],"keys":[]})"), HasReason(Reason::kJoseMalformed));
  EXPECT_THAT(Jwks::Parse(R"({"keys":[{"kty":"EC","kty":"EC"}]})"),
              HasReason(Reason::kJoseMalformed));
  std::string big = "{\"keys\":[],\"pad\":\"" + std::string(kMaxJwksSize, 'a') + "\"}";
  EXPECT_THAT(Jwks::Parse(big), HasReason(Reason::kJoseMalformed));
  ASSERT_OK_AND_ASSIGN(Jwks empty, Jwks::Parse(R"({"keys":[]})"));
  EXPECT_TRUE(empty.keys().empty());
}

TEST(JwksTest, CandidatesByKid) {
  Jwks set;
  ASSERT_OK_AND_ASSIGN(Jwk ec, Jwk::FromJson(EcJwk()));
  ASSERT_OK_AND_ASSIGN(Jwk rsa, Jwk::FromJson(RsaJwk()));
  ASSERT_OK_AND_ASSIGN(Jwk ed, Jwk::FromJson(OkpJwk()));
  set.Add(ec.set_kid("a"));
  set.Add(rsa.set_kid("b"));
  set.Add(ed);  // no kid
  Jwk ec2 = ec;
  set.Add(ec2.set_kid("b"));
  EXPECT_EQ(set.Candidates(std::nullopt).size(), 4u);
  ASSERT_EQ(set.Candidates("a").size(), 1u);
  EXPECT_EQ(set.Candidates("a")[0], &set.keys()[0]);
  std::vector<const Jwk*> b = set.Candidates("b");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0], &set.keys()[1]);
  EXPECT_EQ(b[1], &set.keys()[3]);
  EXPECT_TRUE(set.Candidates("c").empty());
  EXPECT_TRUE(set.Candidates("").empty());
}

}  // namespace
}  // namespace twi::jose
