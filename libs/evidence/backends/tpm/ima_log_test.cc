#include "libs/evidence/backends/tpm/ima_log.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/ima_test_list.h"
#include "testing/status_matchers.h"

namespace twi::evidence::tpm {
namespace {

using ::testing::ElementsAre;
using testing::EncodeImaEntry;
using ::testing::HasSubstr;
using testing::ImaExtendDigest;
using testing::ImaFile;
using testing::ImaTestEntry;
using ::twi::testing::HasReason;
using Alg = crypto::DigestAlgorithm;

Bytes Digest(std::string_view what) { return crypto::Sha256(AsBytes(what)); }

Bytes List(const std::vector<ImaTestEntry>& entries, Alg alg = Alg::kSha1) {
  Bytes out;
  for (const ImaTestEntry& e : entries) {
    const Bytes encoded = EncodeImaEntry(e, alg);
    out.insert(out.end(), encoded.begin(), encoded.end());
  }
  return out;
}

// PCR `pcr` of bank `alg` after the kernel extended the first `count` entries of it.
Bytes Replayed(const std::vector<ImaTestEntry>& entries, Alg alg, size_t count, uint32_t pcr = 10) {
  Bytes value(crypto::DigestSize(alg), 0);
  for (size_t i = 0; i < count; ++i) {
    if (entries[i].pcr != pcr) continue;
    crypto::Hasher hasher(alg);
    value = hasher.Update(value).Update(ImaExtendDigest(entries[i], alg)).Finish();
  }
  return value;
}

PcrBank Bank(uint16_t hash_alg, std::map<uint32_t, Bytes> values) {
  return {.hash_alg = hash_alg, .values = std::move(values)};
}

class ImaLogTest : public ::testing::Test {
 protected:
  std::vector<ImaTestEntry> entries_ = {
      ImaFile("boot_aggregate", Digest("aggregate")),
      ImaFile("/usr/lib/systemd/systemd", Digest("systemd")),
      ImaFile("/usr/bin/orders", Digest("orders v1")),
  };
};

// From a real system's ascii_runtime_measurements: the SHA-1 template hash of this ima-ng
// entry is bb24b135…; only the kernel's exact encoding of the template data gives it.
TEST_F(ImaLogTest, TemplateHashOfARealEntry) {
  ASSERT_OK_AND_ASSIGN(
      const Bytes file_digest,
      HexDecode("d41dd4adacf5a35df426461dd8a92d7bdd5ba29bb61a1c3531bec0ada386f8dd"));
  const ImaTestEntry entry = ImaFile("/usr/lib/x86_64-linux-gnu/libresolv.so.2", file_digest);
  const Bytes list = List({entry});
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  ASSERT_EQ(log.entries.size(), 1u);
  EXPECT_EQ(HexEncode(log.entries[0].template_hash), "bb24b135e1c911c97aad8f1c1863efc08cd44c11");
  EXPECT_EQ(log.entries[0].template_name, "ima-ng");
  EXPECT_EQ(log.entries[0].digest_alg, "sha256");
  EXPECT_EQ(log.entries[0].digest, file_digest);
  EXPECT_EQ(log.entries[0].name, "/usr/lib/x86_64-linux-gnu/libresolv.so.2");
  EXPECT_THAT(log.pcrs, ElementsAre(10u));
}

TEST_F(ImaLogTest, AQuotedListGivesItsClaims) {
  const Bytes list = List(entries_);
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  const std::vector<PcrBank> banks = {
      Bank(kAlgSha1, {{10, Replayed(entries_, Alg::kSha1, 3)}}),
      Bank(kAlgSha256, {{10, Replayed(entries_, Alg::kSha256, 3)}})};
  ASSERT_OK_AND_ASSIGN(const size_t attested, CheckImaLog(log, banks));
  EXPECT_EQ(attested, 3u);
  const EventClaims claims = ImaClaims(log, attested);
  EXPECT_EQ(claims.measurements.at("ima:/usr/bin/orders"), Digest("orders v1"));
  EXPECT_EQ(claims.measurements.at("ima:/usr/lib/systemd/systemd"), Digest("systemd"));
  EXPECT_EQ(claims.description["ima"]["attested"], 3);
  EXPECT_EQ(claims.description["ima"]["violations"], 0);
}

TEST_F(ImaLogTest, ListsWithPerBankHashesReplayToo) {
  const Bytes list = List(entries_, Alg::kSha256);
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha256));
  ASSERT_OK_AND_ASSIGN(
      const size_t attested,
      CheckImaLog(log, {Bank(kAlgSha256, {{10, Replayed(entries_, Alg::kSha256, 3)}})}));
  EXPECT_EQ(attested, 3u);
  // Parsed as SHA-1 hashes, the same bytes are not a list.
  EXPECT_THAT(ParseImaLog(list, kAlgSha1), HasReason(Reason::kEvidenceMalformed));
}

// IMA appends while the agent quotes: entries after the quoted state are not vouched for.
TEST_F(ImaLogTest, OnlyTheQuotedPrefixIsClaimed) {
  std::vector<ImaTestEntry> longer = entries_;
  longer.push_back(ImaFile("/usr/bin/later", Digest("later")));
  const Bytes list = List(longer);
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  ASSERT_OK_AND_ASSIGN(
      const size_t attested,
      CheckImaLog(log, {Bank(kAlgSha256, {{10, Replayed(longer, Alg::kSha256, 3)}})}));
  EXPECT_EQ(attested, 3u);
  const EventClaims claims = ImaClaims(log, attested);
  EXPECT_TRUE(claims.measurements.count("ima:/usr/bin/orders"));
  EXPECT_FALSE(claims.measurements.count("ima:/usr/bin/later"));
  EXPECT_EQ(claims.description["ima"]["entries"], 4);
}

// Kernels before 5.8 extended every bank with the SHA-1 template hash, zero-padded.
TEST_F(ImaLogTest, OlderKernelsPaddedSha1Replays) {
  Bytes pcr(32, 0);
  for (const ImaTestEntry& e : entries_) {
    Bytes padded = crypto::Digest(Alg::kSha1, e.data);
    padded.resize(32, 0);
    crypto::Hasher hasher(Alg::kSha256);
    pcr = hasher.Update(pcr).Update(padded).Finish();
  }
  const Bytes list = List(entries_);
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  ASSERT_OK_AND_ASSIGN(const size_t attested, CheckImaLog(log, {Bank(kAlgSha256, {{10, pcr}})}));
  EXPECT_EQ(attested, 3u);
}

TEST_F(ImaLogTest, AListThatDoesNotReplayIsRefused) {
  const std::vector<PcrBank> banks = {
      Bank(kAlgSha256, {{10, Replayed(entries_, Alg::kSha256, 3)}})};
  // Reordered.
  std::vector<ImaTestEntry> reordered = {entries_[0], entries_[2], entries_[1]};
  Bytes list = List(reordered);
  ASSERT_OK_AND_ASSIGN(ImaLog log, ParseImaLog(list, kAlgSha1));
  EXPECT_THAT(CheckImaLog(log, banks), HasReason(Reason::kTpmEventLogMismatch));
  // Another binary, with its own consistent template hash.
  std::vector<ImaTestEntry> swapped = entries_;
  swapped[2] = ImaFile("/usr/bin/orders", Digest("orders, backdoored"));
  list = List(swapped);
  ASSERT_OK_AND_ASSIGN(log, ParseImaLog(list, kAlgSha1));
  EXPECT_THAT(CheckImaLog(log, banks), HasReason(Reason::kTpmEventLogMismatch));
  // An entry missing.
  list = List({entries_[0], entries_[2]});
  ASSERT_OK_AND_ASSIGN(log, ParseImaLog(list, kAlgSha1));
  EXPECT_THAT(CheckImaLog(log, banks), HasReason(Reason::kTpmEventLogMismatch));
}

TEST_F(ImaLogTest, EveryQuotedBankMustReplay) {
  const Bytes list = List(entries_);
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  const auto status =
      CheckImaLog(log, {Bank(kAlgSha1, {{10, Bytes(20, 7)}}),
                        Bank(kAlgSha256, {{10, Replayed(entries_, Alg::kSha256, 3)}})});
  EXPECT_THAT(status, HasReason(Reason::kTpmEventLogMismatch));
  EXPECT_THAT(status.status().message(), HasSubstr("sha1"));
}

TEST_F(ImaLogTest, APcrTheQuoteLeavesOutIsRefused) {
  const Bytes list = List(entries_);
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  EXPECT_THAT(CheckImaLog(log, {Bank(kAlgSha256, {{0, Bytes(32, 0)}})}),
              HasReason(Reason::kTpmEventLogMismatch));
  EXPECT_THAT(CheckImaLog(log, {Bank(kAlgSha1, {{10, Replayed(entries_, Alg::kSha1, 3)}})}),
              HasReason(Reason::kTpmEventLogMismatch));
}

TEST_F(ImaLogTest, ViolationsAndAmbiguousNamesGiveNoClaim) {
  std::vector<ImaTestEntry> entries = entries_;
  ImaTestEntry violation = ImaFile("/etc/orders.conf", Bytes(32, 0));
  violation.violation = true;
  entries.push_back(violation);
  entries.push_back(ImaFile("/etc/orders.conf", Digest("config")));
  entries.push_back(ImaFile("/usr/bin/orders", Digest("orders v2")));
  const Bytes list = List(entries);
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  EXPECT_TRUE(log.entries[3].violation);
  ASSERT_OK_AND_ASSIGN(
      const size_t attested,
      CheckImaLog(log, {Bank(kAlgSha256, {{10, Replayed(entries, Alg::kSha256, 6)}})}));
  ASSERT_EQ(attested, 6u);
  const EventClaims claims = ImaClaims(log, attested);
  EXPECT_FALSE(claims.measurements.count("ima:/etc/orders.conf"));
  EXPECT_FALSE(claims.measurements.count("ima:/usr/bin/orders"));
  EXPECT_TRUE(claims.measurements.count("ima:/usr/lib/systemd/systemd"));
  EXPECT_EQ(claims.description["ima"]["violations"], 1);
  EXPECT_EQ(claims.description["ima"]["ambiguous"], 2);
}

TEST_F(ImaLogTest, OtherTemplatesAndDigests) {
  // ima-ngv2 with an fs-verity digest, ima-buf, a SHA-1 file digest (not claimed), and a custom
  // template (replayed, not read).
  Bytes v2_digest = ToBytes("verity:sha256:");
  v2_digest.push_back(0);
  const Bytes verity = Digest("verity descriptor");
  v2_digest.insert(v2_digest.end(), verity.begin(), verity.end());
  Bytes v2_data;
  testing::PutSized(v2_data, v2_digest);
  testing::PutSized(v2_data, ToBytes(std::string_view("/usr/bin/tool\0", 14)));
  Bytes custom_data;
  testing::PutSized(custom_data, ToBytes("opaque"));
  const std::vector<ImaTestEntry> entries = {
      {.pcr = 10, .template_name = "ima-ngv2", .data = v2_data},
      {.pcr = 10,
       .template_name = "ima-buf",
       .data = testing::ImaNgData("sha256", Digest("6.1.0"), "kernel_version")},
      {.pcr = 10,
       .template_name = "ima-ng",
       .data = testing::ImaNgData("sha1", Bytes(20, 3), "/usr/bin/old")},
      {.pcr = 11, .template_name = "my-template", .data = custom_data},
  };
  const Bytes list = List(entries);
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  EXPECT_THAT(log.pcrs, ElementsAre(10u, 11u));
  ASSERT_OK_AND_ASSIGN(
      const size_t attested,
      CheckImaLog(log, {Bank(kAlgSha256, {{10, Replayed(entries, Alg::kSha256, 4)},
                                          {11, Replayed(entries, Alg::kSha256, 4, 11)}})}));
  EXPECT_EQ(attested, 4u);
  const EventClaims claims = ImaClaims(log, attested);
  EXPECT_EQ(claims.measurements.at("ima-verity:/usr/bin/tool"), verity);
  EXPECT_EQ(claims.measurements.at("ima:kernel_version"), Digest("6.1.0"));
  EXPECT_FALSE(claims.measurements.count("ima:/usr/bin/old"));
  EXPECT_EQ(claims.measurements.size(), 2u);
}

TEST_F(ImaLogTest, BootAggregateMustBeThatOfTheQuotedPcrs) {
  std::map<uint32_t, Bytes> values;
  crypto::Hasher hasher(Alg::kSha256);
  for (uint32_t pcr = 0; pcr <= 9; ++pcr) {
    values[pcr] = Digest("pcr " + std::to_string(pcr));
    hasher.Update(values[pcr]);
  }
  const Bytes aggregate = hasher.Finish();
  const Bytes list = List({ImaFile("boot_aggregate", aggregate)});
  ASSERT_OK_AND_ASSIGN(const ImaLog log, ParseImaLog(list, kAlgSha1));
  EXPECT_THAT(CheckBootAggregate(log.entries[0], {Bank(kAlgSha256, values)}),
              ::twi::testing::IsOkAndHolds(true));
  // PCR 9 (the kernel, in GRUB's allocation) changed.
  std::map<uint32_t, Bytes> changed = values;
  changed[9] = Digest("another kernel");
  EXPECT_THAT(CheckBootAggregate(log.entries[0], {Bank(kAlgSha256, changed)}),
              HasReason(Reason::kTpmEventLogMismatch));
  // Not quoted: nothing to check.
  values.erase(8);
  EXPECT_THAT(CheckBootAggregate(log.entries[0], {Bank(kAlgSha256, values)}),
              ::twi::testing::IsOkAndHolds(false));

  // A SHA-1 boot_aggregate covers PCRs 0-7 only.
  std::map<uint32_t, Bytes> sha1;
  crypto::Hasher sha1_hasher(Alg::kSha1);
  for (uint32_t pcr = 0; pcr <= 7; ++pcr) {
    sha1[pcr] = Bytes(20, static_cast<uint8_t>(pcr));
    sha1_hasher.Update(sha1[pcr]);
  }
  const Bytes sha1_list =
      List({{.pcr = 10,
             .template_name = "ima-ng",
             .data = testing::ImaNgData("sha1", sha1_hasher.Finish(), "boot_aggregate")}});
  ASSERT_OK_AND_ASSIGN(const ImaLog sha1_log, ParseImaLog(sha1_list, kAlgSha1));
  EXPECT_THAT(CheckBootAggregate(sha1_log.entries[0], {Bank(kAlgSha1, sha1)}),
              ::twi::testing::IsOkAndHolds(true));
}

TEST_F(ImaLogTest, MalformedListsAreRefused) {
  const Bytes good = List(entries_);
  auto refused = [](const Bytes& list, std::string_view why) {
    const auto parsed = ParseImaLog(list, kAlgSha1);
    EXPECT_THAT(parsed, HasReason(Reason::kEvidenceMalformed)) << why;
    if (!parsed.ok()) {
      EXPECT_THAT(parsed.status().message(), HasSubstr(why));
    }
  };
  refused(Bytes(good.begin(), good.end() - 1), "truncated");
  Bytes altered = good;
  altered.back() ^= 1;  // a byte of the last entry's name: its template hash no longer matches
  refused(altered, "not the hash of the template data");
  Bytes pcr = good;
  pcr[0] = 40;
  refused(pcr, "beyond PCR 31");
  refused(List({{.pcr = 10, .template_name = "ima", .data = Bytes(20 + 256, 1)}}),
          "legacy \"ima\" template");
  refused(List({{.pcr = 10,
                 .template_name = "ima-ng",
                 .data = testing::ImaNgData("whirlpool", Bytes(64, 1), "/x")}}),
          "names no hash algorithm");
  refused(List({{.pcr = 10,
                 .template_name = "ima-ng",
                 .data = testing::ImaNgData("sha256", Bytes(20, 1), "/x")}}),
          "digest of the wrong size");
  Bytes d = ToBytes("sha256:");
  d.push_back(0);
  d.resize(d.size() + 32, 1);
  Bytes no_nul;
  testing::PutSized(no_nul, d);
  testing::PutSized(no_nul, ToBytes("/x"));
  refused(List({{.pcr = 10, .template_name = "ima-ng", .data = no_nul}}), "NUL-terminated");
  refused(List({{.pcr = 10, .template_name = "ima-ng", .data = ToBytes("\x01")}}), "truncated");
  EXPECT_THAT(ParseImaLog(good, 0x0012), HasReason(Reason::kEvidenceMalformed));
}

TEST(ImaLogPathTest, HashAlgorithmFromTheFileName) {
  EXPECT_EQ(ImaLogHashFromPath(kSecurityfsImaLog), kAlgSha1);
  EXPECT_EQ(ImaLogHashFromPath("/sys/kernel/security/ima/binary_runtime_measurements_sha256"),
            kAlgSha256);
  EXPECT_EQ(ImaLogHashFromPath("/tmp/list_sha384"), kAlgSha384);
  EXPECT_EQ(ImaLogHashFromPath("/tmp/list_sha512"), kAlgSha512);
}

}  // namespace
}  // namespace twi::evidence::tpm
