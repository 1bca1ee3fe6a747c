#include "libs/jose/strict_json.h"

#include <string>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::jose::internal {
namespace {

using ::twi::testing::HasReason;

TEST(StrictJsonTest, ParsesObjects) {
  ASSERT_OK_AND_ASSIGN(Json json,
                       ParseStrictObject(R"({"a":1,"b":{"a":2,"c":[{"a":3},{"a":4}]}})", "t"));
  EXPECT_EQ(json["b"]["c"][1]["a"], 4);
}

TEST(StrictJsonTest, RejectsDuplicateMembersAtAnyDepth) {
  for (std::string text : {R"({"a":1,"a":1})", R"({"a":1,"b":2,"a":3})", R"({"o":{"x":1,"x":2}})",
                           R"({"l":[{"x":1},{"y":1,"y":2}]})"}) {
    EXPECT_THAT(ParseStrictObject(text, "t"), HasReason(Reason::kJoseMalformed)) << text;
  }
}

TEST(StrictJsonTest, RejectsNonObjectsAndBadJson) {
  for (std::string text : {"[]", "1", "\"s\"", "null", "", "{", "{\"a\":1} x", "{'a':1}",
                           "{\"a\":1,}", "{\"a\":\"\xff\"}", "{\"a\":1} /* c */"}) {
    EXPECT_THAT(ParseStrictObject(text, "t"), HasReason(Reason::kJoseMalformed)) << text;
  }
}

TEST(StrictJsonTest, LimitsNesting) {
  std::string ok =
      "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']') + "}";
  EXPECT_OK(ParseStrictObject(ok, "t"));
  std::string deep =
      "{\"a\":" + std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']') + "}";
  EXPECT_THAT(ParseStrictObject(deep, "t"), HasReason(Reason::kJoseMalformed));
  std::string hostile = "{\"a\":" + std::string(100000, '[');
  EXPECT_THAT(ParseStrictObject(hostile, "t"), HasReason(Reason::kJoseMalformed));
}

}  // namespace
}  // namespace twi::jose::internal
