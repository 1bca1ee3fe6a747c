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

// A bit-at-a-time reference for the grouped encoder and decoder.
std::string ReferenceBase64Url(ByteView data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : data) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) out += kAlphabet[(acc >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  return out;
}

TEST(BytesTest, Base64RoundTripsEveryLengthAndMatchesTheReference) {
  Bytes data;
  for (size_t n = 0; n <= 70; ++n) {
    SCOPED_TRACE(n);
    const std::string url = Base64UrlEncode(data);
    EXPECT_EQ(url, ReferenceBase64Url(data));
    EXPECT_EQ(*Base64UrlDecode(url), data);
    const std::string std_text = Base64Encode(data);
    EXPECT_EQ(std_text.size() % 4, 0u);
    EXPECT_EQ(*Base64Decode(std_text), data);
    data.push_back(static_cast<uint8_t>(n * 37 + 11));
  }
}

TEST(BytesTest, Base64UrlRejectsABadCharacterAnywhere) {
  const std::string good = Base64UrlEncode(Bytes(20, 0x5a));
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = '*';
    EXPECT_THAT(Base64UrlDecode(bad), HasReason(Reason::kEncodingInvalid)) << i;
  }
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
