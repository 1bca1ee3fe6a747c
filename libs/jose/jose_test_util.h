// Test-only helpers shared by the libs/jose tests. Never linked into shipped code.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/jose/algorithm.h"
#include "libs/jose/jwk.h"
#include "libs/jose/jwt.h"
#include "testing/status_matchers.h"

namespace twi::jose::testing {

// A software signer over a fresh key of the type `alg` needs.
inline absl::StatusOr<std::unique_ptr<crypto::Signer>> NewTestSigner(Algorithm alg) {
  const crypto::SignatureAlgorithm signature = ToSignatureAlgorithm(alg);
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                       crypto::PrivateKey::Generate(crypto::SignatureKeyType(signature)));
  return crypto::NewSoftwareSigner(std::move(key), signature);
}

// A compact JWS assembled from raw parts, for inputs SignCompact would never produce.
inline std::string Compact(std::string_view header, std::string_view payload,
                           ByteView signature = {}) {
  return Base64UrlEncode(AsBytes(header)) + "." + Base64UrlEncode(AsBytes(payload)) + "." +
         Base64UrlEncode(signature);
}

// Path of a file in libs/jose/testdata.
inline std::string TestdataPath(std::string_view name) {
  return std::string(TWI_JOSE_TESTDATA_DIR) + "/" + std::string(name);
}

// Checks the output of `jwcrypto_check.py generate` (jwks.json and tokens.json texts): every
// thumbprint equals jwcrypto's, every token verifies to the claims jwcrypto signed, and each is
// rejected after a one-character change, an hour later, or without its algorithm allowed.
inline void ExpectJwcryptoTokensVerify(std::string_view jwks_text, std::string_view tokens_text) {
  ASSERT_OK_AND_ASSIGN(Jwks keys, Jwks::Parse(jwks_text));
  absl::StatusOr<Json> parsed = ParseJsonObject(tokens_text);
  ASSERT_OK(parsed);
  const Json& thumbprints = (*parsed)["thumbprints"];
  ASSERT_EQ(keys.keys().size(), thumbprints.size());
  for (const Jwk& key : keys.keys()) {
    ASSERT_TRUE(key.kid().has_value());
    EXPECT_EQ(key.Thumbprint(), thumbprints.at(*key.kid())) << *key.kid();
  }

  const Json& tokens = (*parsed)["tokens"];
  ASSERT_EQ(tokens.size(), 5u);  // ES256, ES384, EdDSA, RS256, PS256
  JwtValidation validation;
  validation.allowed_algorithms = {Algorithm::kES256, Algorithm::kES384, Algorithm::kEdDSA,
                                   Algorithm::kRS256, Algorithm::kPS256};
  validation.typ = "wit+jwt";
  validation.issuer = "https://jwcrypto.example";
  validation.audience = "twi-test";
  validation.require_iat = true;
  const absl::Time now = absl::FromUnixSeconds(1'790'000'100);  // the script's iat + 100 s
  for (const auto& [name, token] : tokens.items()) {
    SCOPED_TRACE(name);
    const std::string compact = token.at("compact");
    ASSERT_OK_AND_ASSIGN(Jwt jwt, VerifyJwt(compact, keys, validation, now));
    EXPECT_EQ(AlgorithmName(jwt.alg), token.at("alg"));
    EXPECT_EQ(jwt.kid, token.at("kid").get<std::string>());
    EXPECT_EQ(jwt.claims, token.at("claims"));

    std::string tampered = compact;
    char& c = tampered[compact.rfind('.') + 20];
    c = c == 'A' ? 'B' : 'A';
    EXPECT_THAT(VerifyJwt(tampered, keys, validation, now),
                ::twi::testing::HasReason(Reason::kSignatureInvalid));
    EXPECT_THAT(VerifyJwt(compact, keys, validation, now + absl::Hours(1)),
                ::twi::testing::HasReason(Reason::kJwtExpired));
    JwtValidation narrow = validation;
    std::erase(narrow.allowed_algorithms, jwt.alg);
    EXPECT_THAT(VerifyJwt(compact, keys, narrow, now),
                ::twi::testing::HasReason(Reason::kJoseAlgorithmNotAllowed));
  }
}

}  // namespace twi::jose::testing
