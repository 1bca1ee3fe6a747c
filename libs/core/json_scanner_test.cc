#include "libs/core/json_scanner.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi {
namespace {

using ::testing::ElementsAre;
using ::twi::testing::HasReason;

// Reads {"name": "text", "n": 12, "list": ["a", ...], "inner": {"k": "v"}} in any member order.
absl::Status ReadDocument(std::string_view text, std::vector<std::string>& out) {
  JsonScanner s(text);
  TWI_RETURN_IF_ERROR(s.BeginObject());
  std::string_view name;
  while (true) {
    TWI_ASSIGN_OR_RETURN(const bool more, s.NextMember(name));
    if (!more) break;
    out.push_back(std::string(name));
    if (name == "n") {
      TWI_ASSIGN_OR_RETURN(const int64_t n, s.Integer());
      out.push_back(std::to_string(n));
    } else if (name == "list" || name == "none") {
      TWI_RETURN_IF_ERROR(s.BeginArray());
      while (true) {
        TWI_ASSIGN_OR_RETURN(const bool element, s.NextElement());
        if (!element) break;
        TWI_ASSIGN_OR_RETURN(const std::string_view v, s.String());
        out.push_back(std::string(v));
      }
    } else if (name == "inner" || name == "nothing") {
      TWI_RETURN_IF_ERROR(s.BeginObject());
      while (true) {
        TWI_ASSIGN_OR_RETURN(const bool member, s.NextMember(name));
        if (!member) break;
        TWI_ASSIGN_OR_RETURN(const std::string_view v, s.String());
        out.push_back(std::string(name) + "=" + std::string(v));
      }
    } else {
      TWI_ASSIGN_OR_RETURN(const std::string_view v, s.String());
      out.push_back(std::string(v));
    }
  }
  return s.End();
}

TEST(JsonScannerTest, ReadsTheShapeTheCallerAsksFor) {
  std::vector<std::string> out;
  ASSERT_OK(ReadDocument(
      " {\"name\" : \"a-b_c\",\n\"n\":-12, \"list\":[ \"x\" ,\"y\"], \"inner\": {\"k\":\"v\"},"
      " \"empty\": \"\", \"none\": [] , \"nothing\": {}}\t",
      out));
  EXPECT_THAT(out, ElementsAre("name", "a-b_c", "n", "-12", "list", "x", "y", "inner", "k=v",
                               "empty", "", "none", "nothing"));
  out.clear();
  ASSERT_OK(ReadDocument("{}", out));
  EXPECT_TRUE(out.empty());
}

TEST(JsonScannerTest, AnythingElseIsRefused) {
  for (const std::string text : {
           "",
           "[]",
           "{",
           "{\"name\" \"x\"}",
           "{\"name\": \"x\" \"n\": 1}",
           "{\"name\": \"x\",}",
           "{,\"name\": \"x\"}",
           "{\"list\": [\"x\",]}",
           "{\"list\": [,\"x\"]}",
           "{\"list\": [\"x\"}",
           "{\"none\": [] \"n\": 1}",
           "{\"nothing\": {} \"n\": 1}",
           "{\"name\": \"x\"} {}",
           "{\"name\": \"unterminated}",
           "{\"name\": \"esc\\\"aped\"}",
           "{\"name\": \"tab\there\"}",
           "{\"name\": \"caf\xc3\xa9\"}",
           "{\"name\": 1}",
           "{\"n\": \"1\"}",
           "{\"n\": 01}",
           "{\"n\": 1.5}",
           "{\"n\": 1e3}",
           "{\"n\": -}",
           "{\"n\": 1234567890123456789}",
       }) {
    std::vector<std::string> out;
    EXPECT_THAT(ReadDocument(text, out), HasReason(Reason::kInvalidArgument)) << text;
  }
}

TEST(JsonScannerTest, UncheckedStringsEndAtTheFirstQuote) {
  JsonScanner s("[\"a\\\"b\", \"\tc\"]");
  ASSERT_OK(s.BeginArray());
  ASSERT_THAT(s.NextElement(), ::twi::testing::IsOkAndHolds(true));
  // The escaped quote ends it: the caller's check then refuses the backslash.
  EXPECT_THAT(s.UncheckedString(), ::twi::testing::IsOkAndHolds("a\\"));
  EXPECT_THAT(s.NextElement(), HasReason(Reason::kInvalidArgument));
  JsonScanner open("\"never closed");
  EXPECT_THAT(open.UncheckedString(), HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi
