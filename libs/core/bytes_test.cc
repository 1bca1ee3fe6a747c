#include "libs/core/bytes.h"

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi {
namespace {

using ::twi::testing::HasReason;

TEST(BytesTest, HexRoundTrip) {
  EXPECT_EQ(HexEncode(ToBytes("\x01\xab\xff")), "01abff");
  EXPECT_EQ(*HexDecode("01ABff"), ToBytes("\x01\xab\xff"));
  EXPECT_THAT(HexDecode("0"), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(HexDecode("zz"), HasReason(Reason::kEncodingInvalid));
}

// RFC 4648 §10 test vectors.
TEST(BytesTest, Base64KnownAnswers) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    EXPECT_EQ(ToString(*Base64Decode(encoded)), plain);
  }
}

TEST(BytesTest, Base64UrlUsesUrlAlphabetWithoutPadding) {
  const Bytes data = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64UrlEncode(data), "-_-_");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), data);
  EXPECT_EQ(Base64UrlEncode(AsBytes("fo")), "Zm8");
}

TEST(BytesTest, Base64UrlRejectsPaddingForeignAlphabetAndNonCanonical) {
  EXPECT_THAT(Base64UrlDecode("Zm8="), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(Base64UrlDecode("+/+/"), HasReason(Reason::kEncodingInvalid));
  EXPECT_OK(Base64UrlDecode("Zm8"));
  // "Zm9" differs from "Zm8" only in bits that a canonical encoder leaves zero.
  EXPECT_THAT(Base64UrlDecode("Zm9"), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(Base64UrlDecode("A"), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(Base64UrlDecode("Zm 8"), HasReason(Reason::kEncodingInvalid));
}

TEST(BytesTest, Base64StdRejectsUnpadded) {
  EXPECT_THAT(Base64Decode("Zm8"), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(Base64Decode("Zm9="), HasReason(Reason::kEncodingInvalid));
}

TEST(BytesTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals(AsBytes("abc"), AsBytes("abc")));
  EXPECT_FALSE(ConstantTimeEquals(AsBytes("abc"), AsBytes("abd")));
  EXPECT_FALSE(ConstantTimeEquals(AsBytes("abc"), AsBytes("ab")));
}

}  // namespace
}  // namespace twi
