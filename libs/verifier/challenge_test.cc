#include "libs/verifier/challenge.h"

#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/crypto/random.h"
#include "testing/status_matchers.h"

namespace twi::verifier {
namespace {

using ::twi::testing::HasReason;

const absl::Time kExpiry = absl::FromUnixMicros(1'790'000'000'123'456);

ChallengeCodec NewCodec() { return *ChallengeCodec::Create(SecretBytes(crypto::RandomBytes(32))); }

TEST(ChallengeCodecTest, MintedNonceOpensToItsExpiry) {
  const ChallengeCodec codec = NewCodec();
  const Bytes nonce = codec.Mint(kExpiry);
  EXPECT_EQ(nonce.size(), kChallengeNonceSize);
  EXPECT_EQ(nonce[0], 0x01);
  EXPECT_EQ(codec.Open(nonce), kExpiry);
}

TEST(ChallengeCodecTest, NoncesForTheSameExpiryDiffer) {
  const ChallengeCodec codec = NewCodec();
  EXPECT_NE(codec.Mint(kExpiry), codec.Mint(kExpiry));
}

TEST(ChallengeCodecTest, EveryAlteredByteIsRefused) {
  const ChallengeCodec codec = NewCodec();
  const Bytes nonce = codec.Mint(kExpiry);
  for (size_t i = 0; i < nonce.size(); ++i) {
    Bytes altered = nonce;
    altered[i] ^= 0x40;
    EXPECT_EQ(codec.Open(altered), std::nullopt) << "byte " << i;
  }
}

TEST(ChallengeCodecTest, ExtendedExpiryIsRefused) {
  const ChallengeCodec codec = NewCodec();
  Bytes nonce = codec.Mint(kExpiry);
  nonce[1] += 1;  // the most significant expiry byte: a far later expiry
  EXPECT_EQ(codec.Open(nonce), std::nullopt);
}

TEST(ChallengeCodecTest, AnotherKeysNonceIsRefused) {
  EXPECT_EQ(NewCodec().Open(NewCodec().Mint(kExpiry)), std::nullopt);
}

TEST(ChallengeCodecTest, WrongSizesAreRefused) {
  const ChallengeCodec codec = NewCodec();
  const Bytes nonce = codec.Mint(kExpiry);
  EXPECT_EQ(codec.Open(ByteView(nonce.data(), nonce.size() - 1)), std::nullopt);
  Bytes longer = nonce;
  longer.push_back(0);
  EXPECT_EQ(codec.Open(longer), std::nullopt);
  EXPECT_EQ(codec.Open({}), std::nullopt);
  EXPECT_EQ(codec.Open(crypto::RandomBytes(32)), std::nullopt);
}

TEST(ChallengeCodecTest, ShortKeyIsRefused) {
  EXPECT_THAT(ChallengeCodec::Create(SecretBytes(crypto::RandomBytes(16))),
              HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi::verifier
