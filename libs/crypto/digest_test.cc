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

}  // namespace
}  // namespace twi::crypto
