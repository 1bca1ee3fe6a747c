#include "libs/spiffe/spiffe_id.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::spiffe {
namespace {

using ::testing::HasSubstr;
using ::twi::testing::HasReason;

// An ID of exactly `size` bytes: "spiffe://example.org/" followed by 'a's.
std::string IdOfSize(size_t size) {
  std::string id = "spiffe://example.org/";
  id.append(size - id.size(), 'a');
  return id;
}

TEST(SpiffeIdTest, ParsesTrustDomainAndPath) {
  ASSERT_OK_AND_ASSIGN(SpiffeId id, SpiffeId::Parse("spiffe://example.org/workload/payroll"));
  EXPECT_EQ(id.trust_domain(), "example.org");
  EXPECT_EQ(id.path(), "/workload/payroll");
  EXPECT_EQ(id.ToString(), "spiffe://example.org/workload/payroll");
  EXPECT_FALSE(id.is_root());
  EXPECT_FALSE(id.empty());
}

TEST(SpiffeIdTest, ParsesTrustDomainId) {
  ASSERT_OK_AND_ASSIGN(SpiffeId id, SpiffeId::Parse("spiffe://example.org"));
  EXPECT_TRUE(id.is_root());
  EXPECT_EQ(id.path(), "");
  EXPECT_EQ(id.ToString(), "spiffe://example.org");
}

TEST(SpiffeIdTest, AcceptsEveryAllowedCharacter) {
  ASSERT_OK_AND_ASSIGN(
      SpiffeId id,
      SpiffeId::Parse("spiffe://a-b_c.0123456789abcdefghijklmnopqrstuvwxyz/"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ/abcdefghijklmnopqrstuvwxyz/0123456789-_.x/..."));
  EXPECT_EQ(id.trust_domain(), "a-b_c.0123456789abcdefghijklmnopqrstuvwxyz");
}

TEST(SpiffeIdTest, SchemeIsCaseInsensitiveAndNormalized) {
  ASSERT_OK_AND_ASSIGN(SpiffeId id, SpiffeId::Parse("SPIFFE://example.org/Path"));
  EXPECT_EQ(id.ToString(), "spiffe://example.org/Path");
  ASSERT_OK_AND_ASSIGN(SpiffeId same, SpiffeId::Parse("spiffe://example.org/Path"));
  EXPECT_EQ(id, same);
}

TEST(SpiffeIdTest, PathIsCaseSensitive) {
  ASSERT_OK_AND_ASSIGN(SpiffeId upper, SpiffeId::Parse("spiffe://example.org/A"));
  ASSERT_OK_AND_ASSIGN(SpiffeId lower, SpiffeId::Parse("spiffe://example.org/a"));
  EXPECT_NE(upper, lower);
}

TEST(SpiffeIdTest, LengthBoundaryIs2048Bytes) {
  EXPECT_OK(SpiffeId::Parse(IdOfSize(2048)));
  EXPECT_THAT(SpiffeId::Parse(IdOfSize(2049)), HasReason(Reason::kSpiffeIdInvalid));
}

TEST(SpiffeIdTest, TrustDomainLengthBoundaryIs255Bytes) {
  EXPECT_OK(SpiffeId::Parse("spiffe://" + std::string(255, 'a') + "/x"));
  auto status = SpiffeId::Parse("spiffe://" + std::string(256, 'a') + "/x");
  EXPECT_THAT(status, HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(status.status().message(), HasSubstr("255"));
}

struct InvalidCase {
  std::string uri;
  std::string message;  // a fragment the error must contain
};

class SpiffeIdInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(SpiffeIdInvalidTest, RejectedWithPreciseMessage) {
  auto parsed = SpiffeId::Parse(GetParam().uri);
  EXPECT_THAT(parsed, HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(parsed.status().message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    SpecCases, SpiffeIdInvalidTest,
    ::testing::Values(InvalidCase{"", "scheme"}, InvalidCase{"example.org/a", "scheme"},
                      InvalidCase{"https://example.org/a", "scheme must be"},
                      InvalidCase{"spiffe:/example.org/a", "scheme"},
                      InvalidCase{"spiffe://", "trust domain is empty"},
                      InvalidCase{"spiffe:///path", "trust domain is empty"},
                      InvalidCase{"spiffe://Example.org/a", "lower case"},
                      InvalidCase{"spiffe://EXAMPLE.ORG", "lower case"},
                      InvalidCase{"spiffe://example.org:8443/a", "port"},
                      InvalidCase{"spiffe://user@example.org/a", "userinfo"},
                      InvalidCase{"spiffe://user:pw@example.org/a", "userinfo"},
                      InvalidCase{"spiffe://exa%6dple.org/a", "percent-encoding"},
                      InvalidCase{"spiffe://example.org/a%20b", "percent-encoding"},
                      InvalidCase{"spiffe://example.org/a?x=1", "query"},
                      InvalidCase{"spiffe://example.org?x=1", "query"},
                      InvalidCase{"spiffe://example.org/a#frag", "fragment"},
                      InvalidCase{"spiffe://example.org#frag", "fragment"},
                      InvalidCase{"spiffe://[::1]/a", "invalid character"},
                      InvalidCase{"spiffe://exa mple.org/a", "invalid character"},
                      InvalidCase{"spiffe://example.org/", "trailing"},
                      InvalidCase{"spiffe://example.org/a/", "trailing"},
                      InvalidCase{"spiffe://example.org//a", "empty segment"},
                      InvalidCase{"spiffe://example.org/a//b", "empty segment"},
                      InvalidCase{"spiffe://example.org/./a", "'.' and '..'"},
                      InvalidCase{"spiffe://example.org/a/..", "'.' and '..'"},
                      InvalidCase{"spiffe://example.org/a/../b", "'.' and '..'"},
                      InvalidCase{"spiffe://example.org/a b", "invalid character"},
                      InvalidCase{"spiffe://example.org/a*b", "invalid character"},
                      InvalidCase{"spiffe://example.org/caf\xc3\xa9", "invalid character"},
                      InvalidCase{std::string("spiffe://example.org/a\0b", 24),
                                  "invalid character"}));

TEST(SpiffeIdTest, FromPartsBuildsTheSameIdAsParse) {
  ASSERT_OK_AND_ASSIGN(SpiffeId built, SpiffeId::FromParts("example.org", "/ns/prod/sa/api"));
  ASSERT_OK_AND_ASSIGN(SpiffeId parsed, SpiffeId::Parse("spiffe://example.org/ns/prod/sa/api"));
  EXPECT_EQ(built, parsed);
  ASSERT_OK_AND_ASSIGN(SpiffeId root, SpiffeId::FromParts("example.org", ""));
  EXPECT_TRUE(root.is_root());
}

TEST(SpiffeIdTest, FromPartsValidatesBothParts) {
  EXPECT_THAT(SpiffeId::FromParts("", "/a"), HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(SpiffeId::FromParts("Example.org", "/a"), HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(SpiffeId::FromParts("example.org", "a"), HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(SpiffeId::FromParts("example.org", "/a/"), HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(SpiffeId::FromParts("example.org", "/.."), HasReason(Reason::kSpiffeIdInvalid));
}

TEST(SpiffeIdTest, FromPartsEnforcesTotalLength) {
  // "spiffe://" (9) + "example.org" (11) + path: 2048 total allowed.
  EXPECT_OK(SpiffeId::FromParts("example.org", "/" + std::string(2048 - 21, 'a')));
  EXPECT_THAT(SpiffeId::FromParts("example.org", "/" + std::string(2049 - 21, 'a')),
              HasReason(Reason::kSpiffeIdInvalid));
}

TEST(SpiffeIdTest, ValidateTrustDomain) {
  EXPECT_OK(ValidateTrustDomain("example.org"));
  EXPECT_OK(ValidateTrustDomain("prod_cluster-1.example"));
  EXPECT_THAT(ValidateTrustDomain(""), HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(ValidateTrustDomain("Example.org"), HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(ValidateTrustDomain("example.org/a"), HasReason(Reason::kSpiffeIdInvalid));
  EXPECT_THAT(ValidateTrustDomain("spiffe://example.org"), HasReason(Reason::kSpiffeIdInvalid));
}

TEST(SpiffeIdTest, DefaultConstructedIsEmptyPlaceholder) {
  SpiffeId id;
  EXPECT_TRUE(id.empty());
  EXPECT_EQ(id.ToString(), "");
}

TEST(SpiffeIdTest, OrdersByTrustDomainThenPath) {
  ASSERT_OK_AND_ASSIGN(SpiffeId a, SpiffeId::Parse("spiffe://a.org/z"));
  ASSERT_OK_AND_ASSIGN(SpiffeId b, SpiffeId::Parse("spiffe://b.org/a"));
  EXPECT_LT(a, b);
}

}  // namespace
}  // namespace twi::spiffe
