#include "libs/x509/pem.h"

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::x509::internal {
namespace {

using ::twi::testing::HasReason;

constexpr Reason kReason = Reason::kCertificateInvalid;

absl::StatusOr<std::vector<Bytes>> Decode(std::string_view pem, size_t max_blocks = 4) {
  return DecodePemBlocks(pem, "THING", max_blocks, kReason);
}

TEST(PemTest, RoundTripsWithSixtyFourColumnLines) {
  const Bytes der(100, 0x5a);
  const std::string pem = EncodePem("THING", der);
  EXPECT_EQ(pem.rfind("-----BEGIN THING-----\n", 0), 0u);
  // 100 bytes -> 136 base64 characters -> lines of 64, 64, 8.
  size_t longest = 0;
  size_t start = 0;
  for (size_t end; (end = pem.find('\n', start)) != std::string::npos; start = end + 1) {
    longest = std::max(longest, end - start);
  }
  EXPECT_EQ(longest, 64u);
  ASSERT_OK_AND_ASSIGN(Bytes decoded, DecodePemBlock(pem, "THING", kReason));
  EXPECT_EQ(decoded, der);
}

TEST(PemTest, DecodesSeveralBlocksWithCrlfAndSurroundingWhitespace) {
  const std::string one = EncodePem("THING", Bytes{1, 2, 3});
  std::string two;
  for (char c : EncodePem("THING", Bytes{4, 5})) {
    if (c == '\n') two.push_back('\r');
    two.push_back(c);
  }
  ASSERT_OK_AND_ASSIGN(std::vector<Bytes> blocks, Decode("\n  " + one + "\n\n" + two + "  \n"));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0], Bytes({1, 2, 3}));
  EXPECT_EQ(blocks[1], Bytes({4, 5}));
}

TEST(PemTest, RefusesAnythingButBlocksOfTheLabel) {
  const std::string good = EncodePem("THING", Bytes{1, 2, 3});
  const std::string other = EncodePem("OTHER", Bytes{1, 2, 3});
  const std::string cases[] = {
      "",
      "   \n",
      "garbage",
      "explanatory text\n" + good,  // RFC 7468 allows it; twi does not
      good + "trailing text",
      other,
      good + other,
      "-----BEGIN THING-----\nAQID\n",                       // no END line
      "-----BEGIN THING-----\nAQID-----END THING-----\n",    // END not on its own line
      "-----BEGIN THING-----\n-----END THING-----\n",        // empty body
      "-----BEGIN THING-----\nAQI*\n-----END THING-----\n",  // not base64
      "-----BEGIN THING-----\nAQJ=\n-----END THING-----\n",  // non-canonical padding bits
      "-----BEGIN THING-----\nProc-Type: 4,ENCRYPTED\n\nAQID\n-----END THING-----\n",
      "-----BEGIN THING----- AQID\n-----END THING-----\n",
  };
  for (const std::string& pem : cases) {
    EXPECT_THAT(Decode(pem), HasReason(kReason)) << pem;
  }
}

TEST(PemTest, NamesTheUnexpectedLabel) {
  auto result = Decode(EncodePem("PRIVATE KEY", Bytes{1}));
  EXPECT_THAT(result, HasReason(kReason));
  EXPECT_NE(result.status().message().find("PRIVATE KEY"), std::string::npos);
}

TEST(PemTest, EnforcesTheBlockLimit) {
  const std::string block = EncodePem("THING", Bytes{7});
  EXPECT_OK(Decode(block + block, 2));
  EXPECT_THAT(Decode(block + block + block, 2), HasReason(kReason));
  EXPECT_THAT(DecodePemBlock(block + block, "THING", kReason), HasReason(kReason));
}

TEST(PemTest, ErrorsCarryTheCallersReason) {
  EXPECT_THAT(DecodePemBlock("x", "THING", Reason::kCsrInvalid), HasReason(Reason::kCsrInvalid));
}

}  // namespace
}  // namespace twi::x509::internal
