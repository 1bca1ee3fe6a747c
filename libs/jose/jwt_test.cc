#include "libs/jose/jwt.h"

#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/jose/jose_test_util.h"
#include "libs/jose/jws.h"
#include "testing/status_matchers.h"

namespace twi::jose {
namespace {

using ::twi::jose::testing::NewTestSigner;
using ::twi::testing::HasReason;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);
constexpr int64_t kNowSeconds = 1'790'000'000;

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(signer_, NewTestSigner(Algorithm::kES256));
    keys_.Add(Jwk::FromPublicKey(signer_->public_key()).set_kid("k1"));
    validation_.allowed_algorithms = {Algorithm::kES256};
    validation_.typ = "wit+jwt";
    validation_.issuer = "https://issuer.example";
    validation_.audience = "rp.example";
  }

  static Json GoodClaims() {
    return Json{{"iss", "https://issuer.example"},
                {"sub", "spiffe://example.org/w"},
                {"aud", "rp.example"},
                {"iat", kNowSeconds - 10},
                {"nbf", kNowSeconds - 10},
                {"exp", kNowSeconds + 300}};
  }

  std::string Sign(const Json& claims, Json header = Json{{"typ", "wit+jwt"}, {"kid", "k1"}}) {
    absl::StatusOr<std::string> token = SignJwt(std::move(header), claims, *signer_);
    EXPECT_OK(token);
    return token.value_or("");
  }

  // A token whose payload is `payload` verbatim, for claim sets SignJwt would not produce.
  std::string SignRaw(std::string_view payload) {
    absl::StatusOr<std::string> token =
        SignCompact(Json{{"typ", "wit+jwt"}, {"kid", "k1"}}, AsBytes(payload), *signer_);
    EXPECT_OK(token);
    return token.value_or("");
  }

  absl::Status Verify(const std::string& token, absl::Time now = kNow) {
    return VerifyJwt(token, keys_, validation_, now).status();
  }

  absl::Status VerifyWith(Json claims, const char* name, Json value) {
    claims[name] = std::move(value);
    return Verify(Sign(claims));
  }

  absl::Status VerifyWithout(Json claims, const char* name) {
    claims.erase(name);
    return Verify(Sign(claims));
  }

  std::unique_ptr<crypto::Signer> signer_;
  Jwks keys_;
  JwtValidation validation_;
};

TEST_F(JwtTest, ValidTokenVerifies) {
  Json claims = GoodClaims();
  claims["custom"] = {{"nested", true}};
  ASSERT_OK_AND_ASSIGN(Jwt jwt, VerifyJwt(Sign(claims), keys_, validation_, kNow));
  EXPECT_EQ(jwt.claims, claims);
  EXPECT_EQ(jwt.alg, Algorithm::kES256);
  EXPECT_EQ(jwt.kid, "k1");
  EXPECT_EQ(jwt.header, (Json{{"alg", "ES256"}, {"typ", "wit+jwt"}, {"kid", "k1"}}));
}

TEST_F(JwtTest, MinimalValidationNeedsOnlyExp) {
  JwtValidation minimal;
  minimal.allowed_algorithms = {Algorithm::kES256};
  EXPECT_OK(VerifyJwt(Sign(Json{{"exp", kNowSeconds + 1}}, Json::object()), keys_, minimal, kNow));
  EXPECT_THAT(VerifyJwt(Sign(Json::object(), Json::object()), keys_, minimal, kNow),
              HasReason(Reason::kJwtClaimMissing));
  minimal.require_exp = false;
  EXPECT_OK(VerifyJwt(Sign(Json::object(), Json::object()), keys_, minimal, kNow));
}

TEST_F(JwtTest, SignatureIsCheckedFirst) {
  ASSERT_OK_AND_ASSIGN(auto other, NewTestSigner(Algorithm::kES256));
  ASSERT_OK_AND_ASSIGN(std::string forged,
                       SignJwt(Json{{"typ", "wit+jwt"}, {"kid", "k1"}}, GoodClaims(), *other));
  EXPECT_THAT(Verify(forged), HasReason(Reason::kSignatureInvalid));
  validation_.allowed_algorithms.clear();
  EXPECT_THAT(Verify(Sign(GoodClaims())), HasReason(Reason::kJoseAlgorithmNotAllowed));
}

TEST_F(JwtTest, PayloadMustBeAUniqueMemberObject) {
  for (std::string payload : {"[1,2]", "\"claims\"", "42", "null", "not json", "",
                              R"({"exp":1,"exp":2000000000})", R"({"sub":"a","sub":"b"})"}) {
    EXPECT_THAT(Verify(SignRaw(payload)), HasReason(Reason::kJoseMalformed)) << payload;
  }
  EXPECT_THAT(SignJwt(Json::object(), Json::array(), *signer_),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(ValidateClaims(Json{{"typ", "wit+jwt"}}, Json::array(), validation_, kNow),
              HasReason(Reason::kJoseMalformed));
}

TEST_F(JwtTest, Expiry) {
  EXPECT_THAT(VerifyWith(GoodClaims(), "exp", kNowSeconds - 3600), HasReason(Reason::kJwtExpired));
  // The leeway (30 s) is the only grace: expired exactly at exp + leeway.
  EXPECT_THAT(VerifyWith(GoodClaims(), "exp", kNowSeconds - 30), HasReason(Reason::kJwtExpired));
  EXPECT_OK(VerifyWith(GoodClaims(), "exp", kNowSeconds - 29));
  validation_.leeway = absl::ZeroDuration();
  EXPECT_THAT(VerifyWith(GoodClaims(), "exp", kNowSeconds), HasReason(Reason::kJwtExpired));
  EXPECT_OK(VerifyWith(GoodClaims(), "exp", kNowSeconds + 1));
  EXPECT_THAT(VerifyWithout(GoodClaims(), "exp"), HasReason(Reason::kJwtClaimMissing));
}

TEST_F(JwtTest, ExpiryWithFractionalAndHugeNumericDates) {
  validation_.leeway = absl::ZeroDuration();
  EXPECT_OK(VerifyWith(GoodClaims(), "exp", kNowSeconds + 0.5));
  EXPECT_THAT(VerifyWith(GoodClaims(), "exp", kNowSeconds - 0.5), HasReason(Reason::kJwtExpired));
  EXPECT_OK(VerifyWith(GoodClaims(), "exp", UINT64_MAX));
  EXPECT_OK(VerifyWith(GoodClaims(), "exp", 1e300));
  EXPECT_THAT(VerifyWith(GoodClaims(), "exp", -1), HasReason(Reason::kJwtExpired));
}

TEST_F(JwtTest, NumericDatesMustBeNumbers) {
  for (const char* name : {"exp", "nbf", "iat"}) {
    for (const Json& value :
         {Json("1790000300"), Json(true), Json(nullptr), Json::array({1}), Json::object()}) {
      EXPECT_THAT(VerifyWith(GoodClaims(), name, value), HasReason(Reason::kJwtClaimInvalid))
          << name << "=" << value.dump();
    }
  }
  // The parser refuses an overflowing literal; a claim set built in code may hold infinity.
  EXPECT_THAT(Verify(SignRaw(R"({"exp":1e400})")), HasReason(Reason::kJoseMalformed));
  Json infinite = GoodClaims();
  infinite["exp"] = std::numeric_limits<double>::infinity();
  EXPECT_THAT(ValidateClaims(Json{{"typ", "wit+jwt"}}, infinite, validation_, kNow),
              HasReason(Reason::kJwtClaimInvalid));
}

TEST_F(JwtTest, NotBefore) {
  EXPECT_THAT(VerifyWith(GoodClaims(), "nbf", kNowSeconds + 3600),
              HasReason(Reason::kJwtNotYetValid));
  EXPECT_THAT(VerifyWith(GoodClaims(), "nbf", kNowSeconds + 31),
              HasReason(Reason::kJwtNotYetValid));
  EXPECT_OK(VerifyWith(GoodClaims(), "nbf", kNowSeconds + 30));
  EXPECT_OK(VerifyWithout(GoodClaims(), "nbf"));
}

TEST_F(JwtTest, IssuedAt) {
  EXPECT_THAT(VerifyWith(GoodClaims(), "iat", kNowSeconds + 3600),
              HasReason(Reason::kJwtClaimInvalid));
  EXPECT_THAT(VerifyWith(GoodClaims(), "iat", kNowSeconds + 31),
              HasReason(Reason::kJwtClaimInvalid));
  EXPECT_OK(VerifyWith(GoodClaims(), "iat", kNowSeconds + 30));
  EXPECT_OK(VerifyWithout(GoodClaims(), "iat"));
  validation_.require_iat = true;
  EXPECT_THAT(VerifyWithout(GoodClaims(), "iat"), HasReason(Reason::kJwtClaimMissing));
}

TEST_F(JwtTest, MaxAge) {
  validation_.max_age = absl::Minutes(5);
  EXPECT_OK(VerifyWith(GoodClaims(), "iat", kNowSeconds - 330));
  EXPECT_THAT(VerifyWith(GoodClaims(), "iat", kNowSeconds - 331), HasReason(Reason::kJwtExpired));
  EXPECT_THAT(VerifyWithout(GoodClaims(), "iat"), HasReason(Reason::kJwtClaimMissing));
}

TEST_F(JwtTest, NegativeLeewayIsRefused) {
  validation_.leeway = absl::Seconds(-1);
  EXPECT_THAT(Verify(Sign(GoodClaims())), HasReason(Reason::kInvalidArgument));
}

TEST_F(JwtTest, Issuer) {
  EXPECT_THAT(VerifyWith(GoodClaims(), "iss", "https://other.example"),
              HasReason(Reason::kJwtClaimInvalid));
  EXPECT_THAT(VerifyWith(GoodClaims(), "iss", "HTTPS://issuer.example"),
              HasReason(Reason::kJwtClaimInvalid));
  EXPECT_THAT(VerifyWith(GoodClaims(), "iss", Json::array({"https://issuer.example"})),
              HasReason(Reason::kJwtClaimInvalid));
  EXPECT_THAT(VerifyWithout(GoodClaims(), "iss"), HasReason(Reason::kJwtClaimMissing));
  validation_.issuer.reset();
  EXPECT_OK(VerifyWithout(GoodClaims(), "iss"));
  // Registered claims keep their types even when not asked for.
  EXPECT_THAT(VerifyWith(GoodClaims(), "iss", 5), HasReason(Reason::kJwtClaimInvalid));
  EXPECT_THAT(VerifyWith(GoodClaims(), "sub", Json::object()), HasReason(Reason::kJwtClaimInvalid));
  EXPECT_THAT(VerifyWith(GoodClaims(), "jti", 1), HasReason(Reason::kJwtClaimInvalid));
}

TEST_F(JwtTest, Audience) {
  EXPECT_OK(VerifyWith(GoodClaims(), "aud", Json::array({"a", "rp.example"})));
  EXPECT_THAT(VerifyWith(GoodClaims(), "aud", "other.example"),
              HasReason(Reason::kJwtAudienceMismatch));
  EXPECT_THAT(VerifyWith(GoodClaims(), "aud", "RP.example"),
              HasReason(Reason::kJwtAudienceMismatch));
  EXPECT_THAT(VerifyWith(GoodClaims(), "aud", Json::array({"a", "b"})),
              HasReason(Reason::kJwtAudienceMismatch));
  EXPECT_THAT(VerifyWith(GoodClaims(), "aud", Json::array()),
              HasReason(Reason::kJwtAudienceMismatch));
  EXPECT_THAT(VerifyWithout(GoodClaims(), "aud"), HasReason(Reason::kJwtClaimMissing));
  EXPECT_THAT(VerifyWith(GoodClaims(), "aud", Json::array({"rp.example", 1})),
              HasReason(Reason::kJwtClaimInvalid));
  EXPECT_THAT(VerifyWith(GoodClaims(), "aud", Json{{"rp.example", true}}),
              HasReason(Reason::kJwtClaimInvalid));
  validation_.audience.reset();
  EXPECT_OK(VerifyWithout(GoodClaims(), "aud"));
  EXPECT_OK(VerifyWith(GoodClaims(), "aud", "anyone"));
}

TEST_F(JwtTest, ExplicitType) {
  for (const char* typ :
       {"wit+jwt", "WIT+JWT", "Wit+Jwt", "application/wit+jwt", "Application/WIT+jwt"}) {
    EXPECT_OK(Verify(Sign(GoodClaims(), Json{{"typ", typ}, {"kid", "k1"}}))) << typ;
  }
  for (const char* typ : {"jwt", "JWT", "at+jwt", "text/wit+jwt", "wit+jwt ", "application/", ""}) {
    EXPECT_THAT(Verify(Sign(GoodClaims(), Json{{"typ", typ}, {"kid", "k1"}})),
                HasReason(Reason::kJoseTypeMismatch))
        << typ;
  }
  EXPECT_THAT(Verify(Sign(GoodClaims(), Json{{"kid", "k1"}})),
              HasReason(Reason::kJoseTypeMismatch));
  validation_.typ = "application/wit+jwt";
  EXPECT_OK(Verify(Sign(GoodClaims())));
  validation_.typ.reset();
  EXPECT_OK(Verify(Sign(GoodClaims(), Json{{"typ", "jwt"}, {"kid", "k1"}})));
}

TEST_F(JwtTest, RequiredClaims) {
  validation_.required_claims = {"sub", "cnf"};
  EXPECT_THAT(Verify(Sign(GoodClaims())), HasReason(Reason::kJwtClaimMissing));
  Json claims = GoodClaims();
  claims["cnf"] = {{"jkt", "x"}};
  EXPECT_OK(Verify(Sign(claims)));
}

// Tokens signed by jwcrypto (libs/jose/testdata/jwcrypto_check.py generate, captured once):
// the only RS256 and PS256 signatures available without an RSA signer in libs/crypto.
TEST(JwtJwcryptoVectorsTest, VerifiesEveryAlgorithm) {
  ASSERT_OK_AND_ASSIGN(std::string jwks_text,
                       ReadFile(jose::testing::TestdataPath("jwcrypto_jwks.json")));
  ASSERT_OK_AND_ASSIGN(std::string tokens_text,
                       ReadFile(jose::testing::TestdataPath("jwcrypto_tokens.json")));
  jose::testing::ExpectJwcryptoTokensVerify(jwks_text, tokens_text);
}

TEST(JwtJwcryptoVectorsTest, RsaKeyPinnedToOneAlgorithm) {
  ASSERT_OK_AND_ASSIGN(std::string jwks_text,
                       ReadFile(jose::testing::TestdataPath("jwcrypto_jwks.json")));
  Json json = Json::parse(jwks_text);
  for (Json& key : json["keys"]) {
    if (key["kty"] == "RSA") key["alg"] = "RS256";
  }
  ASSERT_OK_AND_ASSIGN(Jwks keys, Jwks::FromJson(json));
  ASSERT_OK_AND_ASSIGN(std::string tokens_text,
                       ReadFile(jose::testing::TestdataPath("jwcrypto_tokens.json")));
  const Json tokens = Json::parse(tokens_text)["tokens"];
  JwtValidation validation;
  validation.allowed_algorithms = {Algorithm::kRS256, Algorithm::kPS256};
  const absl::Time now = absl::FromUnixSeconds(1'790'000'100);
  EXPECT_OK(VerifyJwt(tokens["rs256"]["compact"].get<std::string>(), keys, validation, now));
  EXPECT_THAT(VerifyJwt(tokens["ps256"]["compact"].get<std::string>(), keys, validation, now),
              HasReason(Reason::kJoseKeyNotFound));
}

}  // namespace
}  // namespace twi::jose
