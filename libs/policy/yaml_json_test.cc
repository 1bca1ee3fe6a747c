#include "libs/policy/yaml_json.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::policy::internal {
namespace {

using ::testing::HasSubstr;
using ::twi::testing::HasReason;

TEST(YamlToJsonTest, ResolvesCoreSchemaScalars) {
  ASSERT_OK_AND_ASSIGN(Json json, YamlToJson(R"(
plain: text
quoted: "true"
single: '42'
tagged: !!str 7
yes_is_a_string: yes
on_is_a_string: on
bool_true: true
bool_upper: FALSE
int: -42
plus: +7
float: 1.5
exp: 2e3
null_word: null
tilde: ~
empty:
version_like: 2026.11.0
duration: 1h30m
)"));
  EXPECT_EQ(json["plain"], "text");
  EXPECT_EQ(json["quoted"], "true");
  EXPECT_EQ(json["single"], "42");
  EXPECT_EQ(json["tagged"], "7");
  EXPECT_EQ(json["yes_is_a_string"], "yes");
  EXPECT_EQ(json["on_is_a_string"], "on");
  EXPECT_EQ(json["bool_true"], true);
  EXPECT_EQ(json["bool_upper"], false);
  EXPECT_EQ(json["int"], -42);
  EXPECT_TRUE(json["int"].is_number_integer());
  EXPECT_EQ(json["plus"], 7);
  EXPECT_DOUBLE_EQ(json["float"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(json["exp"].get<double>(), 2000.0);
  EXPECT_TRUE(json["null_word"].is_null());
  EXPECT_TRUE(json["tilde"].is_null());
  EXPECT_TRUE(json["empty"].is_null());
  EXPECT_EQ(json["version_like"], "2026.11.0");
  EXPECT_EQ(json["duration"], "1h30m");
}

TEST(YamlToJsonTest, ConvertsNestedMapsAndSequences) {
  ASSERT_OK_AND_ASSIGN(Json json, YamlToJson("a:\n  b: [1, x, {c: d}]\n"));
  EXPECT_EQ(json, Json::parse(R"({"a":{"b":[1,"x",{"c":"d"}]}})"));
}

TEST(YamlToJsonTest, AliasesResolveToTheAnchoredValue) {
  ASSERT_OK_AND_ASSIGN(Json json, YamlToJson("a: &x [1, 2]\nb: *x\n"));
  EXPECT_EQ(json["a"], json["b"]);
}

TEST(YamlToJsonTest, RejectsDuplicateKeysWithPath) {
  auto json = YamlToJson("outer:\n  k: 1\n  k: 2\n");
  EXPECT_THAT(json, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(json.status().message(), HasSubstr("outer.k: duplicate key"));
}

TEST(YamlToJsonTest, RejectsNonStringKeys) {
  EXPECT_THAT(YamlToJson("? [1]\n: v\n"), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(YamlToJson("~: v\n"), HasReason(Reason::kConfigInvalid));
}

TEST(YamlToJsonTest, RejectsUnknownTags) {
  auto json = YamlToJson("a:\n  b: !custom x\n");
  EXPECT_THAT(json, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(json.status().message(), HasSubstr("a.b: unsupported tag"));
}

TEST(YamlToJsonTest, RejectsIntegerOverflow) {
  auto json = YamlToJson("n: 99999999999999999999\n");
  EXPECT_THAT(json, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(json.status().message(), HasSubstr("n: integer out of range"));
}

TEST(YamlToJsonTest, RequiresExactlyOneMappingDocument) {
  EXPECT_THAT(YamlToJson(""), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(YamlToJson("a: 1\n---\nb: 2\n"), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(YamlToJson("- a\n- b\n"), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(YamlToJson("just text\n"), HasReason(Reason::kConfigInvalid));
}

TEST(YamlToJsonTest, MalformedYamlBecomesStatus) {
  auto json = YamlToJson("a: [1, 2\n");
  EXPECT_THAT(json, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(json.status().message(), HasSubstr("malformed YAML"));
  EXPECT_THAT(YamlToJson("a: b: c\n"), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(YamlToJson("a: 1\n b: 2\n"), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(YamlToJson("a: *undefined_alias\n"), HasReason(Reason::kConfigInvalid));
}

TEST(YamlToJsonTest, SizeLimitIsOneMebibyte) {
  std::string at_limit = "a: \"" + std::string(kMaxPolicyBytes - 6, 'x') + "\"\n";
  ASSERT_EQ(at_limit.size(), kMaxPolicyBytes);
  EXPECT_OK(YamlToJson(at_limit));
  auto json = YamlToJson(at_limit + " ");
  EXPECT_THAT(json, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(json.status().message(), HasSubstr("larger than"));
}

TEST(YamlToJsonTest, NestingIsLimited) {
  // The top-level mapping counts as one level.
  std::string ok =
      "a: " + std::string(kMaxYamlDepth - 1, '[') + std::string(kMaxYamlDepth - 1, ']');
  EXPECT_OK(YamlToJson(ok));
  std::string deep = "a: " + std::string(kMaxYamlDepth, '[') + std::string(kMaxYamlDepth, ']');
  auto json = YamlToJson(deep);
  EXPECT_THAT(json, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(json.status().message(), HasSubstr("nested deeper"));
}

TEST(YamlToJsonTest, HostileNestingDoesNotExhaustTheStack) {
  // yaml-cpp's own recursion guard must turn this into an error before our depth check runs.
  EXPECT_THAT(YamlToJson("a: " + std::string(100000, '[')), HasReason(Reason::kConfigInvalid));
  std::string braces;
  for (int i = 0; i < 50000; ++i) braces += "{a: ";
  EXPECT_THAT(YamlToJson("a: " + braces), HasReason(Reason::kConfigInvalid));
}

}  // namespace
}  // namespace twi::policy::internal
