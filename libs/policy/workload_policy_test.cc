#include "libs/policy/workload_policy.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/digest.h"
#include "libs/policy/policy_matchers.h"
#include "libs/policy/test_policies.h"
#include "testing/status_matchers.h"

namespace twi::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::twi::policy::testing::ConfigErrorAt;
using ::twi::policy::testing::kAgentA;
using ::twi::policy::testing::kAgentB;
using ::twi::policy::testing::kImageV1;
using ::twi::policy::testing::kImageV2;
using ::twi::policy::testing::PayrollYaml;
using ::twi::policy::testing::Replace;
using ::twi::policy::testing::Sha256Raw;
using ::twi::policy::testing::Sha256Text;

TEST(WorkloadPolicyTest, ParsesTheExample) {
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy policy, ParseWorkloadPolicy(PayrollYaml()));
  EXPECT_EQ(policy.name, "payroll");
  EXPECT_EQ(policy.identifier.ToString(), "spiffe://example.org/workload/payroll");
  EXPECT_EQ(policy.claims, Json::parse(R"({"application": "Payroll Application", "location": "DE",
                                           "cleared_for_pii": true, "tier": 3})"));
  EXPECT_THAT(policy.formats, ElementsAre("x509-svid", "wit"));
  EXPECT_EQ(policy.x509_svid_ttl, absl::Hours(1));
  EXPECT_EQ(policy.wit_ttl, absl::Minutes(30));
  ASSERT_EQ(policy.releases.size(), 2u);

  const Release& first = policy.releases[0];
  EXPECT_EQ(first.name, "2026.11.0");
  EXPECT_EQ(first.tee, "sample");
  ASSERT_EQ(first.measurements.size(), 1u);
  EXPECT_THAT(first.measurements.at("image"), ElementsAre(Sha256Raw(kImageV1)));
  EXPECT_THAT(first.agents, ElementsAre(Sha256Raw(kAgentA)));
  EXPECT_EQ(first.min_svn, 3u);
  EXPECT_FALSE(first.allow_debug);

  const Release& second = policy.releases[1];
  EXPECT_THAT(second.measurements.at("image"), ElementsAre(Sha256Raw(kImageV2)));
  EXPECT_THAT(second.agents, ElementsAre(Sha256Raw(kAgentA), Sha256Raw(kAgentB)));
  EXPECT_EQ(second.min_svn, 0u);
  EXPECT_TRUE(second.allow_debug);
}

TEST(WorkloadPolicyTest, IdIsSha256OfTheExactBytes) {
  const std::string yaml = PayrollYaml();
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy policy, ParseWorkloadPolicy(yaml));
  EXPECT_EQ(policy.id, crypto::Sha256Id(AsBytes(yaml)));
  EXPECT_TRUE(policy.id.starts_with("sha256:"));
  // One byte more (a trailing space, same meaning) is a different policy for the audit trail.
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy changed, ParseWorkloadPolicy(yaml + " "));
  EXPECT_NE(changed.id, policy.id);
  EXPECT_EQ(changed.name, policy.name);
}

TEST(WorkloadPolicyTest, DefaultsApply) {
  const std::string yaml = R"(version: 1
kind: workload
name: minimal
identifier: spiffe://example.org/minimal
credentials:
  formats: [wit]
releases:
  - name: r1
    tee: sample
    measurements: {image: )" +
                           Sha256Text('1') + R"(}
    agents: [)" + Sha256Text('a') +
                           R"(]
)";
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy policy, ParseWorkloadPolicy(yaml));
  EXPECT_EQ(policy.claims, Json::object());
  EXPECT_EQ(policy.x509_svid_ttl, absl::Hours(1));
  EXPECT_EQ(policy.wit_ttl, absl::Hours(1));
  EXPECT_EQ(policy.releases[0].min_svn, 0u);
  EXPECT_FALSE(policy.releases[0].allow_debug);
}

TEST(WorkloadPolicyTest, AcceptsSha384AndEmptyReleaseList) {
  std::string yaml = Replace(PayrollYaml(), "image: " + Sha256Text(kImageV1),
                             "image: sha384:" + std::string(96, 'c'));
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy policy, ParseWorkloadPolicy(yaml));
  EXPECT_EQ(policy.releases[0].measurements.at("image")[0].size(), 48u);

  const std::string revoked =
      PayrollYaml().substr(0, PayrollYaml().find("releases:")) + "releases: []\n";
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy empty, ParseWorkloadPolicy(revoked));
  EXPECT_TRUE(empty.releases.empty());
}

struct BadCase {
  std::string name;
  std::string from;  // replaced in PayrollYaml() ...
  std::string to;    // ... by this
  std::string path;  // the path the error must name
};

class WorkloadPolicyErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(WorkloadPolicyErrorTest, NamesTheOffendingPath) {
  const std::string yaml = Replace(PayrollYaml(), GetParam().from, GetParam().to);
  ASSERT_NE(yaml, PayrollYaml()) << "test case does not change the document";
  EXPECT_THAT(ParseWorkloadPolicy(yaml), ConfigErrorAt(GetParam().path));
}

const std::string kImage1 = "image: " + Sha256Text(kImageV1);
const std::string kClaimsBlock =
    "claims:\n  application: Payroll Application\n  location: DE\n  cleared_for_pii: true\n"
    "  tier: 3\n";
const std::string kCredentialsBlock =
    "credentials:\n  formats: [x509-svid, wit]\n  x509_svid_ttl: 1h\n  wit_ttl: 30m\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, WorkloadPolicyErrorTest,
    ::testing::Values(
        BadCase{"UnknownTopKey", "name: payroll\n", "name: payroll\nowner: me\n", "owner"},
        BadCase{"MisspeltReleaseKey", "    min_svn: 3\n", "    min_svn: 3\n    imge: x\n",
                "releases[0].imge"},
        BadCase{"MisspeltSecondReleaseKey", "    allow_debug: true\n",
                "    allow_debug: true\n    imge: x\n", "releases[1].imge"},
        BadCase{"UnknownCredentialsKey", "  wit_ttl: 30m\n", "  wit_ttl: 30m\n  jwt_ttl: 1h\n",
                "credentials.jwt_ttl"},
        BadCase{"WrongVersion", "version: 1\n", "version: 2\n", "version"},
        BadCase{"WrongKind", "kind: workload\n", "kind: appraisal\n", "kind"},
        BadCase{"MissingName", "name: payroll\n", "", "name"},
        BadCase{"BadName", "name: payroll\n", "name: Payroll\n", "name"},
        BadCase{"LongName", "name: payroll\n", "name: " + std::string(64, 'a') + "\n", "name"},
        BadCase{"NumericName", "name: payroll\n", "name: 42\n", "name"},
        BadCase{"MissingIdentifier", "identifier: spiffe://example.org/workload/payroll\n", "",
                "identifier"},
        BadCase{"BadIdentifier", "spiffe://example.org/workload/payroll",
                "spiffe://Example.org/workload/payroll", "identifier"},
        BadCase{"RootIdentifier", "spiffe://example.org/workload/payroll", "spiffe://example.org",
                "identifier"},
        BadCase{"HttpIdentifier", "spiffe://example.org/workload/payroll",
                "https://example.org/workload/payroll", "identifier"},
        BadCase{"ClaimsNotMap", kClaimsBlock, "claims: [a]\n", "claims"},
        BadCase{"ClaimNested", "  location: DE\n", "  location: {country: DE}\n",
                "claims.location"},
        BadCase{"ClaimNull", "  location: DE\n", "  location: ~\n", "claims.location"},
        BadCase{"ClaimList", "  location: DE\n", "  location: [DE, FR]\n", "claims.location"},
        BadCase{"ClaimBadKey", "  location: DE\n", "  \"loc ation\": DE\n", "claims.loc ation"},
        BadCase{"ClaimTooLong", "  location: DE\n", "  location: " + std::string(1025, 'x') + "\n",
                "claims.location"},
        BadCase{"MissingCredentials", kCredentialsBlock, "", "credentials"},
        BadCase{"CredentialsNotMap", kCredentialsBlock, "credentials: [wit]\n", "credentials"},
        BadCase{"MissingFormats", "  formats: [x509-svid, wit]\n", "", "credentials.formats"},
        BadCase{"EmptyFormats", "formats: [x509-svid, wit]", "formats: []", "credentials.formats"},
        BadCase{"UnknownFormat", "formats: [x509-svid, wit]", "formats: [x509-svid, jwt-svid]",
                "credentials.formats[1]"},
        BadCase{"DuplicateFormat", "formats: [x509-svid, wit]", "formats: [wit, wit]",
                "credentials.formats[1]"},
        BadCase{"FormatsNotList", "formats: [x509-svid, wit]", "formats: wit",
                "credentials.formats"},
        BadCase{"BadTtl", "x509_svid_ttl: 1h", "x509_svid_ttl: 1 hour",
                "credentials.x509_svid_ttl"},
        BadCase{"ZeroTtl", "wit_ttl: 30m", "wit_ttl: 0s", "credentials.wit_ttl"},
        BadCase{"NegativeTtl", "wit_ttl: 30m", "wit_ttl: -30m", "credentials.wit_ttl"},
        BadCase{"NumericTtl", "wit_ttl: 30m", "wit_ttl: 30", "credentials.wit_ttl"},
        BadCase{"ReleaseNotMap", "  - name: \"2026.11.0\"\n",
                "  - just-a-string\n  - name: \"2026.11.0\"\n", "releases[0]"},
        BadCase{"MissingReleaseName", "  - name: \"2026.11.0\"\n    tee: sample", "  - tee: sample",
                "releases[0].name"},
        BadCase{"FloatReleaseName", "name: \"2026.11.0\"", "name: 2026.11", "releases[0].name"},
        BadCase{"DuplicateReleaseName", "name: \"2026.12.0\"", "name: \"2026.11.0\"",
                "releases[1].name"},
        BadCase{"BadTee", "    tee: sample\n    measurements:\n      image: [",
                "    tee: SEV_SNP\n    measurements:\n      image: [", "releases[1].tee"},
        BadCase{"MissingMeasurements", "    measurements:\n      " + kImage1 + "\n", "",
                "releases[0].measurements"},
        BadCase{"EmptyMeasurements", "    measurements:\n      " + kImage1 + "\n",
                "    measurements: {}\n", "releases[0].measurements"},
        BadCase{"BadDigest", kImage1, "image: sha256:1234", "releases[0].measurements.image"},
        BadCase{"NonHexDigest", kImage1, "image: sha256:" + std::string(64, 'g'),
                "releases[0].measurements.image"},
        BadCase{"UnprefixedDigest", kImage1, "image: " + std::string(64, '1'),
                "releases[0].measurements.image"},
        BadCase{"BadDigestInList", "image: [" + Sha256Text(kImageV2) + "]",
                "image: [" + Sha256Text(kImageV2) + ", sha256:00]",
                "releases[1].measurements.image[1]"},
        BadCase{"DuplicateDigestInList", "image: [" + Sha256Text(kImageV2) + "]",
                "image: [" + Sha256Text(kImageV2) + ", " + Sha256Text(kImageV2) + "]",
                "releases[1].measurements.image[1]"},
        BadCase{"EmptyDigestList", "image: [" + Sha256Text(kImageV2) + "]", "image: []",
                "releases[1].measurements.image"},
        BadCase{"AgentAsMeasurement", kImage1, kImage1 + "\n      agent: " + Sha256Text('a'),
                "releases[0].measurements.agent"},
        BadCase{"BadMeasurementName", kImage1, "Image: " + Sha256Text(kImageV1),
                "releases[0].measurements.Image"},
        BadCase{"EmptyImaPath", kImage1, kImage1 + "\n      \"ima:\": " + Sha256Text('a'),
                "releases[0].measurements.ima:"},
        BadCase{"ImaPathWithControl", kImage1,
                kImage1 + "\n      \"ima:/bin/\\tx\": " + Sha256Text('a'),
                "releases[0].measurements.ima:/bin/\tx"},
        BadCase{"MissingAgents", "    agents: [" + Sha256Text(kAgentA) + "]\n    min_svn",
                "    min_svn", "releases[0].agents"},
        BadCase{"EmptyAgents", "    agents: [" + Sha256Text(kAgentA) + "]\n    min_svn",
                "    agents: []\n    min_svn", "releases[0].agents"},
        BadCase{"AgentsNotList", "    agents: [" + Sha256Text(kAgentA) + "]\n    min_svn",
                "    agents: " + Sha256Text(kAgentA) + "\n    min_svn", "releases[0].agents"},
        BadCase{"BadAgentDigest", "agents: [" + Sha256Text(kAgentA) + ", ",
                "agents: [" + Sha256Text(kAgentA) + ", sha1:00, ", "releases[1].agents[1]"},
        BadCase{"NegativeSvn", "min_svn: 3", "min_svn: -1", "releases[0].min_svn"},
        BadCase{"HugeSvn", "min_svn: 3", "min_svn: 4294967296", "releases[0].min_svn"},
        BadCase{"StringSvn", "min_svn: 3", "min_svn: \"3\"", "releases[0].min_svn"},
        BadCase{"YesDebug", "allow_debug: false", "allow_debug: yes", "releases[0].allow_debug"},
        BadCase{"DuplicateKey", "name: payroll\n", "name: payroll\nname: other\n", "name"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(WorkloadPolicyTest, ReleasesAreRequiredAndMustBeAList) {
  const std::string head = PayrollYaml().substr(0, PayrollYaml().find("releases:"));
  EXPECT_THAT(ParseWorkloadPolicy(head), ConfigErrorAt("releases"));
  EXPECT_THAT(ParseWorkloadPolicy(head + "releases: {}\n"), ConfigErrorAt("releases"));
  EXPECT_THAT(ParseWorkloadPolicy(head + "releases: r1\n"), ConfigErrorAt("releases"));
}

TEST(WorkloadPolicyTest, RejectsNonYamlAndOversizedInput) {
  EXPECT_THAT(ParseWorkloadPolicy("{{{"), ConfigErrorAt("document"));
  EXPECT_THAT(ParseWorkloadPolicy(PayrollYaml() + "#" + std::string(1024 * 1024, 'x')),
              ConfigErrorAt("document"));
}

TEST(WorkloadPolicyTest, ErrorMessageSaysWhatIsWrong) {
  auto status = ParseWorkloadPolicy(
      Replace(PayrollYaml(), "    min_svn: 3\n", "    min_svn: 3\n    imge: x\n"));
  EXPECT_EQ(status.status().message(), "releases[0].imge: unknown key");
  status = ParseWorkloadPolicy(Replace(PayrollYaml(), "allow_debug: false", "allow_debug: yes"));
  EXPECT_THAT(status.status().message(), HasSubstr("true or false"));
}

}  // namespace
}  // namespace twi::policy
