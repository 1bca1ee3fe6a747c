#include "libs/core/secret.h"

#include "gtest/gtest.h"

namespace twi {
namespace {

TEST(SecretBytesTest, MoveTransfersAndEmptiesSource) {
  SecretBytes a(AsBytes("key material"));
  SecretBytes b = std::move(a);
  EXPECT_EQ(b.as_string(), "key material");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
}

TEST(SecretBytesTest, AdoptTakesBufferWithoutCopy) {
  Bytes raw = ToBytes("pin-1234");
  const uint8_t* original = raw.data();
  SecretBytes s = SecretBytes::Adopt(std::move(raw));
  EXPECT_EQ(s.data(), original);
  EXPECT_TRUE(raw.empty());
}

TEST(SecretBytesTest, SecureWipeZeroes) {
  uint8_t buf[16];
  for (auto& b : buf) b = 0xAA;
  SecureWipe(buf, sizeof(buf));
  for (auto b : buf) EXPECT_EQ(b, 0);
}

}  // namespace
}  // namespace twi
