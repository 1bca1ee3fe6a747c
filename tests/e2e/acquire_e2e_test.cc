// End to end with real processes: `twi server` serves one deployment; `twi agent acquire`
// obtains credentials through mechanisms A and B; `twi verify` checks them as a relying party.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "testing/status_matchers.h"
#include "tests/e2e/deployment_fixture.h"

namespace twi::e2e {
namespace {

using ::testing::HasSubstr;

class AcquireTest : public DeploymentTest {
 protected:
  Json AcquireJson(const std::string& mechanism, const std::string& out_dir,
                   const std::string& image = kImageV1) {
    const testing::CommandResult r = Acquire(mechanism, out_dir, image, {"--json"});
    EXPECT_TRUE(r.ok()) << r.out << r.err;
    auto json = ParseJsonObject(r.out);
    return json.ok() ? *json : Json::object();
  }
  testing::CommandResult Verify(const std::string& what, const std::string& flag,
                                const std::string& file, const std::string& keys_flag,
                                const std::string& keys) {
    std::vector<std::string> args = {"verify", what, flag, file, keys_flag, keys};
    if (what != "ear") {
      args.push_back("--trust-domain");
      args.push_back(kTrustDomain);
    }
    return Twi(args);
  }
};

TEST_F(AcquireTest, MechanismsAAndBWriteEveryArtifactAndTheyVerify) {
  for (const std::string mechanism : {"A", "B"}) {
    SCOPED_TRACE(mechanism);
    const std::string o = out(mechanism);
    const Json result = AcquireJson(mechanism, o);
    EXPECT_EQ(result.value("mechanism", ""), mechanism);
    EXPECT_EQ(result.value("spiffe_id", ""), kWorkloadId);
    for (const char* file :
         {"svid.pem", "svid.key", "bundle.pem", "bundle.jwks", "wit.jwt", "ear.jwt"}) {
      EXPECT_TRUE(std::filesystem::exists(o + "/" + file)) << file;
    }
    EXPECT_EQ(std::filesystem::status(o + "/svid.key").permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto svid =
        Verify("x509-svid", "--svid", o + "/svid.pem", "--bundle", o + "/bundle.jwks");
    EXPECT_TRUE(svid.ok()) << svid.err;
    EXPECT_THAT(svid.out, HasSubstr(kWorkloadId));
    const auto wit = Verify("wit", "--token", o + "/wit.jwt", "--bundle", o + "/bundle.jwks");
    EXPECT_TRUE(wit.ok()) << wit.err;
    const auto ear =
        Verify("ear", "--token", o + "/ear.jwt", "--jwks", dir() + "/pki/verifier-ear.jwks");
    EXPECT_TRUE(ear.ok()) << ear.err;
    EXPECT_THAT(ear.out, HasSubstr("affirming"));
  }
}

TEST_F(AcquireTest, AnAuthorizedNewReleaseKeepsTheIdentifierWithANewKey) {
  const Json v1 = AcquireJson("A", out("v1"), kImageV1);
  const Json v2 = AcquireJson("A", out("v2"), kImageV2);
  EXPECT_EQ(v1.value("spiffe_id", "a"), v2.value("spiffe_id", "b"));
  EXPECT_NE(v1.value("key_thumbprint", ""), v2.value("key_thumbprint", ""));
  EXPECT_NE(v1.value("x509_serial", ""), v2.value("x509_serial", ""));
}

TEST_F(AcquireTest, RefusalsCarryTheReasonAndWriteNothing) {
  struct Case {
    std::string image;
    std::vector<std::string> extra;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {kImageUnknown, {}, "UNKNOWN_MEASUREMENT"},
      {kImageV1, {"--debug"}, "DEBUG_FORBIDDEN"},
      {kImageV1, {"--svn", "1"}, "SVN_TOO_LOW"},
      {kImageV1, {"--formats", "jwt-svid"}, "FORMAT_NOT_ALLOWED"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reason);
    const std::string o = out("refused-" + c.reason);
    std::vector<std::string> extra = c.extra;
    extra.push_back("--json");
    const testing::CommandResult r = Acquire("A", o, c.image, extra);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.reason));
    auto json = ParseJsonObject(r.out);
    ASSERT_OK(json);
    EXPECT_EQ((*json)["error"]["reason"], c.reason);
    EXPECT_FALSE(std::filesystem::exists(o));
  }
}

TEST_F(AcquireTest, RelyingPartyRefusesTamperedAndForeignCredentials) {
  const std::string o = out("A");
  AcquireJson("A", o);
  ASSERT_OK_AND_ASSIGN(std::string wit, ReadFile(o + "/wit.jwt"));
  wit[wit.size() - 5] = wit[wit.size() - 5] == 'A' ? 'B' : 'A';
  ASSERT_OK(WriteFileAtomic(o + "/tampered.jwt", wit));
  const auto tampered =
      Verify("wit", "--token", o + "/tampered.jwt", "--bundle", o + "/bundle.jwks");
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_THAT(tampered.err, HasSubstr("SIGNATURE_INVALID"));
  const auto other_domain = Twi({"verify", "x509-svid", "--svid", o + "/svid.pem", "--bundle",
                                 o + "/bundle.jwks", "--trust-domain", "other.test"});
  EXPECT_EQ(other_domain.exit_code, 1);
  EXPECT_THAT(other_domain.err, HasSubstr("SPIFFE_ID_INVALID"));
  // An EAR checked against keys that are not the verifier's.
  const auto ear = Verify("ear", "--token", o + "/ear.jwt", "--jwks", o + "/bundle.jwks");
  EXPECT_EQ(ear.exit_code, 1);
  EXPECT_THAT(ear.err, HasSubstr("EAR_UNTRUSTED_KEY"));
}

TEST_F(AcquireTest, HealthAndBundleEndpointsAnswer) {
  const std::string ca = dir() + "/pki/internal-ca.pem";
  const auto health = testing::RunCommand(
      {"curl", "-sS", "--fail", "--cacert", ca, server_.public_url() + "/healthz"});
  ASSERT_TRUE(health.ok()) << health.err;
  EXPECT_THAT(health.out, HasSubstr("\"ok\""));
  const auto bundle = testing::RunCommand(
      {"curl", "-sS", "--fail", "--cacert", ca, server_.public_url() + "/v1/bundle"});
  ASSERT_TRUE(bundle.ok()) << bundle.err;
  EXPECT_THAT(bundle.out, HasSubstr("spiffe_refresh_hint"));
  EXPECT_THAT(bundle.out, HasSubstr("\"wit-svid\""));
  // Plain TLS 1.2 is refused: the servers speak TLS 1.3 only.
  const auto tls12 = testing::RunCommand(
      {"curl", "-sS", "--tls-max", "1.2", "--cacert", ca, server_.public_url() + "/healthz"});
  EXPECT_FALSE(tls12.ok());
}

}  // namespace
}  // namespace twi::e2e
