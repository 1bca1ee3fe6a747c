#include "libs/crypto/mac.h"

#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/crypto/random.h"
#include "testing/status_matchers.h"

namespace twi::crypto {
namespace {

using ::twi::testing::HasReason;

// RFC 4231 test case 6: a 131-byte key (longer than the block, so it is hashed first).
TEST(HmacSha256Test, Rfc4231KnownAnswer) {
  const SecretBytes key(Bytes(131, 0xaa));
  ASSERT_OK_AND_ASSIGN(const HmacSha256 mac, HmacSha256::Create(key));
  EXPECT_EQ(
      HexEncode(mac.Compute(AsBytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, VerifyAcceptsOnlyTheExactTag) {
  ASSERT_OK_AND_ASSIGN(const HmacSha256 mac, HmacSha256::Create(SecretBytes(RandomBytes(32))));
  const Bytes data = ToBytes("challenge");
  Bytes tag = mac.Compute(data);
  EXPECT_TRUE(mac.Verify(data, tag));
  EXPECT_FALSE(mac.Verify(ToBytes("challengE"), tag));
  EXPECT_FALSE(mac.Verify(data, ByteView(tag.data(), tag.size() - 1)));
  tag[31] ^= 0x01;
  EXPECT_FALSE(mac.Verify(data, tag));
}

TEST(HmacSha256Test, KeysAreIndependent) {
  ASSERT_OK_AND_ASSIGN(const HmacSha256 a, HmacSha256::Create(SecretBytes(RandomBytes(32))));
  ASSERT_OK_AND_ASSIGN(const HmacSha256 b, HmacSha256::Create(SecretBytes(RandomBytes(32))));
  const Bytes data = ToBytes("x");
  EXPECT_FALSE(b.Verify(data, a.Compute(data)));
  EXPECT_EQ(a.Compute(data), a.Compute(data));  // the keyed context is reused, not consumed
}

TEST(HmacSha256Test, RefusesShortKeys) {
  EXPECT_THAT(HmacSha256::Create(SecretBytes(RandomBytes(31))),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(HmacSha256::Create(SecretBytes()), HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi::crypto
