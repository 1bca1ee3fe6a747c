#include "libs/crypto/digest.h"

#include "gtest/gtest.h"
#include "libs/crypto/random.h"

namespace twi::crypto {
namespace {

// FIPS 180-2 Appendix B known answers for "abc".
TEST(DigestTest, KnownAnswers) {
  EXPECT_EQ(HexEncode(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha384(AsBytes("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(HexEncode(Sha512(AsBytes("abc"))).substr(0, 32), "ddaf35a193617abacc417349ae204131");
}

TEST(DigestTest, IncrementalMatchesOneShot) {
  Hasher h(DigestAlgorithm::kSha256);
  h.Update("a").Update("b").Update("c");
  EXPECT_EQ(h.Finish(), Sha256(AsBytes("abc")));
}

TEST(DigestTest, Sha256IdFormat) {
  EXPECT_EQ(Sha256Id(AsBytes("")),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RandomTest, ProducesDistinctValuesOfRequestedSize) {
  Bytes a = RandomBytes(32);
  Bytes b = RandomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(RandomBytes(0).empty());
}

TEST(RandomTest, TimeOrderedRandomStartsWithTheMillisecondsAndSortsByTime) {
  const absl::Time t = absl::FromUnixMillis(0x0123456789ab);
  const Bytes a = TimeOrderedRandom(t, 16);
  ASSERT_EQ(a.size(), 16u);
  EXPECT_EQ(HexEncode(ByteView(a.data(), 6)), "0123456789ab");
  EXPECT_NE(TimeOrderedRandom(t, 16), a);  // the rest is random
  EXPECT_LT(a, TimeOrderedRandom(t + absl::Milliseconds(1), 16));
  EXPECT_EQ(TimeOrderedRandom(t, 20).size(), 20u);
}

TEST(RandomTest, UuidV7HasVersionVariantAndSortsByTime) {
  const absl::Time t = absl::FromUnixMillis(0x0123456789ab);
  const std::string id = UuidV7(t);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id.substr(0, 14), "01234567-89ab-");
  EXPECT_EQ(id[14], '7');                                          // version
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);  // variant 0b10
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[23], '-');
  EXPECT_NE(UuidV7(t), id);
  EXPECT_LT(id, UuidV7(t + absl::Milliseconds(1)));
}

}  // namespace
}  // namespace twi::crypto
