// Interop with python3-jwcrypto: tokens and keys made by twi verify in jwcrypto, and tokens and
// keys made by jwcrypto verify in twi, with equal RFC 7638 thumbprints on both sides; JWEs
// made by either side decrypt in the other. Drives testdata/jwcrypto_check.py and
// testdata/jwcrypto_jwe.py; skipped when /usr/bin/python3 or jwcrypto is missing.
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/crypto/random.h"
#include "libs/jose/jose_test_util.h"
#include "libs/jose/jwe.h"
#include "libs/jose/jwt.h"
#include "testing/status_matchers.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace twi::jose {
namespace {

using ::twi::jose::testing::NewTestSigner;
using ::twi::jose::testing::TestdataPath;

// Always the system interpreter, so that the Debian python3-jwcrypto is what is tested.
constexpr char kPython[] = "/usr/bin/python3";
constexpr int64_t kIssuedAt = 1'790'000'000;

class JwcryptoInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " is not installed";
    const std::string probe = std::string(kPython) + " -c 'import jwcrypto' >/dev/null 2>&1";
    if (std::system(probe.c_str()) != 0) {
      GTEST_SKIP() << "python3-jwcrypto is not installed (apt-get install python3-jwcrypto)";
    }
  }

  // Runs testdata/`script` in `mode` on dir_ and returns its stdout parsed as JSON.
  void RunScript(const std::string& script, const std::string& mode, Json* out) {
    const twi::testing::CommandResult result =
        twi::testing::RunCommand({kPython, TestdataPath(script), mode, dir_.path()});
    ASSERT_TRUE(result.ok()) << script << " " << mode << " exited with " << result.exit_code << "\n"
                             << result.err;
    ASSERT_OK_AND_ASSIGN(*out, ParseJsonObject(result.out));
  }

  twi::testing::TempDir dir_;
};

TEST_F(JwcryptoInteropTest, TwiTokensVerifyInJwcrypto) {
  struct Case {
    Algorithm alg;
    std::string name;
  };
  const Case cases[] = {
      {Algorithm::kES256, "es256"}, {Algorithm::kES384, "es384"}, {Algorithm::kEdDSA, "eddsa"}};
  Jwks keys;
  Json expected_claims;
  for (const Case& c : cases) {
    ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(c.alg));
    const std::string kid = "twi-" + c.name;
    keys.Add(Jwk::FromPublicKey(signer->public_key()).set_kid(kid).set_alg(c.alg));
    const Json claims = {{"iss", "https://twi.example"},
                         {"sub", "spiffe://example.org/workload/" + c.name},
                         {"aud", Json::array({"jwcrypto"})},
                         {"iat", kIssuedAt},
                         {"exp", kIssuedAt + 600},
                         {"text", "caf\xc3\xa9 \"quoted\" \\ /"},
                         {"nested", {{"list", Json::array({1, 2.5, nullptr, true})}}}};
    ASSERT_OK_AND_ASSIGN(std::string token,
                         SignJwt(Json{{"typ", "wit+jwt"}, {"kid", kid}}, claims, *signer));
    ASSERT_OK(WriteFileAtomic(dir_.File(c.name + ".jwt"), token));
    expected_claims[c.name] = claims;
  }
  ASSERT_OK(WriteFileAtomic(dir_.File("jwks.json"), DumpJson(keys.ToJson())));

  Json result;
  ASSERT_NO_FATAL_FAILURE(RunScript("jwcrypto_check.py", "verify", &result));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Json& token = result["tokens"][c.name];
    EXPECT_EQ(token["claims"], expected_claims[c.name]);
    EXPECT_EQ(token["header"]["alg"], AlgorithmName(c.alg));
    EXPECT_EQ(token["header"]["typ"], "wit+jwt");
    EXPECT_EQ(token["header"]["kid"], "twi-" + c.name);
    EXPECT_EQ(token["tamper_rejected"], true);
  }
  EXPECT_EQ(result["tokens"].size(), 3u);
  ASSERT_EQ(result["thumbprints"].size(), keys.keys().size());
  for (const Jwk& key : keys.keys()) {
    EXPECT_EQ(result["thumbprints"][*key.kid()], key.Thumbprint()) << *key.kid();
  }
}

TEST_F(JwcryptoInteropTest, JwcryptoTokensVerifyInTwi) {
  Json printed;
  ASSERT_NO_FATAL_FAILURE(RunScript("jwcrypto_check.py", "generate", &printed));
  ASSERT_OK_AND_ASSIGN(std::string jwks_text, ReadFile(dir_.File("jwks.json")));
  ASSERT_OK_AND_ASSIGN(std::string tokens_text, ReadFile(dir_.File("tokens.json")));
  EXPECT_EQ(Json::parse(tokens_text), printed);
  jose::testing::ExpectJwcryptoTokensVerify(jwks_text, tokens_text);
}

// The recipient key types of JWE, by the file names the script sees.
struct JweRecipient {
  crypto::KeyType type;
  std::string name;
  JweAlgorithm alg;
};
const JweRecipient kJweRecipients[] = {
    {crypto::KeyType::kEcP256, "ec-p256", JweAlgorithm::kEcdhEsA256Kw},
    {crypto::KeyType::kEcP384, "ec-p384", JweAlgorithm::kEcdhEsA256Kw},
    {crypto::KeyType::kRsa, "rsa-2048", JweAlgorithm::kRsaOaep256},
};

TEST_F(JwcryptoInteropTest, TwiJweDecryptsInJwcrypto) {
  Json expected_plaintexts;
  for (const JweRecipient& r : kJweRecipients) {
    ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey key, crypto::PrivateKey::Generate(r.type));
    Bytes plaintext = ToBytes("twi to jwcrypto: " + r.name + " caf\xc3\xa9 ");
    const Bytes random = crypto::RandomBytes(40);
    plaintext.insert(plaintext.end(), random.begin(), random.end());
    ASSERT_OK_AND_ASSIGN(const std::string jwe,
                         JweEncrypt(plaintext, key.public_key(),
                                    {.kid = r.name, .cty = "text/plain", .typ = std::nullopt}));
    ASSERT_OK(WriteFileAtomic(dir_.File(r.name + ".key.pem"), key.ToPkcs8Pem().as_string(), 0600));
    ASSERT_OK(WriteFileAtomic(dir_.File(r.name + ".jwe"), jwe));
    expected_plaintexts[r.name] = HexEncode(plaintext);
  }

  Json result;
  ASSERT_NO_FATAL_FAILURE(RunScript("jwcrypto_jwe.py", "decrypt", &result));
  EXPECT_EQ(result.size(), std::size(kJweRecipients));
  for (const JweRecipient& r : kJweRecipients) {
    SCOPED_TRACE(r.name);
    const Json& jwe = result[r.name];
    EXPECT_EQ(jwe["plaintext_hex"], expected_plaintexts[r.name]);
    EXPECT_EQ(jwe["header"]["alg"], JweAlgorithmName(r.alg));
    EXPECT_EQ(jwe["header"]["enc"], "A256GCM");
    EXPECT_EQ(jwe["header"]["kid"], r.name);
    EXPECT_EQ(jwe["header"]["cty"], "text/plain");
    EXPECT_EQ(jwe["tamper_rejected"], true);
  }
}

TEST_F(JwcryptoInteropTest, JwcryptoJweDecryptsInTwi) {
  std::vector<crypto::PrivateKey> keys;
  for (const JweRecipient& r : kJweRecipients) {
    ASSERT_OK_AND_ASSIGN(crypto::PrivateKey key, crypto::PrivateKey::Generate(r.type));
    ASSERT_OK(WriteFileAtomic(dir_.File(r.name + ".pub.pem"), key.public_key().ToPem()));
    keys.push_back(std::move(key));
  }

  Json result;
  ASSERT_NO_FATAL_FAILURE(RunScript("jwcrypto_jwe.py", "encrypt", &result));
  // One JWE per key, and for EC keys a second whose "apu" and "apv" enter the KDF.
  EXPECT_EQ(result.size(), 5u);
  for (size_t i = 0; i < std::size(kJweRecipients); ++i) {
    const JweRecipient& r = kJweRecipients[i];
    const bool ec = r.alg == JweAlgorithm::kEcdhEsA256Kw;
    for (const std::string& name : ec ? std::vector<std::string>{r.name, r.name + "-apu"}
                                      : std::vector<std::string>{r.name}) {
      SCOPED_TRACE(name);
      ASSERT_TRUE(result.contains(name));
      const Json& jwe = result[name];
      EXPECT_EQ(jwe["alg"], JweAlgorithmName(r.alg));
      const std::string compact = jwe.at("compact");
      ASSERT_OK_AND_ASSIGN(const JweDecrypted out, JweDecrypt(compact, keys[i]));
      EXPECT_EQ(HexEncode(out.plaintext.view()), jwe["plaintext_hex"]);
      EXPECT_EQ(out.alg, r.alg);
      EXPECT_EQ(out.fields.kid, "twi-recipient");
      EXPECT_EQ(out.protected_header.contains("apu"), name.ends_with("-apu"));

      // The same JWE with one character of its tag changed, or for another key.
      std::string tampered = compact;
      char& c = tampered[compact.rfind('.') + 10];
      c = c == 'A' ? 'B' : 'A';
      EXPECT_THAT(JweDecrypt(tampered, keys[i]),
                  ::twi::testing::HasReason(Reason::kDecryptionFailed));
    }
  }
}

}  // namespace
}  // namespace twi::jose
