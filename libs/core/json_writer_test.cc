#include "libs/core/json_writer.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi {
namespace {

std::string Quoted(std::string_view s) { return JsonQuote(s); }

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted("plain / text"), R"("plain / text")");
  EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quoted("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Quoted(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(Quoted(""), R"("")");
}

TEST(JsonWriterTest, MatchesDumpJsonForEveryByteAndForUtf8) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string s = "x" + std::string(1, static_cast<char>(c)) + "y";
    EXPECT_EQ(Quoted(s), DumpJson(Json(s))) << c;
  }
  // Valid UTF-8 passes through; invalid sequences (a stray continuation byte, a truncated
  // sequence, an overlong encoding, a surrogate) are replaced exactly as DumpJson replaces them.
  for (const std::string s : {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91", "a\x80z", "a\xe2\x82",
                              "\xc0\xaf", "\xed\xa0\x80", "\"\xff\n"}) {
    EXPECT_EQ(Quoted(s), DumpJson(Json(s))) << s;
  }
  EXPECT_EQ(Quoted("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(Quoted("a\x80z"), "\"a\xef\xbf\xbdz\"");
}

TEST(JsonWriterTest, MatchesDumpJsonForEveryByteAtEveryPositionOfALongString) {
  // Long strings are scanned eight bytes at a time: every special byte must be found wherever
  // it falls in a block, and plain bytes next to it must not be mistaken for special ones.
  for (int c = 0; c < 0x100; ++c) {
    for (size_t position = 0; position < 24; ++position) {
      std::string s(24, c == 'a' ? 'b' : 'a');
      s[position] = static_cast<char>(c);
      ASSERT_EQ(Quoted(s), DumpJson(Json(s))) << c << " at " << position;
    }
  }
  const std::string plain = "~}|{ !#$%&'()*+,-./09:;<=>?@AZ[]^_`az" + std::string(100, '\x7f');
  EXPECT_EQ(Quoted(plain), "\"" + plain + "\"");
}

TEST(JsonWriterTest, WritesNestedContainersWithCommasWhereTheyBelong) {
  JsonWriter w;
  w.BeginObject()
      .Key("a")
      .BeginArray()
      .Int(1)
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .String("s")
      .EndArray()
      .Key("b")
      .BeginObject()
      .Key("t")
      .Bool(true)
      .Key("f")
      .Bool(false)
      .Key("n")
      .Null()
      .EndObject()
      .Key("k\"ey")
      .String("v")
      .EndObject();
  EXPECT_EQ(w.Take(), R"({"a":[1,{},[],"s"],"b":{"t":true,"f":false,"n":null},"k\"ey":"v"})");
  EXPECT_EQ(w.Take(), "");
}

TEST(JsonWriterTest, WritesIntegersAsNlohmannDoes) {
  for (int64_t n : {int64_t{0}, int64_t{-1}, int64_t{1'790'003'600},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    JsonWriter w;
    w.BeginArray().Int(n).EndArray();
    EXPECT_EQ(w.Take(), DumpJson(Json::array({n}))) << n;
  }
}

TEST(JsonWriterTest, InsertsRawFragmentsAsValues) {
  const Json jwks = {{"keys", Json::array({{{"kty", "EC"}}})}, {"spiffe_sequence", 1}};
  JsonWriter w;
  w.BeginObject()
      .Key("pem")
      .Raw(JsonQuote("-----BEGIN CERTIFICATE-----\nAA==\n"))
      .Key("jwks")
      .Raw(DumpJson(jwks))
      .Key("list")
      .BeginArray()
      .Raw("1")
      .Raw("{}")
      .EndArray()
      .EndObject();
  const std::string text = w.Take();
  EXPECT_EQ(text, R"({"pem":"-----BEGIN CERTIFICATE-----\nAA==\n",)"
                  R"("jwks":{"keys":[{"kty":"EC"}],"spiffe_sequence":1},"list":[1,{}]})");
  ASSERT_OK_AND_ASSIGN(Json parsed, ParseJson(text));
  EXPECT_EQ(parsed["jwks"], jwks);
}

}  // namespace
}  // namespace twi
