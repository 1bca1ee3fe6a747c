// Interop with python3-jwcrypto: tokens and keys made by twi verify in jwcrypto, and tokens and
// keys made by jwcrypto verify in twi, with equal RFC 7638 thumbprints on both sides. Drives
// testdata/jwcrypto_check.py; skipped when /usr/bin/python3 or jwcrypto is missing.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/jose/jose_test_util.h"
#include "libs/jose/jwt.h"
#include "testing/status_matchers.h"
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

  // Runs the script in `mode` on dir_ and returns its stdout parsed as JSON.
  void RunScript(const std::string& mode, Json* out) {
    const std::string command = std::string(kPython) + " '" + TestdataPath("jwcrypto_check.py") +
                                "' " + mode + " '" + dir_.path() + "' 2>'" +
                                dir_.File("stderr.txt") + "'";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr) << command;
    std::string output;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) output.append(buffer, n);
    const int status = pclose(pipe);
    ASSERT_EQ(status, 0) << command << "\n" << ReadFile(dir_.File("stderr.txt")).value_or("");
    ASSERT_OK_AND_ASSIGN(*out, ParseJsonObject(output));
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
  ASSERT_NO_FATAL_FAILURE(RunScript("verify", &result));
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
  ASSERT_NO_FATAL_FAILURE(RunScript("generate", &printed));
  ASSERT_OK_AND_ASSIGN(std::string jwks_text, ReadFile(dir_.File("jwks.json")));
  ASSERT_OK_AND_ASSIGN(std::string tokens_text, ReadFile(dir_.File("tokens.json")));
  EXPECT_EQ(Json::parse(tokens_text), printed);
  jose::testing::ExpectJwcryptoTokensVerify(jwks_text, tokens_text);
}

}  // namespace
}  // namespace twi::jose
