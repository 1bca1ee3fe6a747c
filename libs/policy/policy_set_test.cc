#include "libs/policy/policy_set.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/crypto/digest.h"
#include "libs/policy/test_policies.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::policy {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::twi::policy::testing::AppraisalYaml;
using ::twi::policy::testing::BillingYaml;
using ::twi::policy::testing::IssuanceYaml;
using ::twi::policy::testing::kAgentA;
using ::twi::policy::testing::kImageV1;
using ::twi::policy::testing::PayrollYaml;
using ::twi::policy::testing::Replace;
using ::twi::policy::testing::Sha256Raw;
using ::twi::policy::testing::Sha256Text;
using ::twi::testing::HasReason;
using ::twi::testing::TempDir;

WorkloadPolicy Parse(const std::string& yaml) {
  auto policy = ParseWorkloadPolicy(yaml);
  EXPECT_OK(policy);
  return policy.ok() ? *policy : WorkloadPolicy();
}

// Billing, but accepting `image_line` as its measurements (e.g. payroll's image).
std::string BillingWith(const std::string& measurements) {
  return Replace(BillingYaml(), "image: " + Sha256Text('3'), measurements);
}

std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

TEST(PolicySetTest, CreateSortsAndFinds) {
  ASSERT_OK_AND_ASSIGN(
      PolicySet set,
      PolicySet::Create({Parse(PayrollYaml()), Parse(BillingYaml())}, std::nullopt, std::nullopt));
  ASSERT_EQ(set.workloads().size(), 2u);
  EXPECT_EQ(set.workloads()[0].name, "billing");
  EXPECT_EQ(set.workloads()[1].name, "payroll");
  ASSERT_NE(set.FindWorkload("payroll"), nullptr);
  EXPECT_EQ(set.FindWorkload("payroll")->name, "payroll");
  EXPECT_EQ(set.FindWorkload("nope"), nullptr);
  EXPECT_EQ(set.FindWorkload(""), nullptr);
}

TEST(PolicySetTest, MissingDocumentsAreConfigInvalidWhenAskedFor) {
  ASSERT_OK_AND_ASSIGN(PolicySet set, PolicySet::Create({}, std::nullopt, std::nullopt));
  EXPECT_THAT(set.appraisal(), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(set.issuance(), HasReason(Reason::kConfigInvalid));
  evidence::Claims claims;
  EXPECT_THAT(set.Appraise(claims), HasReason(Reason::kConfigInvalid));
}

TEST(PolicySetTest, DuplicateNamesRefused) {
  const std::string other_id =
      Replace(BillingYaml(), "name: billing", "name: payroll");  // billing's id, payroll's name
  auto set = PolicySet::Create({Parse(PayrollYaml()), Parse(other_id)}, std::nullopt, std::nullopt);
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(MessageOf(set.status()), HasSubstr("\"payroll\""));
}

TEST(PolicySetTest, DuplicateIdentifiersRefused) {
  const std::string same_id = Replace(BillingYaml(), "workload/billing", "workload/payroll");
  auto set = PolicySet::Create({Parse(PayrollYaml()), Parse(same_id)}, std::nullopt, std::nullopt);
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(MessageOf(set.status()), AllOf(HasSubstr("billing"), HasSubstr("payroll"),
                                             HasSubstr("spiffe://example.org/workload/payroll")));
}

TEST(PolicySetTest, SameTeeAndImageIsAmbiguous) {
  auto set = PolicySet::Create(
      {Parse(PayrollYaml()), Parse(BillingWith("image: " + Sha256Text(kImageV1)))}, std::nullopt,
      std::nullopt);
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(MessageOf(set.status()),
              AllOf(HasSubstr("ambiguous"), HasSubstr("workload \"billing\""),
                    HasSubstr("workload \"payroll\""), HasSubstr("\"2026.11.0\"")));
}

TEST(PolicySetTest, OneSharedDigestInAListIsAmbiguous) {
  auto set = PolicySet::Create(
      {Parse(PayrollYaml()),
       Parse(BillingWith("image: [" + Sha256Text('3') + ", " + Sha256Text(kImageV1) + "]"))},
      std::nullopt, std::nullopt);
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
}

TEST(PolicySetTest, ExtraMeasurementDoesNotDisambiguate) {
  // Evidence with payroll's image and this kernel would match both.
  auto set = PolicySet::Create(
      {Parse(PayrollYaml()),
       Parse(BillingWith("image: " + Sha256Text(kImageV1) + "\n      kernel: " + Sha256Text('7')))},
      std::nullopt, std::nullopt);
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
}

TEST(PolicySetTest, DisjointMeasurementNamesAreAmbiguous) {
  auto set =
      PolicySet::Create({Parse(PayrollYaml()), Parse(BillingWith("kernel: " + Sha256Text('7')))},
                        std::nullopt, std::nullopt);
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
}

TEST(PolicySetTest, DifferentAgentsDoNotDisambiguate) {
  const std::string billing =
      Replace(BillingWith("image: " + Sha256Text(kImageV1)), Sha256Text(kAgentA), Sha256Text('e'));
  auto set = PolicySet::Create({Parse(PayrollYaml()), Parse(billing)}, std::nullopt, std::nullopt);
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
}

TEST(PolicySetTest, SameImageOnAnotherTeeIsFine) {
  const std::string billing =
      Replace(BillingWith("image: " + Sha256Text(kImageV1)), "tee: sample", "tee: tdx");
  EXPECT_OK(PolicySet::Create({Parse(PayrollYaml()), Parse(billing)}, std::nullopt, std::nullopt));
}

class PolicyDirectoryTest : public ::testing::Test {
 protected:
  void Write(const std::string& relative, const std::string& text) {
    ASSERT_OK(WriteFileAtomic(dir_.File(relative), text));
  }
  void WriteAll() {
    ASSERT_OK(MakeDirs(dir_.File("workloads")));
    Write("appraisal.yaml", AppraisalYaml());
    Write("issuance.yaml", IssuanceYaml());
    Write("workloads/payroll.yaml", PayrollYaml());
    Write("workloads/billing.yaml", BillingYaml());
  }

  TempDir dir_;
};

TEST_F(PolicyDirectoryTest, LoadsEveryDocumentWithContentIds) {
  WriteAll();
  Write("workloads/README.md", "not a policy");
  ASSERT_OK_AND_ASSIGN(PolicySet set, PolicySet::LoadDirectory(dir_.path()));
  ASSERT_EQ(set.workloads().size(), 2u);
  EXPECT_EQ(set.FindWorkload("payroll")->id, crypto::Sha256Id(AsBytes(PayrollYaml())));
  ASSERT_OK_AND_ASSIGN(const AppraisalPolicy* appraisal, set.appraisal());
  EXPECT_EQ(appraisal->id, crypto::Sha256Id(AsBytes(AppraisalYaml())));
  ASSERT_OK_AND_ASSIGN(const IssuancePolicy* issuance, set.issuance());
  EXPECT_EQ(issuance->id, crypto::Sha256Id(AsBytes(IssuanceYaml())));
}

TEST_F(PolicyDirectoryTest, AppraisesThroughTheSet) {
  WriteAll();
  ASSERT_OK_AND_ASSIGN(PolicySet set, PolicySet::LoadDirectory(dir_.path()));
  evidence::Claims claims;
  claims.tee = "sample";
  claims.measurements["image"] = Sha256Raw(kImageV1);
  claims.measurements["agent"] = Sha256Raw(kAgentA);
  claims.svn = 3;
  ASSERT_OK_AND_ASSIGN(AppraisalResult result, set.Appraise(claims));
  EXPECT_EQ(result.workload, set.FindWorkload("payroll"));
  EXPECT_EQ(result.policy_ids[0], crypto::Sha256Id(AsBytes(AppraisalYaml())));
  EXPECT_EQ(result.policy_ids[1], crypto::Sha256Id(AsBytes(PayrollYaml())));
}

TEST_F(PolicyDirectoryTest, EachDocumentIsOptional) {
  Write("issuance.yaml", IssuanceYaml());
  ASSERT_OK_AND_ASSIGN(PolicySet set, PolicySet::LoadDirectory(dir_.path()));
  EXPECT_TRUE(set.workloads().empty());
  EXPECT_OK(set.issuance());
  EXPECT_THAT(set.appraisal(), HasReason(Reason::kConfigInvalid));
}

TEST_F(PolicyDirectoryTest, MissingDirectoryIsConfigInvalid) {
  EXPECT_THAT(PolicySet::LoadDirectory(dir_.File("absent")), HasReason(Reason::kConfigInvalid));
}

TEST_F(PolicyDirectoryTest, InvalidDocumentNamesFileAndPath) {
  WriteAll();
  Write("workloads/billing.yaml",
        Replace(BillingYaml(), "tee: sample", "tee: sample\n    imge: x"));
  auto set = PolicySet::LoadDirectory(dir_.path());
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(MessageOf(set.status()),
              AllOf(HasSubstr("workloads/billing.yaml"), HasSubstr("releases[0].imge")));
}

TEST_F(PolicyDirectoryTest, InvalidAppraisalPolicyFailsTheLoad) {
  WriteAll();
  Write("appraisal.yaml", Replace(AppraisalYaml(), "ear_ttl: 5m", "ear_ttl: 2d"));
  auto set = PolicySet::LoadDirectory(dir_.path());
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(MessageOf(set.status()), AllOf(HasSubstr("appraisal.yaml"), HasSubstr("ear_ttl")));
}

TEST_F(PolicyDirectoryTest, WrongDocumentKindInPlace) {
  WriteAll();
  Write("issuance.yaml", AppraisalYaml());
  auto set = PolicySet::LoadDirectory(dir_.path());
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(MessageOf(set.status()), HasSubstr("kind"));
}

TEST_F(PolicyDirectoryTest, FileMustBeNamedAfterWorkload) {
  WriteAll();
  Write("workloads/payroll-v2.yaml", Replace(PayrollYaml(), "2026.11.0", "x"));
  auto set = PolicySet::LoadDirectory(dir_.path());
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(MessageOf(set.status()), HasSubstr("payroll-v2.yaml"));
}

TEST_F(PolicyDirectoryTest, YmlExtensionRefused) {
  WriteAll();
  Write("workloads/extra.yml", BillingYaml());
  EXPECT_THAT(PolicySet::LoadDirectory(dir_.path()), HasReason(Reason::kConfigInvalid));
}

TEST_F(PolicyDirectoryTest, AmbiguousWorkloadFilesRefused) {
  WriteAll();
  Write("workloads/billing.yaml",
        Replace(BillingYaml(), "image: " + Sha256Text('3'), "image: " + Sha256Text(kImageV1)));
  auto set = PolicySet::LoadDirectory(dir_.path());
  EXPECT_THAT(set, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(MessageOf(set.status()), AllOf(HasSubstr("billing"), HasSubstr("payroll")));
}

TEST_F(PolicyDirectoryTest, OversizedFileIsConfigInvalid) {
  WriteAll();
  Write("appraisal.yaml", AppraisalYaml() + "#" + std::string(1024 * 1024, 'x') + "\n");
  EXPECT_THAT(PolicySet::LoadDirectory(dir_.path()), HasReason(Reason::kConfigInvalid));
}

TEST_F(PolicyDirectoryTest, ChangingOneByteChangesTheId) {
  WriteAll();
  ASSERT_OK_AND_ASSIGN(PolicySet before, PolicySet::LoadDirectory(dir_.path()));
  Write("workloads/payroll.yaml", Replace(PayrollYaml(), "location: DE", "location: DK"));
  ASSERT_OK_AND_ASSIGN(PolicySet after, PolicySet::LoadDirectory(dir_.path()));
  EXPECT_NE(before.FindWorkload("payroll")->id, after.FindWorkload("payroll")->id);
  EXPECT_EQ(before.FindWorkload("billing")->id, after.FindWorkload("billing")->id);
}

}  // namespace
}  // namespace twi::policy
