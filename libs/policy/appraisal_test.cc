#include "libs/policy/appraisal.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/policy/test_policies.h"
#include "testing/status_matchers.h"

namespace twi::policy {
namespace {

using ::testing::HasSubstr;
using ::twi::policy::testing::AppraisalYaml;
using ::twi::policy::testing::BillingYaml;
using ::twi::policy::testing::kAgentA;
using ::twi::policy::testing::kAgentB;
using ::twi::policy::testing::kImageV1;
using ::twi::policy::testing::kImageV2;
using ::twi::policy::testing::PayrollYaml;
using ::twi::policy::testing::Replace;
using ::twi::policy::testing::Sha256Raw;
using ::twi::policy::testing::Sha256Text;
using ::twi::testing::HasReason;

class AppraiseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto payroll = ParseWorkloadPolicy(PayrollYaml());
    auto billing = ParseWorkloadPolicy(BillingYaml());
    auto policy = ParseAppraisalPolicy(AppraisalYaml());
    ASSERT_OK(payroll);
    ASSERT_OK(billing);
    ASSERT_OK(policy);
    workloads_ = {*billing, *payroll};
    policy_ = *policy;
  }

  // Evidence of payroll release 2026.11.0 with an allowed agent and svn at the minimum.
  static evidence::Claims Claims() {
    evidence::Claims claims;
    claims.tee = "sample";
    claims.measurements["image"] = Sha256Raw(kImageV1);
    claims.measurements["agent"] = Sha256Raw(kAgentA);
    claims.svn = 3;
    claims.debug = false;
    return claims;
  }

  AppraisalPolicy WarnOn(bool debug, bool svn) const {
    AppraisalPolicy policy = policy_;
    if (debug) policy.debug_enabled = Action::kWarn;
    if (svn) policy.svn_below_minimum = Action::kWarn;
    return policy;
  }

  std::vector<WorkloadPolicy> workloads_;
  AppraisalPolicy policy_;
};

TEST_F(AppraiseTest, MapsEvidenceToWorkloadRelease) {
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, Appraise(Claims(), workloads_, policy_));
  ASSERT_NE(result.workload, nullptr);
  EXPECT_EQ(result.workload, &workloads_[1]);
  EXPECT_EQ(result.workload->identifier.ToString(), "spiffe://example.org/workload/payroll");
  EXPECT_EQ(result.release, &workloads_[1].releases[0]);
  EXPECT_EQ(result.matched_rule, "workload=payroll release=2026.11.0");
  EXPECT_EQ(result.verifier_claims,
            Json::parse(R"({"workload":"payroll","release":"2026.11.0","warnings":[]})"));
  EXPECT_EQ(result.policy_ids, (std::vector<std::string>{policy_.id, workloads_[1].id}));
}

TEST_F(AppraiseTest, DefaultVectorIsAffirming) {
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, Appraise(Claims(), workloads_, policy_));
  TrustVector expected;
  expected.hardware = 2;
  expected.executables = 2;
  expected.configuration = 2;
  expected.runtime_opaque = 2;
  EXPECT_EQ(result.vector, expected);
  EXPECT_EQ(result.status, Tier::kAffirming);
  EXPECT_EQ(result.vector.ToJson(), Json::parse(R"({
      "instance-identity": 0, "configuration": 2, "executables": 2, "file-system": 0,
      "hardware": 2, "runtime-opaque": 2, "storage-opaque": 0, "sourced-data": 0})"));
}

TEST_F(AppraiseTest, SecondReleaseKeepsTheSameIdentity) {
  evidence::Claims claims = Claims();
  claims.measurements["image"] = Sha256Raw(kImageV2);
  ASSERT_OK_AND_ASSIGN(AppraisalResult second, Appraise(claims, workloads_, policy_));
  ASSERT_OK_AND_ASSIGN(AppraisalResult first, Appraise(Claims(), workloads_, policy_));
  EXPECT_EQ(second.release->name, "2026.12.0");
  EXPECT_NE(second.release, first.release);
  EXPECT_EQ(second.workload->identifier, first.workload->identifier);
  EXPECT_EQ(second.workload->claims, first.workload->claims);
  EXPECT_EQ(second.policy_ids, first.policy_ids);
}

TEST_F(AppraiseTest, OtherWorkloadMapsToItsOwnIdentity) {
  evidence::Claims claims = Claims();
  claims.measurements["image"] = Sha256Raw('3');
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, Appraise(claims, workloads_, policy_));
  EXPECT_EQ(result.workload->name, "billing");
  EXPECT_EQ(result.workload->identifier.ToString(), "spiffe://example.org/workload/billing");
}

TEST_F(AppraiseTest, UnknownImageIsUnknownMeasurement) {
  evidence::Claims claims = Claims();
  claims.measurements["image"] = Sha256Raw('9');
  auto result = Appraise(claims, workloads_, policy_);
  EXPECT_THAT(result, HasReason(Reason::kUnknownMeasurement));
  EXPECT_THAT(result.status().message(), HasSubstr("tee \"sample\""));
  EXPECT_THAT(result.status().message(), HasSubstr("image=" + Sha256Text('9')));
}

// An IMA list gives thousands of measurements; the refusal names a bounded few.
TEST_F(AppraiseTest, UnknownMeasurementMessageIsBounded) {
  evidence::Claims claims = Claims();
  claims.measurements["image"] = Sha256Raw('9');
  for (int i = 0; i < 5000; ++i) {
    claims.measurements["ima:/usr/lib/file-" + std::to_string(i)] = Sha256Raw('1');
  }
  auto result = Appraise(claims, workloads_, policy_);
  EXPECT_THAT(result, HasReason(Reason::kUnknownMeasurement));
  EXPECT_THAT(result.status().message(),
              HasSubstr("and " + std::to_string(claims.measurements.size() - 32) + " more"));
  EXPECT_LT(result.status().message().size(), 8000u);
}

TEST_F(AppraiseTest, OtherTeeIsUnknownMeasurement) {
  evidence::Claims claims = Claims();
  claims.tee = "sev-snp";
  EXPECT_THAT(Appraise(claims, workloads_, policy_), HasReason(Reason::kUnknownMeasurement));
}

TEST_F(AppraiseTest, MissingListedMeasurementIsUnknownMeasurement) {
  evidence::Claims claims = Claims();
  claims.measurements.erase("image");
  EXPECT_THAT(Appraise(claims, workloads_, policy_), HasReason(Reason::kUnknownMeasurement));
}

TEST_F(AppraiseTest, NoWorkloadsIsUnknownMeasurement) {
  const std::vector<WorkloadPolicy> none;
  EXPECT_THAT(Appraise(Claims(), none, policy_), HasReason(Reason::kUnknownMeasurement));
}

TEST_F(AppraiseTest, UnlistedExtraMeasurementsDoNotMatter) {
  evidence::Claims claims = Claims();
  claims.measurements["kernel"] = Sha256Raw('7');
  EXPECT_OK(Appraise(claims, workloads_, policy_));
}

TEST_F(AppraiseTest, MissingAgentIsUnknownAgent) {
  evidence::Claims claims = Claims();
  claims.measurements.erase("agent");
  auto result = Appraise(claims, workloads_, policy_);
  EXPECT_THAT(result, HasReason(Reason::kUnknownAgent));
  EXPECT_THAT(result.status().message(), HasSubstr("no agent measurement"));
}

TEST_F(AppraiseTest, AgentNotAllowedForMatchingReleaseIsUnknownAgent) {
  // Agent B is allowed by release 2026.12.0 only, not by 2026.11.0 whose image this is.
  evidence::Claims claims = Claims();
  claims.measurements["agent"] = Sha256Raw(kAgentB);
  auto result = Appraise(claims, workloads_, policy_);
  EXPECT_THAT(result, HasReason(Reason::kUnknownAgent));
  EXPECT_THAT(result.status().message(), HasSubstr(Sha256Text(kAgentB)));

  claims.measurements["image"] = Sha256Raw(kImageV2);
  ASSERT_OK_AND_ASSIGN(AppraisalResult ok, Appraise(claims, workloads_, policy_));
  EXPECT_EQ(ok.release->name, "2026.12.0");
}

TEST_F(AppraiseTest, DebugRejected) {
  evidence::Claims claims = Claims();
  claims.debug = true;
  auto result = Appraise(claims, workloads_, policy_);
  EXPECT_THAT(result, HasReason(Reason::kDebugForbidden));
  EXPECT_THAT(result.status().message(), HasSubstr("release=2026.11.0"));
}

TEST_F(AppraiseTest, DebugWarned) {
  evidence::Claims claims = Claims();
  claims.debug = true;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result,
                       Appraise(claims, workloads_, WarnOn(/*debug=*/true, /*svn=*/false)));
  EXPECT_EQ(result.vector.configuration, 32);
  EXPECT_EQ(result.vector.hardware, 2);
  EXPECT_EQ(result.status, Tier::kWarning);
  EXPECT_EQ(result.verifier_claims["warnings"], Json::array({"debug_enabled"}));
}

TEST_F(AppraiseTest, DebugAllowedByRelease) {
  evidence::Claims claims = Claims();
  claims.debug = true;
  claims.measurements["image"] = Sha256Raw(kImageV2);
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, Appraise(claims, workloads_, policy_));
  EXPECT_EQ(result.status, Tier::kAffirming);
  EXPECT_EQ(result.verifier_claims["warnings"], Json::array());
}

TEST_F(AppraiseTest, DebugNotReportedIsNotADeviation) {
  evidence::Claims claims = Claims();
  claims.debug.reset();
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, Appraise(claims, workloads_, policy_));
  EXPECT_EQ(result.status, Tier::kAffirming);
}

TEST_F(AppraiseTest, SvnBelowMinimumRejected) {
  evidence::Claims claims = Claims();
  claims.svn = 2;
  auto result = Appraise(claims, workloads_, policy_);
  EXPECT_THAT(result, HasReason(Reason::kSvnTooLow));
  EXPECT_THAT(result.status().message(), HasSubstr("svn 2 is below min_svn 3"));
}

TEST_F(AppraiseTest, SvnAboveMinimumAccepted) {
  evidence::Claims claims = Claims();
  claims.svn = 4;
  EXPECT_OK(Appraise(claims, workloads_, policy_));
}

TEST_F(AppraiseTest, SvnBelowMinimumWarned) {
  evidence::Claims claims = Claims();
  claims.svn = 2;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result,
                       Appraise(claims, workloads_, WarnOn(/*debug=*/false, /*svn=*/true)));
  EXPECT_EQ(result.vector.hardware, 32);
  EXPECT_EQ(result.vector.configuration, 2);
  EXPECT_EQ(result.status, Tier::kWarning);
  EXPECT_EQ(result.verifier_claims["warnings"], Json::array({"svn_below_minimum"}));
}

TEST_F(AppraiseTest, MissingSvnCountsAsBelowMinimum) {
  evidence::Claims claims = Claims();
  claims.svn.reset();
  auto result = Appraise(claims, workloads_, policy_);
  EXPECT_THAT(result, HasReason(Reason::kSvnTooLow));
  EXPECT_THAT(result.status().message(), HasSubstr("not reported"));
  // Release 2026.12.0 has min_svn 0, so an unreported svn is fine there.
  claims.measurements["image"] = Sha256Raw(kImageV2);
  EXPECT_OK(Appraise(claims, workloads_, policy_));
}

TEST_F(AppraiseTest, BothDeviationsWarned) {
  evidence::Claims claims = Claims();
  claims.debug = true;
  claims.svn = 0;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result,
                       Appraise(claims, workloads_, WarnOn(/*debug=*/true, /*svn=*/true)));
  EXPECT_EQ(result.vector.configuration, 32);
  EXPECT_EQ(result.vector.hardware, 32);
  EXPECT_EQ(result.verifier_claims["warnings"],
            Json::array({"debug_enabled", "svn_below_minimum"}));
}

TEST_F(AppraiseTest, DebugIsCheckedBeforeSvn) {
  evidence::Claims claims = Claims();
  claims.debug = true;
  claims.svn = 0;
  EXPECT_THAT(Appraise(claims, workloads_, policy_), HasReason(Reason::kDebugForbidden));
  EXPECT_THAT(Appraise(claims, workloads_, WarnOn(/*debug=*/true, /*svn=*/false)),
              HasReason(Reason::kSvnTooLow));
}

// One workload with two releases of the same image: "strict" (no debug, min_svn 5) first in the
// file, then "lenient" (debug allowed, min_svn 0).
class SeveralCandidatesTest : public AppraiseTest {
 protected:
  void SetUp() override {
    AppraiseTest::SetUp();
    const std::string release = R"(  - name: NAME
    tee: sample
    measurements: {image: IMAGE}
    agents: [AGENT]
    min_svn: SVN
    allow_debug: DEBUG
)";
    auto make = [&](std::string name, std::string svn, std::string debug) {
      return Replace(
          Replace(Replace(Replace(Replace(release, "NAME", name), "SVN", svn), "DEBUG", debug),
                  "IMAGE", Sha256Text(kImageV1)),
          "AGENT", Sha256Text(kAgentA));
    };
    const std::string yaml = R"(version: 1
kind: workload
name: twin
identifier: spiffe://example.org/twin
credentials: {formats: [wit]}
releases:
)" + make("strict", "5", "false") +
                             make("lenient", "0", "true");
    auto twin = ParseWorkloadPolicy(yaml);
    ASSERT_OK(twin);
    workloads_ = {*twin};
  }
};

TEST_F(SeveralCandidatesTest, FirstInFileOrderWhenAllClean) {
  evidence::Claims claims = Claims();
  claims.svn = 5;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, Appraise(claims, workloads_, policy_));
  EXPECT_EQ(result.release->name, "strict");
}

TEST_F(SeveralCandidatesTest, RefusedCandidateYieldsToAcceptedOne) {
  evidence::Claims claims = Claims();
  claims.debug = true;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, Appraise(claims, workloads_, policy_));
  EXPECT_EQ(result.release->name, "lenient");
  EXPECT_EQ(result.status, Tier::kAffirming);
}

TEST_F(SeveralCandidatesTest, CandidateWithoutWarningsPreferred) {
  evidence::Claims claims = Claims();
  claims.debug = true;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result,
                       Appraise(claims, workloads_, WarnOn(/*debug=*/true, /*svn=*/true)));
  EXPECT_EQ(result.release->name, "lenient");
  EXPECT_EQ(result.verifier_claims["warnings"], Json::array());
}

TEST_F(SeveralCandidatesTest, FirstWarnedCandidateWhenAllWarn) {
  // Remove the clean alternative: both releases now forbid debug.
  workloads_[0].releases[1].allow_debug = false;
  evidence::Claims claims = Claims();
  claims.debug = true;
  claims.svn = 5;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result,
                       Appraise(claims, workloads_, WarnOn(/*debug=*/true, /*svn=*/false)));
  EXPECT_EQ(result.release->name, "strict");
  EXPECT_EQ(result.status, Tier::kWarning);
}

TEST_F(SeveralCandidatesTest, FirstRefusalReturnedWhenAllRefused) {
  workloads_[0].releases[1].allow_debug = false;
  workloads_[0].releases[1].min_svn = 9;
  evidence::Claims claims = Claims();
  claims.svn = 1;
  // strict: svn 1 < 5; lenient: svn 1 < 9. The first refusal names "strict".
  auto result = Appraise(claims, workloads_, policy_);
  EXPECT_THAT(result, HasReason(Reason::kSvnTooLow));
  EXPECT_THAT(result.status().message(), HasSubstr("release=strict"));
}

TEST_F(AppraiseTest, MatchesSha384Measurements) {
  const Bytes digest(48, 0xcd);
  workloads_[1].releases[0].measurements["image"] = {digest};
  evidence::Claims claims = Claims();
  claims.measurements["image"] = digest;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, Appraise(claims, workloads_, policy_));
  EXPECT_EQ(result.release->name, "2026.11.0");
  // A SHA-256 digest is never equal to a SHA-384 one, even as a prefix.
  claims.measurements["image"] = Bytes(digest.begin(), digest.begin() + 32);
  EXPECT_THAT(Appraise(claims, workloads_, policy_), HasReason(Reason::kUnknownMeasurement));
}

TEST(TrustVectorTest, WorstTier) {
  TrustVector vector;
  EXPECT_EQ(WorstTier(vector), Tier::kNone);
  vector.hardware = 2;
  EXPECT_EQ(WorstTier(vector), Tier::kAffirming);
  vector.sourced_data = 33;
  EXPECT_EQ(WorstTier(vector), Tier::kWarning);
  vector.instance_identity = 97;
  EXPECT_EQ(WorstTier(vector), Tier::kContraindicated);
  vector = TrustVector();
  vector.file_system = -1;  // verifier malfunction: no claim tier
  EXPECT_EQ(WorstTier(vector), Tier::kNone);
  vector.storage_opaque = -100;
  EXPECT_EQ(WorstTier(vector), Tier::kContraindicated);
}

TEST(TrustVectorTest, JsonCarriesAllEightEntries) {
  TrustVector vector;
  vector.executables = 33;
  const Json json = vector.ToJson();
  EXPECT_EQ(json.size(), 8u);
  EXPECT_EQ(json["executables"], 33);
  EXPECT_EQ(json["instance-identity"], 0);
  EXPECT_EQ(json["sourced-data"], 0);
}

}  // namespace
}  // namespace twi::policy
