#include "libs/policy/schema.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/policy/policy_matchers.h"
#include "libs/policy/test_policies.h"
#include "testing/status_matchers.h"

namespace twi::policy::internal {
namespace {

using ::testing::HasSubstr;
using ::twi::policy::testing::ConfigErrorAt;
using ::twi::policy::testing::Sha256Raw;
using ::twi::policy::testing::Sha256Text;
using ::twi::testing::HasReason;

TEST(SchemaTest, Paths) {
  EXPECT_EQ(ChildPath("", "releases"), "releases");
  EXPECT_EQ(ChildPath(IndexPath("releases", 1), "imge"), "releases[1].imge");
  EXPECT_THAT(ConfigError("", "x"), ConfigErrorAt("document"));
}

TEST(SchemaTest, DurationsAcceptGoSyntax) {
  ASSERT_OK_AND_ASSIGN(absl::Duration d, ReadDuration(Json("30s"), "t"));
  EXPECT_EQ(d, absl::Seconds(30));
  ASSERT_OK_AND_ASSIGN(d, ReadDuration(Json("90m"), "t"));
  EXPECT_EQ(d, absl::Minutes(90));
  ASSERT_OK_AND_ASSIGN(d, ReadDuration(Json("1h30m"), "t"));
  EXPECT_EQ(d, absl::Minutes(90));
}

TEST(SchemaTest, DurationsRejectNonPositiveMalformedAndTooLong) {
  for (const char* bad : {"0", "0s", "-5m", "inf", "5", "5 m", "five minutes", ""}) {
    EXPECT_THAT(ReadDuration(Json(bad), "a.ttl"), ConfigErrorAt("a.ttl")) << bad;
  }
  EXPECT_THAT(ReadDuration(Json(5), "a.ttl"), ConfigErrorAt("a.ttl"));
  EXPECT_OK(ReadDuration(Json("24h"), "t", absl::Hours(24)));
  auto too_long = ReadDuration(Json("24h1s"), "t", absl::Hours(24));
  EXPECT_THAT(too_long, ConfigErrorAt("t"));
  EXPECT_THAT(too_long.status().message(), HasSubstr("at most 24h"));
}

TEST(SchemaTest, DigestsDecodeToRawBytes) {
  ASSERT_OK_AND_ASSIGN(Bytes digest, ReadDigest(Json(Sha256Text('a')), "d", false));
  EXPECT_EQ(digest, Sha256Raw('a'));
  ASSERT_OK_AND_ASSIGN(Bytes upper, ReadDigest(Json(Sha256Text('A')), "d", false));
  EXPECT_EQ(upper, digest);
  ASSERT_OK_AND_ASSIGN(Bytes sha384, ReadDigest(Json("sha384:" + std::string(96, 'f')), "d", true));
  EXPECT_EQ(sha384.size(), 48u);
}

TEST(SchemaTest, DigestsRejectBadForms) {
  const std::string hex64(64, 'a');
  for (const std::string& bad :
       {hex64, "sha256:" + hex64.substr(1), "sha256:" + hex64 + "aa",
        "sha256:" + hex64.substr(2) + "zz", "SHA256:" + hex64, "sha512:" + std::string(128, 'a'),
        "sha384:" + hex64, "sha256: " + hex64, std::string("sha256:")}) {
    EXPECT_THAT(ReadDigest(Json(bad), "m.image", true), ConfigErrorAt("m.image")) << bad;
  }
  // sha384 is only for measurement digests.
  EXPECT_THAT(ReadDigest(Json("sha384:" + std::string(96, 'a')), "d", false), ConfigErrorAt("d"));
  EXPECT_THAT(ReadDigest(Json(1), "d", true), ConfigErrorAt("d"));
}

TEST(SchemaTest, IntsAreRangeChecked) {
  EXPECT_OK(ReadInt(Json(5), "n", 0, 10));
  EXPECT_THAT(ReadInt(Json(-1), "n", 0, 10), ConfigErrorAt("n"));
  EXPECT_THAT(ReadInt(Json(11), "n", 0, 10), ConfigErrorAt("n"));
  EXPECT_THAT(ReadInt(Json(1.5), "n", 0, 10), ConfigErrorAt("n"));
  EXPECT_THAT(ReadInt(Json("5"), "n", 0, 10), ConfigErrorAt("n"));
  EXPECT_THAT(ReadInt(Json(UINT64_MAX), "n", 0, 10), ConfigErrorAt("n"));
}

TEST(SchemaTest, TypedReadersNameTheExpectedType) {
  auto s = ReadString(Json(true), "x.y");
  EXPECT_THAT(s, ConfigErrorAt("x.y"));
  EXPECT_THAT(s.status().message(), HasSubstr("must be a string, not a boolean"));
  EXPECT_THAT(ReadBool(Json("yes"), "b"), ConfigErrorAt("b"));
  EXPECT_THAT(ReadList(Json::array(), "l"), ConfigErrorAt("l"));
  EXPECT_THAT(ReadList(Json::object(), "l"), ConfigErrorAt("l"));
}

TEST(SchemaTest, TokensCheckLengthAndCharset) {
  EXPECT_OK(ReadToken(Json("pay-roll1"), "name", 63, IsLowerAlnumDash, "[a-z0-9-]"));
  EXPECT_THAT(ReadToken(Json(""), "name", 63, IsLowerAlnumDash, "[a-z0-9-]"),
              ConfigErrorAt("name"));
  EXPECT_THAT(ReadToken(Json(std::string(64, 'a')), "name", 63, IsLowerAlnumDash, "[a-z0-9-]"),
              ConfigErrorAt("name"));
  EXPECT_THAT(ReadToken(Json("Payroll"), "name", 63, IsLowerAlnumDash, "[a-z0-9-]"),
              ConfigErrorAt("name"));
}

TEST(SchemaTest, MapReaderReportsUnknownKeysFirst) {
  const Json map = Json::parse(R"({"name": "x", "imge": "y"})");
  auto reader = MapReader::Make(map, "releases[1]", {"name", "image"});
  EXPECT_THAT(reader, ConfigErrorAt("releases[1].imge"));
  EXPECT_THAT(reader.status().message(), HasSubstr("unknown key"));
}

TEST(SchemaTest, MapReaderRequiredAndOptional) {
  const Json map = Json::parse(R"({"name": "x"})");
  ASSERT_OK_AND_ASSIGN(const MapReader reader, MapReader::Make(map, "r", {"name", "tee"}));
  EXPECT_NE(reader.Optional("name"), nullptr);
  EXPECT_EQ(reader.Optional("tee"), nullptr);
  auto missing = reader.Required("tee");
  EXPECT_THAT(missing, ConfigErrorAt("r.tee"));
  EXPECT_THAT(missing.status().message(), HasSubstr("missing required key"));
  EXPECT_THAT(MapReader::Make(Json::array(), "r", {}), ConfigErrorAt("r"));
}

TEST(SchemaTest, HeaderChecksVersionThenKind) {
  EXPECT_OK(CheckHeader(Json::parse(R"({"version": 1, "kind": "workload"})"), "workload"));
  EXPECT_THAT(CheckHeader(Json::parse(R"({"kind": "workload"})"), "workload"),
              ConfigErrorAt("version"));
  auto v2 = CheckHeader(Json::parse(R"({"version": 2, "kind": "workload"})"), "workload");
  EXPECT_THAT(v2, ConfigErrorAt("version"));
  EXPECT_THAT(v2.message(), HasSubstr("unsupported schema version 2"));
  EXPECT_THAT(CheckHeader(Json::parse(R"({"version": "1", "kind": "workload"})"), "workload"),
              ConfigErrorAt("version"));
  EXPECT_THAT(CheckHeader(Json::parse(R"({"version": 1})"), "workload"), ConfigErrorAt("kind"));
  auto other = CheckHeader(Json::parse(R"({"version": 1, "kind": "issuance"})"), "workload");
  EXPECT_THAT(other, ConfigErrorAt("kind"));
  EXPECT_THAT(other.message(), HasSubstr("expected \"workload\", found \"issuance\""));
}

}  // namespace
}  // namespace twi::policy::internal
