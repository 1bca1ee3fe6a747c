#include "libs/core/json.h"

#include <string>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi {
namespace {

using ::twi::testing::HasReason;

TEST(JsonTest, ParsesObjectAndTypedFields) {
  ASSERT_OK_AND_ASSIGN(Json j, ParseJsonObject(R"({"a":"x","n":3,"o":{},"l":[]})"));
  EXPECT_EQ(*GetString(j, "a"), "x");
  EXPECT_EQ(*GetInt(j, "n"), 3);
  EXPECT_OK(GetObject(j, "o"));
  EXPECT_OK(GetArray(j, "l"));
  EXPECT_THAT(GetString(j, "n"), HasReason(Reason::kRequestInvalid));
  EXPECT_THAT(GetString(j, "missing"), HasReason(Reason::kRequestInvalid));
}

TEST(JsonTest, RejectsMalformedAndNonObjects) {
  EXPECT_THAT(ParseJson("{"), HasReason(Reason::kMalformedJson));
  EXPECT_THAT(ParseJson("{\"a\":1,}"), HasReason(Reason::kMalformedJson));
  EXPECT_THAT(ParseJsonObject("[1]"), HasReason(Reason::kMalformedJson));
  EXPECT_THAT(ParseJson("{} trailing"), HasReason(Reason::kMalformedJson));
}

TEST(JsonTest, RejectsExcessiveNesting) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_THAT(ParseJson(deep), HasReason(Reason::kMalformedJson));
  std::string ok(10, '[');
  ok += std::string(10, ']');
  EXPECT_OK(ParseJson(ok));
}

TEST(JsonTest, NestingLimitCountsObjectsAndArrays) {
  // max_depth levels of containers are accepted, one more is not.
  EXPECT_OK(ParseJson(R"({"a":[{"b":[]}]})", 4));
  EXPECT_THAT(ParseJson(R"({"a":[{"b":[]}]})", 3), HasReason(Reason::kMalformedJson));
  EXPECT_OK(ParseJson("7", 0));
  EXPECT_THAT(ParseJson("[]", 0), HasReason(Reason::kMalformedJson));
}

TEST(JsonTest, BuildsTheSameValueAsNlohmann) {
  const std::string text =
      R"({"s":"a\"b\u00e9\n","i":-3,"u":18446744073709551615,"f":1.5e3,"t":true,"n":null,)"
      R"("l":[1,[2,{"x":[]}],{"y":{"z":"w"}}],"o":{"k":[{"a":1},{"a":2}]},"e":{},"ea":[]})";
  ASSERT_OK_AND_ASSIGN(Json ours, ParseJson(text));
  EXPECT_EQ(ours, Json::parse(text));
  EXPECT_EQ(DumpJson(ours), Json::parse(text).dump());
}

TEST(JsonTest, RepeatedMembersLastWinsUnlessRefused) {
  const std::string text = R"({"a":1,"o":{"b":1,"b":2},"a":3})";
  ASSERT_OK_AND_ASSIGN(Json lenient, ParseJson(text));
  EXPECT_EQ(lenient, Json::parse(text));
  EXPECT_EQ(lenient["a"], 3);
  const JsonParseOptions strict{.reject_duplicate_members = true};
  EXPECT_THAT(ParseJson(text, strict), HasReason(Reason::kMalformedJson));
  EXPECT_THAT(ParseJson(R"([{"b":1},{"b":2,"b":3}])", strict), HasReason(Reason::kMalformedJson));
  // The same name in different objects is not a repeat.
  EXPECT_OK(ParseJson(R"({"b":{"b":1},"c":[{"b":2},{"b":3}]})", strict));
}

TEST(JsonTest, RejectsInvalidUtf8AndTrailingData) {
  EXPECT_THAT(ParseJson("\"\xff\""), HasReason(Reason::kMalformedJson));
  EXPECT_THAT(ParseJson("[1] [2]"), HasReason(Reason::kMalformedJson));
  EXPECT_THAT(ParseJson(""), HasReason(Reason::kMalformedJson));
}

TEST(JsonTest, DumpDoesNotThrowOnInvalidUtf8) {
  Json j = std::string("\xff\xfe");
  EXPECT_FALSE(DumpJson(j).empty());
}

}  // namespace
}  // namespace twi
