#include "libs/policy/workload_render.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/policy/test_policies.h"
#include "testing/status_matchers.h"

namespace twi::policy {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

void ExpectSamePolicy(const WorkloadPolicy& a, const WorkloadPolicy& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.identifier, b.identifier);
  EXPECT_EQ(a.claims, b.claims);
  EXPECT_EQ(a.formats, b.formats);
  EXPECT_EQ(a.x509_svid_ttl, b.x509_svid_ttl);
  EXPECT_EQ(a.wit_ttl, b.wit_ttl);
  ASSERT_EQ(a.releases.size(), b.releases.size());
  for (size_t i = 0; i < a.releases.size(); ++i) {
    EXPECT_EQ(a.releases[i].name, b.releases[i].name);
    EXPECT_EQ(a.releases[i].tee, b.releases[i].tee);
    EXPECT_EQ(a.releases[i].measurements, b.releases[i].measurements);
    EXPECT_EQ(a.releases[i].agents, b.releases[i].agents);
    EXPECT_EQ(a.releases[i].min_svn, b.releases[i].min_svn);
    EXPECT_EQ(a.releases[i].allow_debug, b.releases[i].allow_debug);
  }
}

TEST(WorkloadRenderTest, RendersWhatParsesBackToTheSamePolicy) {
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy original, ParseWorkloadPolicy(testing::PayrollYaml()));
  const std::string yaml = RenderWorkloadPolicy(original, "written by a test\nsecond line");
  EXPECT_THAT(yaml, StartsWith("# written by a test\n# second line\nversion: 1\n"));
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy parsed, ParseWorkloadPolicy(yaml));
  ExpectSamePolicy(original, parsed);
  EXPECT_NE(parsed.id, "");
}

TEST(WorkloadRenderTest, QuotesStringsSoThatYamlCannotRetypeThem) {
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy policy, ParseWorkloadPolicy(testing::PayrollYaml()));
  policy.claims = {{"region", "no"}, {"version", "1.10"}, {"tier", 3},
                   {"pii", true},    {"flag", "true"},    {"odd", "a: b"}};
  policy.releases[0].name = "1.10";
  const std::string yaml = RenderWorkloadPolicy(policy);
  EXPECT_THAT(yaml, HasSubstr("region: \"no\""));
  EXPECT_THAT(yaml, HasSubstr("version: \"1.10\""));
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy parsed, ParseWorkloadPolicy(yaml));
  ExpectSamePolicy(policy, parsed);
}

// IMA measurements name paths: colons, slashes and spaces survive the round trip.
TEST(WorkloadRenderTest, ImaMeasurementNamesRoundTrip) {
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy policy, ParseWorkloadPolicy(testing::PayrollYaml()));
  policy.releases[0].measurements["ima:/usr/bin/payroll"] = {Bytes(32, 0xab)};
  policy.releases[0].measurements["ima:/opt/pay roll/run: now"] = {Bytes(48, 0xcd)};
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy parsed, ParseWorkloadPolicy(RenderWorkloadPolicy(policy)));
  ExpectSamePolicy(policy, parsed);
  EXPECT_EQ(parsed.releases[0].measurements.count("ima:/usr/bin/payroll"), 1u);
}

TEST(WorkloadRenderTest, SupportsSha384DigestsAndNoReleases) {
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy policy, ParseWorkloadPolicy(testing::PayrollYaml()));
  policy.releases[0].measurements["image"] = {Bytes(48, 0xab)};
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy with_384, ParseWorkloadPolicy(RenderWorkloadPolicy(policy)));
  ExpectSamePolicy(policy, with_384);
  policy.releases.clear();
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy none, ParseWorkloadPolicy(RenderWorkloadPolicy(policy)));
  EXPECT_TRUE(none.releases.empty());
}

TEST(WorkloadRenderTest, SimpleWorkloadParsesAndMatchesItsReleases) {
  ASSERT_OK_AND_ASSIGN(
      WorkloadPolicy policy,
      SimpleWorkload("orders", "spiffe://example.org/orders", "sample",
                     {{"1", testing::Sha256Raw('1')}, {"2", testing::Sha256Raw('2')}},
                     testing::Sha256Raw('a'), 2));
  ASSERT_OK_AND_ASSIGN(WorkloadPolicy parsed, ParseWorkloadPolicy(RenderWorkloadPolicy(policy)));
  ExpectSamePolicy(policy, parsed);
  ASSERT_EQ(parsed.releases.size(), 2u);
  EXPECT_EQ(parsed.releases[1].measurements.at("image")[0], testing::Sha256Raw('2'));
  EXPECT_EQ(parsed.releases[0].min_svn, 2u);
  EXPECT_THAT(SimpleWorkload("x", "not-a-spiffe-id", "sample", {}, {}),
              ::twi::testing::HasReason(Reason::kConfigInvalid));
}

}  // namespace
}  // namespace twi::policy
