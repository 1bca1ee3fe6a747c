#include "libs/policy/issuance_policy.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/digest.h"
#include "libs/policy/policy_matchers.h"
#include "libs/policy/test_policies.h"
#include "testing/status_matchers.h"

namespace twi::policy {
namespace {

using ::twi::policy::testing::ConfigErrorAt;
using ::twi::policy::testing::IssuanceYaml;
using ::twi::policy::testing::kThumbprint;
using ::twi::policy::testing::Replace;

TEST(IssuancePolicyTest, ParsesTheExample) {
  ASSERT_OK_AND_ASSIGN(IssuancePolicy policy, ParseIssuancePolicy(IssuanceYaml()));
  EXPECT_EQ(policy.id, crypto::Sha256Id(AsBytes(IssuanceYaml())));
  ASSERT_EQ(policy.trusted_verifiers.size(), 1u);
  EXPECT_EQ(policy.trusted_verifiers[0].name, "local");
  EXPECT_EQ(policy.trusted_verifiers[0].jwk_thumbprint, kThumbprint);
  EXPECT_EQ(policy.minimum_status, Tier::kAffirming);
  EXPECT_EQ(policy.max_ear_age, absl::Minutes(5));
  ASSERT_EQ(policy.formats.size(), 2u);
  EXPECT_EQ(policy.formats.at("x509-svid").max_ttl, absl::Hours(1));
  EXPECT_EQ(policy.formats.at("wit").max_ttl, absl::Minutes(30));
}

TEST(IssuancePolicyTest, WarningTierAndSingleFormat) {
  const std::string yaml =
      Replace(Replace(IssuanceYaml(), "minimum_status: affirming", "minimum_status: warning"),
              "  wit: {max_ttl: 30m}\n", "");
  ASSERT_OK_AND_ASSIGN(IssuancePolicy policy, ParseIssuancePolicy(yaml));
  EXPECT_EQ(policy.minimum_status, Tier::kWarning);
  EXPECT_EQ(policy.formats.size(), 1u);
  EXPECT_FALSE(policy.formats.contains("wit"));
}

TEST(IssuancePolicyTest, OptionalKeysDefault) {
  const std::string yaml =
      Replace(Replace(IssuanceYaml(), "minimum_status: affirming\n", ""), "max_ear_age: 5m\n", "");
  ASSERT_OK_AND_ASSIGN(IssuancePolicy policy, ParseIssuancePolicy(yaml));
  EXPECT_EQ(policy.minimum_status, Tier::kAffirming);
  EXPECT_EQ(policy.max_ear_age, absl::Minutes(5));
}

struct BadCase {
  std::string name;
  std::string from;
  std::string to;
  std::string path;
};

class IssuancePolicyErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(IssuancePolicyErrorTest, NamesTheOffendingPath) {
  const std::string yaml = Replace(IssuanceYaml(), GetParam().from, GetParam().to);
  ASSERT_NE(yaml, IssuanceYaml()) << "test case does not change the document";
  EXPECT_THAT(ParseIssuancePolicy(yaml), ConfigErrorAt(GetParam().path));
}

const std::string kVerifiers =
    "trusted_verifiers:\n  - name: local\n    jwk_thumbprint: " + std::string(kThumbprint) + "\n";
const std::string kOtherThumbprint = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";

INSTANTIATE_TEST_SUITE_P(
    Cases, IssuancePolicyErrorTest,
    ::testing::Values(
        BadCase{"UnknownKey", "max_ear_age: 5m\n", "max_ear_age: 5m\nmax_age: 1m\n", "max_age"},
        BadCase{"MissingVerifiers", kVerifiers, "", "trusted_verifiers"},
        BadCase{"EmptyVerifiers", kVerifiers, "trusted_verifiers: []\n", "trusted_verifiers"},
        BadCase{"VerifierUnknownKey", "  - name: local\n", "  - name: local\n    url: x\n",
                "trusted_verifiers[0].url"},
        BadCase{"VerifierMissingName", "  - name: local\n    jwk", "  - jwk",
                "trusted_verifiers[0].name"},
        BadCase{"VerifierBadName", "name: local", "name: \"lo cal\"", "trusted_verifiers[0].name"},
        BadCase{"ThumbprintMissing", "\n    jwk_thumbprint: " + std::string(kThumbprint), "",
                "trusted_verifiers[0].jwk_thumbprint"},
        BadCase{"ThumbprintShort", std::string(kThumbprint), std::string(kThumbprint).substr(1),
                "trusted_verifiers[0].jwk_thumbprint"},
        BadCase{"ThumbprintPadded", std::string(kThumbprint), std::string(kThumbprint) + "=",
                "trusted_verifiers[0].jwk_thumbprint"},
        BadCase{"ThumbprintStdAlphabet", std::string(kThumbprint),
                "+" + std::string(kThumbprint).substr(1), "trusted_verifiers[0].jwk_thumbprint"},
        BadCase{"ThumbprintNonCanonical", std::string(kThumbprint),
                std::string(kThumbprint).substr(1) + "B", "trusted_verifiers[0].jwk_thumbprint"},
        BadCase{"DuplicateVerifierName", kVerifiers,
                kVerifiers + "  - name: local\n    jwk_thumbprint: " + kOtherThumbprint + "\n",
                "trusted_verifiers[1].name"},
        BadCase{
            "DuplicateThumbprint", kVerifiers,
            kVerifiers + "  - name: other\n    jwk_thumbprint: " + std::string(kThumbprint) + "\n",
            "trusted_verifiers[1].jwk_thumbprint"},
        BadCase{"StatusNone", "minimum_status: affirming", "minimum_status: none",
                "minimum_status"},
        BadCase{"StatusContraindicated", "minimum_status: affirming",
                "minimum_status: contraindicated", "minimum_status"},
        BadCase{"StatusNumber", "minimum_status: affirming", "minimum_status: 2", "minimum_status"},
        BadCase{"EarAgeTooLong", "max_ear_age: 5m", "max_ear_age: 48h", "max_ear_age"},
        BadCase{"EarAgeZero", "max_ear_age: 5m", "max_ear_age: 0s", "max_ear_age"},
        BadCase{"MissingFormats", "formats:\n  x509-svid: {max_ttl: 1h}\n  wit: {max_ttl: 30m}\n",
                "", "formats"},
        BadCase{"EmptyFormats", "formats:\n  x509-svid: {max_ttl: 1h}\n  wit: {max_ttl: 30m}\n",
                "formats: {}\n", "formats"},
        BadCase{"FormatsList", "formats:\n  x509-svid: {max_ttl: 1h}\n  wit: {max_ttl: 30m}\n",
                "formats: [wit]\n", "formats"},
        BadCase{"UnknownFormat", "  wit: {max_ttl: 30m}", "  jwt-svid: {max_ttl: 30m}",
                "formats.jwt-svid"},
        BadCase{"MissingMaxTtl", "wit: {max_ttl: 30m}", "wit: {}", "formats.wit.max_ttl"},
        BadCase{"BadMaxTtl", "wit: {max_ttl: 30m}", "wit: {max_ttl: 30}", "formats.wit.max_ttl"},
        BadCase{"UnknownLimit", "wit: {max_ttl: 30m}", "wit: {max_ttl: 30m, min_ttl: 1m}",
                "formats.wit.min_ttl"},
        BadCase{"LimitsNotMap", "wit: {max_ttl: 30m}", "wit: 30m", "formats.wit"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

}  // namespace
}  // namespace twi::policy
