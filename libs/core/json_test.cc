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

TEST(JsonTest, DumpDoesNotThrowOnInvalidUtf8) {
  Json j = std::string("\xff\xfe");
  EXPECT_FALSE(DumpJson(j).empty());
}

}  // namespace
}  // namespace twi
