// Interop of twi's DSSE with an independent implementation: testdata/dsse_interop.py, written
// from the DSSE spec over python3-cryptography. Envelopes twi signs verify there (and fail there
// once tampered), and envelopes it signs verify in twi. Skipped when /usr/bin/python3 or its
// cryptography module is missing.
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/keys.h"
#include "libs/provenance/dsse.h"
#include "libs/provenance/in_toto.h"
#include "libs/provenance/provenance_test_util.h"
#include "testing/status_matchers.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace twi::provenance {
namespace {

using ::twi::crypto::SignatureAlgorithm;
using ::twi::provenance::testing::NewTestSigner;
using ::twi::provenance::testing::TestdataPath;
using ::twi::testing::HasReason;

// Always the system interpreter, so that Debian's python3-cryptography is what is tested.
constexpr char kPython[] = "/usr/bin/python3";

class DsseInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " is not installed";
    const std::string probe = std::string(kPython) +
                              " -c 'import cryptography.hazmat.primitives.asymmetric.ed25519'"
                              " >/dev/null 2>&1";
    if (std::system(probe.c_str()) != 0) {
      GTEST_SKIP() << "python3-cryptography is not installed (apt-get install "
                      "python3-cryptography)";
    }
  }

  // Runs testdata/dsse_interop.py `mode` on dir_ and returns its stdout parsed as JSON.
  void RunScript(const std::string& mode, Json* out) {
    const twi::testing::CommandResult result =
        twi::testing::RunCommand({kPython, TestdataPath("dsse_interop.py"), mode, dir_.path()});
    ASSERT_TRUE(result.ok()) << "dsse_interop.py " << mode << " exited with " << result.exit_code
                             << "\n"
                             << result.err;
    ASSERT_OK_AND_ASSIGN(*out, ParseJsonObject(result.out));
  }

  twi::testing::TempDir dir_;
};

TEST_F(DsseInteropTest, TwiEnvelopesVerifyInPython) {
  struct Case {
    std::string name;
    SignatureAlgorithm algorithm;
    std::string keyid;
  };
  const Case cases[] = {{"ec-p256", SignatureAlgorithm::kEcdsaP256Sha256, "twi-p256"},
                        {"ec-p384", SignatureAlgorithm::kEcdsaP384Sha384, "twi-p384"},
                        {"ed25519", SignatureAlgorithm::kEd25519, ""}};
  Json expected_sha256;
  for (const Case& c : cases) {
    ASSERT_OK_AND_ASSIGN(auto signer, NewTestSigner(c.algorithm));
    const Statement statement{
        .subject = {{.name = c.name,
                     .uri = "",
                     .digest = {{"sha256", HexEncode(crypto::Sha256(AsBytes(c.name)))}},
                     .media_type = ""}},
        .predicate_type = "https://twi.example/interop/v1",
        .predicate = {{"text", "caf\xc3\xa9 \"quoted\" \\ /"}}};
    const std::string payload = EncodeStatement(statement);
    ASSERT_OK_AND_ASSIGN(const DsseEnvelope envelope,
                         SignDsse(kInTotoPayloadType, AsBytes(payload), *signer, c.keyid));
    ASSERT_OK(WriteFileAtomic(dir_.File(c.name + ".dsse.json"), EncodeDsse(envelope)));
    ASSERT_OK(WriteFileAtomic(dir_.File(c.name + ".pub.pem"), signer->public_key().ToPem()));
    expected_sha256[c.name] = HexEncode(crypto::Sha256(AsBytes(payload)));
  }

  Json result;
  ASSERT_NO_FATAL_FAILURE(RunScript("verify", &result));
  ASSERT_EQ(result.size(), std::size(cases));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Json& checked = result[c.name];
    EXPECT_EQ(checked["verified"], true);
    EXPECT_EQ(checked["payload_type"], kInTotoPayloadType);
    EXPECT_EQ(checked["payload_sha256"], expected_sha256[c.name]);
    EXPECT_EQ(checked["keyids"], Json::array({c.keyid}));
    EXPECT_EQ(checked["tamper_rejected"], true);
    EXPECT_EQ(checked["type_tamper_rejected"], true);
  }
}

TEST_F(DsseInteropTest, PythonEnvelopesVerifyInTwi) {
  Json printed;
  ASSERT_NO_FATAL_FAILURE(RunScript("sign", &printed));
  ASSERT_EQ(printed.size(), 4u);  // ec-p256, ec-p384 (URL-safe, unpadded), ed25519, two-signers
  for (const auto& [name, expected] : printed.items()) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(const std::string text, ReadFile(dir_.File(name + ".dsse.json")));
    ASSERT_OK_AND_ASSIGN(const std::string pem, ReadFile(dir_.File(name + ".pub.pem")));
    ASSERT_OK_AND_ASSIGN(const crypto::PublicKey key, crypto::PublicKey::FromPem(pem));
    ASSERT_OK_AND_ASSIGN(const crypto::SignatureAlgorithm algorithm,
                         crypto::DefaultSignatureAlgorithm(key.type()));

    ASSERT_OK_AND_ASSIGN(const DsseEnvelope envelope, ParseDsse(text));
    EXPECT_EQ(envelope.payload_type, expected["payload_type"]);
    EXPECT_EQ(HexEncode(envelope.payload), expected["payload_hex"]);
    std::vector<std::string> keyids;
    for (const DsseSignature& signature : envelope.signatures) keyids.push_back(signature.keyid);
    EXPECT_EQ(Json(keyids), expected["keyids"]);
    EXPECT_OK(VerifyDsse(envelope, key, algorithm));
    ASSERT_OK_AND_ASSIGN(const Statement statement, ParseStatement(AsString(envelope.payload)));
    EXPECT_EQ(statement.subject[0].name, name);

    DsseEnvelope tampered = envelope;
    tampered.payload[0] ^= 1;
    EXPECT_THAT(VerifyDsse(tampered, key, algorithm), HasReason(Reason::kDsseSignatureInvalid));
  }
}

}  // namespace
}  // namespace twi::provenance
