#include "libs/x509/der.h"

#include "gtest/gtest.h"

namespace twi::x509::der {
namespace {

Bytes LengthOf(size_t length) {
  Bytes out;
  AppendLength(length, out);
  return out;
}

TEST(DerTest, LengthUsesTheMinimalForm) {
  // X.690 §8.1.3.4 short form up to 127, §8.1.3.5 long form with no leading zero octets.
  EXPECT_EQ(LengthOf(0), Bytes({0x00}));
  EXPECT_EQ(LengthOf(127), Bytes({0x7f}));
  EXPECT_EQ(LengthOf(128), Bytes({0x81, 0x80}));
  EXPECT_EQ(LengthOf(255), Bytes({0x81, 0xff}));
  EXPECT_EQ(LengthOf(256), Bytes({0x82, 0x01, 0x00}));
  EXPECT_EQ(LengthOf(65535), Bytes({0x82, 0xff, 0xff}));
  EXPECT_EQ(LengthOf(65536), Bytes({0x83, 0x01, 0x00, 0x00}));
}

TEST(DerTest, SequenceConcatenatesElements) {
  const Bytes a = {0x02, 0x01, 0x05};
  const Bytes b = {0x05, 0x00};
  EXPECT_EQ(Sequence({a, b}), Bytes({0x30, 0x05, 0x02, 0x01, 0x05, 0x05, 0x00}));
  EXPECT_EQ(Sequence({}), Bytes({0x30, 0x00}));
}

TEST(DerTest, LongContentGetsLongFormLength) {
  const Bytes content(300, 0xab);
  const Bytes tlv = Tlv(kTagSequence, content);
  ASSERT_EQ(tlv.size(), 304u);
  EXPECT_EQ(Bytes(tlv.begin(), tlv.begin() + 4), Bytes({0x30, 0x82, 0x01, 0x2c}));
  EXPECT_EQ(Bytes(tlv.begin() + 4, tlv.end()), content);
}

TEST(DerTest, BitStringHasNoUnusedBits) {
  EXPECT_EQ(BitString(Bytes({0xde, 0xad})), Bytes({0x03, 0x03, 0x00, 0xde, 0xad}));
  EXPECT_EQ(BitString({}), Bytes({0x03, 0x01, 0x00}));
}

}  // namespace
}  // namespace twi::x509::der
