// The `tpm` evidence backend on the genuine GCE vTPM attestation (shared/vectors/tpm): the AK
// certificate chains to Google's root, the three quotes verify, the event log replays in every
// bank and gives the boot claims (kernel, command line, boot applications); and every
// deviation is refused with its reason code.
#include "libs/evidence/backends/tpm/tpm_verifier.h"

#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/evidence/backends/tpm/event_log.h"
#include "libs/evidence/backends/tpm/memory_clock_store.h"
#include "libs/evidence/backends/tpm/tpm_evidence.h"
#include "libs/evidence/backends/tpm/tpm_test_vectors.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::evidence::tpm {
namespace {

using ::testing::HasSubstr;
using ::twi::testing::HasReason;

// Inside the AK certificate's validity (2021-08-31 .. 2051-08-24).
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2024, 1, 1, 0, 0, 0), absl::UTCTimeZone());

class TpmVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TpmVectorsDir();
    if (dir_.empty()) GTEST_SKIP() << testing::kVectorsMissing;
    ASSERT_OK_AND_ASSIGN(evidence_.ak_public, Read("gce-cos85-nonce9009/ak_pub.tpmt_public"));
    ASSERT_OK_AND_ASSIGN(const Bytes ak_cert, Read("gce-cos85-nonce9009/ak_cert.der"));
    ASSERT_OK_AND_ASSIGN(const Bytes intermediate, Read("roots-gce/tpm_ek_intermediate_2.der"));
    evidence_.ak_certificates = {ak_cert, intermediate};
    for (const auto& [bank, alg] :
         {std::pair{"sha1", kAlgSha1}, {"sha256", kAlgSha256}, {"sha384", kAlgSha384}}) {
      TpmQuote quote;
      ASSERT_OK_AND_ASSIGN(quote.attest,
                           Read(std::string("gce-cos85-nonce9009/quote_") + bank + ".tpms_attest"));
      ASSERT_OK_AND_ASSIGN(quote.signature, Read(std::string("gce-cos85-nonce9009/quote_") + bank +
                                                 ".tpmt_signature"));
      evidence_.quotes.push_back(std::move(quote));
      ASSERT_OK_AND_ASSIGN(
          PcrBank values, ReadBank(std::string("gce-cos85-nonce9009/pcrs_") + bank + ".json", alg));
      evidence_.pcr_values[alg] = ConcatPcrValues(values);
    }
    ASSERT_OK_AND_ASSIGN(evidence_.event_log, Read("gce-cos85-nonce9009/event_log.bin"));
    ASSERT_OK_AND_ASSIGN(const Bytes root, Read("roots-gce/tpm_ek_root_1.der"));
    ASSERT_OK_AND_ASSIGN(const x509::Certificate anchor, x509::Certificate::FromDer(root));
    root_ = {anchor};
  }

  absl::StatusOr<Bytes> Read(const std::string& name) const {
    return testing::ReadVector(dir_, name);
  }
  absl::StatusOr<PcrBank> ReadBank(const std::string& name, uint16_t alg) const {
    return testing::ReadVectorBank(dir_, name, alg);
  }

  absl::StatusOr<Claims> Verify(const TpmEvidence& evidence, TpmVerifierOptions options = {},
                                absl::Time now = kNow) const {
    if (options.ak_roots.empty()) options.ak_roots = root_;
    TWI_ASSIGN_OR_RETURN(auto verifier, TpmVerifier::Create(std::move(options)));
    return verifier->Verify(EncodeTpmEvidence(evidence), now);
  }

  std::string dir_;
  TpmEvidence evidence_;
  std::vector<x509::Certificate> root_;
};

TEST_F(TpmVerifierTest, GceAttestationVerifiesWithBootClaims) {
  ASSERT_OK_AND_ASSIGN(const Claims claims, Verify(evidence_));
  EXPECT_EQ(claims.tee, "tpm");
  EXPECT_EQ(claims.report_data, (Bytes{0x90, 0x09}));
  EXPECT_EQ(HexEncode(claims.measurements.at("pcr0")),
            "0f35c214608d93c7a6e68ae7359b4a8be5a0e99eea9107ece427c4dea4e439cf");
  EXPECT_EQ(HexEncode(claims.measurements.at("pcr7")),
            "3365d7fa2b024c852913c06e04ffbfa6ea5289f743bbf1a76f7ffdf21ed84793");
  EXPECT_EQ(HexEncode(claims.measurements.at("pcr0.sha384")),
            "46ce251b0b5b3da7917c5eb7a72e6e88f8f830445b149937921b095c1fd628db691963861c1153aba9c709"
            "7ff1c747f9");
  EXPECT_EQ(claims.measurements.count("pcr0.sha1"), 0u);
  // The event log's claims: GRUB loaded /syslinux/vmlinuz.A with its command line.
  EXPECT_EQ(claims.measurements.count("kernel"), 1u);
  EXPECT_EQ(claims.measurements.count("cmdline"), 1u);
  EXPECT_EQ(claims.measurements.count("initrd"), 0u);  // COS boots with noinitrd
  EXPECT_EQ(claims.measurements.count("boot.0"), 1u);
  EXPECT_EQ(claims.measurements.count("agent"), 0u);  // no twi agent measured itself here
  const Json& a = claims.attester_claims;
  EXPECT_EQ(a["kernel"]["path"], "/syslinux/vmlinuz.A");
  EXPECT_THAT(a["cmdline"].get<std::string>(),
              HasSubstr("/syslinux/vmlinuz.A init=/usr/lib/systemd/systemd"));
  EXPECT_EQ(a["firmware_version"], "0x2016051100162800");
  EXPECT_EQ(a["clock"]["reset_count"], 10);
  EXPECT_EQ(a["clock"]["clock"], 8219159625u);  // the latest of the three quotes
  EXPECT_EQ(a["ak"]["name"],
            "000bf175bdb57297b2b289973f819863d6c9d09c236725676914f4248c9a2404c2a4");
  EXPECT_THAT(a["ak"]["certificate"]["issuer"].get<std::string>(),
              HasSubstr("tpm_ek_v1_cloud_host-signer"));
}

TEST_F(TpmVerifierTest, AkTrustIsRequired) {
  TpmEvidence e = evidence_;
  e.ak_certificates.clear();
  EXPECT_THAT(Verify(e), HasReason(Reason::kTpmAkUntrusted));
  // Only the leaf: the intermediate is missing, so there is no path to the root.
  e.ak_certificates = {evidence_.ak_certificates[0]};
  EXPECT_THAT(Verify(e), HasReason(Reason::kTpmAkUntrusted));
  // Another GCE root is not the one this AK chains to.
  ASSERT_OK_AND_ASSIGN(const Bytes other, Read("roots-gce/gcp_ek_ak_ca_root.der"));
  ASSERT_OK_AND_ASSIGN(const x509::Certificate other_root, x509::Certificate::FromDer(other));
  EXPECT_THAT(Verify(evidence_, {.ak_roots = {other_root}}), HasReason(Reason::kTpmAkUntrusted));
  // After the AK certificate expired.
  EXPECT_THAT(Verify(evidence_, {}, absl::FromUnixSeconds(2600000000)),
              HasReason(Reason::kTpmAkUntrusted));
  // A certificate chain for a different key than the AK that signed: the intermediate's own.
  e.ak_certificates = {evidence_.ak_certificates[1]};
  EXPECT_THAT(Verify(e), HasReason(Reason::kTpmAkUntrusted));
  EXPECT_THAT(TpmVerifier::Create({}), HasReason(Reason::kConfigInvalid));
}

TEST_F(TpmVerifierTest, CachedAkTrustEndsWithTheCertificate) {
  ASSERT_OK_AND_ASSIGN(auto verifier, TpmVerifier::Create({.ak_roots = root_}));
  const Bytes evidence = EncodeTpmEvidence(evidence_);
  ASSERT_OK(verifier->Verify(evidence, kNow).status());
  ASSERT_OK(verifier->Verify(evidence, kNow + absl::Hours(1)).status());
  EXPECT_THAT(verifier->Verify(evidence, absl::FromUnixSeconds(2600000000)),
              HasReason(Reason::kTpmAkUntrusted));
  // Before the AK certificate's notBefore (2021-08-31) as well.
  EXPECT_THAT(verifier->Verify(evidence, absl::FromUnixSeconds(1600000000)),
              HasReason(Reason::kTpmAkUntrusted));
}

TEST_F(TpmVerifierTest, TheVectorsNegativesAreRefused) {
  TpmEvidence e = evidence_;
  ASSERT_OK_AND_ASSIGN(e.quotes[1].signature,
                       Read("negative/gce-quote_sha256-signature-flipped.tpmt_signature"));
  EXPECT_THAT(Verify(e), HasReason(Reason::kEvidenceSignatureInvalid));
  e = evidence_;
  ASSERT_OK_AND_ASSIGN(e.quotes[1].attest,
                       Read("negative/gce-quote_sha256-extradata-9008.tpms_attest"));
  EXPECT_FALSE(Verify(e).ok());
  e = evidence_;
  ASSERT_OK_AND_ASSIGN(const PcrBank zeroed,
                       ReadBank("negative/gce-pcrs_sha256-pcr0-zeroed.json", kAlgSha256));
  e.pcr_values[kAlgSha256] = ConcatPcrValues(zeroed);
  EXPECT_THAT(Verify(e), HasReason(Reason::kTpmPcrDigestMismatch));
}

TEST_F(TpmVerifierTest, EvidenceMustBeCompleteAndConsistent) {
  // A PCR value sent that no quote covers, or one missing.
  TpmEvidence e = evidence_;
  e.pcr_values[kAlgSha256].resize(23 * 32);
  EXPECT_THAT(Verify(e), HasReason(Reason::kEvidenceMalformed));
  e = evidence_;
  e.pcr_values[kAlgSha256].push_back(0);
  EXPECT_THAT(Verify(e), HasReason(Reason::kEvidenceMalformed));
  // A bank sent that no quote selects.
  e = evidence_;
  e.quotes.pop_back();  // the SHA-384 quote
  EXPECT_THAT(Verify(e), HasReason(Reason::kEvidenceMalformed));
  // No SHA-256 bank: the event digests used as claims would be unchecked.
  e = evidence_;
  e.quotes = {evidence_.quotes[0]};
  e.pcr_values = {{kAlgSha1, evidence_.pcr_values.at(kAlgSha1)}};
  EXPECT_THAT(Verify(e), HasReason(Reason::kEvidenceMalformed));
  // The same bank quoted twice.
  e = evidence_;
  e.quotes.push_back(evidence_.quotes[1]);
  EXPECT_THAT(Verify(e), HasReason(Reason::kEvidenceMalformed));
  // An event log that does not replay: one event's digest changed (the last byte of the log is
  // inside the last event's data, so change a digest byte found by parsing instead).
  e = evidence_;
  ASSERT_OK_AND_ASSIGN(const EventLog log, ParseEventLog(e.event_log));
  const Bytes& digest = log.events.back().digests.at(kAlgSha256);
  auto at = std::search(e.event_log.begin(), e.event_log.end(), digest.begin(), digest.end());
  ASSERT_NE(at, e.event_log.end());
  *at ^= 1;
  EXPECT_THAT(Verify(e), HasReason(Reason::kTpmEventLogMismatch));
  // A log that is not a log at all.
  e.event_log = ToBytes("not a TCG event log");
  EXPECT_THAT(Verify(e), HasReason(Reason::kTpmEventLogMismatch));
}

TEST_F(TpmVerifierTest, FirmwareAndClockChecks) {
  EXPECT_THAT(Verify(evidence_, {.min_firmware_version = 0x2016051100162801}),
              HasReason(Reason::kTpmFirmwareRefused));
  EXPECT_OK(Verify(evidence_, {.min_firmware_version = 0x2016051100162800}).status());

  MemoryTpmClockStore clocks;
  ASSERT_OK_AND_ASSIGN(const Claims claims, Verify(evidence_, {.clocks = &clocks}));
  // The same quotes again: the clock did not go back (a replay is stopped by the nonce).
  ASSERT_OK(Verify(evidence_, {.clocks = &clocks}).status());
  // Once a later quote was seen from this AK, these are older: refused.
  ASSERT_OK_AND_ASSIGN(const Bytes ak_name,
                       HexDecode(claims.attester_claims["ak"]["name"].get<std::string>()));
  ASSERT_OK(clocks.Advance(ak_name, {.reset_count = 10, .restart_count = 0, .clock = 8219159626}));
  EXPECT_THAT(Verify(evidence_, {.clocks = &clocks}), HasReason(Reason::kTpmClockInvalid));
  MemoryTpmClockStore rebooted;
  ASSERT_OK(rebooted.Advance(ak_name, {.reset_count = 11, .restart_count = 0, .clock = 0}));
  EXPECT_THAT(Verify(evidence_, {.clocks = &rebooted}), HasReason(Reason::kTpmClockInvalid));
  // A failed verification does not move the clock: the good one still passes afterwards.
  TpmEvidence bad = evidence_;
  bad.event_log = ToBytes("x");
  MemoryTpmClockStore fresh;
  EXPECT_FALSE(Verify(bad, {.clocks = &fresh}).ok());
  ASSERT_OK(fresh.Advance(ak_name, {.reset_count = 10, .restart_count = 0, .clock = 0}));
  EXPECT_OK(Verify(evidence_, {.clocks = &fresh}).status());
}

TEST(TpmEvidenceTest, ParsingIsStrict) {
  TpmEvidence e;
  e.ak_public = {1, 2, 3};
  e.quotes = {{.attest = {4}, .signature = {5}}};
  e.pcr_values = {{kAlgSha256, Bytes(64, 7)}};
  const Bytes good = EncodeTpmEvidence(e);
  ASSERT_OK_AND_ASSIGN(const TpmEvidence back, ParseTpmEvidence(good));
  EXPECT_EQ(back.ak_public, e.ak_public);
  EXPECT_EQ(back.pcr_values.at(kAlgSha256), Bytes(64, 7));

  ASSERT_OK_AND_ASSIGN(Json json, ParseJsonObject(ToString(good)));
  auto refused = [](Json j) { return ParseTpmEvidence(ToBytes(DumpJson(j))); };
  Json j = json;
  j["extra"] = 1;
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j = json;
  j["version"] = 2;
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j = json;
  j["ak_public"] = "!!";
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j = json;
  j["pcrs"]["sha256"] = "!!";
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j = json;
  j["pcrs"]["sha256"] = Json::object();
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j = json;
  j["pcrs"]["md5"] = j["pcrs"]["sha256"];
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j = json;
  j["quotes"] = Json::array();
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j = json;
  j.erase("pcrs");
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  EXPECT_THAT(ParseTpmEvidence(ToBytes("[]")), HasReason(Reason::kEvidenceMalformed));
  j = json;
  j["ima_log"] = j["ak_public"];  // without ima_log_hash
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j["ima_log_hash"] = "md5";
  EXPECT_THAT(refused(j), HasReason(Reason::kEvidenceMalformed));
  j["ima_log_hash"] = "sha256";
  ASSERT_OK_AND_ASSIGN(const TpmEvidence with_ima, ParseTpmEvidence(ToBytes(DumpJson(j))));
  EXPECT_EQ(with_ima.ima_log_hash, kAlgSha256);

  // What a DOM parser would let through: a member twice, an escape, a trailing value.
  const std::string text = ToString(good);
  auto refused_text = [](const std::string& t) { return ParseTpmEvidence(ToBytes(t)); };
  EXPECT_THAT(refused_text("{\"version\":1," + text.substr(1)),
              HasReason(Reason::kEvidenceMalformed));
  const std::string ak = "\"ak_public\":\"" + Base64UrlEncode(e.ak_public) + "\"";
  ASSERT_NE(text.find(ak), std::string::npos);
  std::string escaped = text;
  escaped.replace(text.find(ak), ak.size(), "\"ak_public\":\"AQ\\u0049D\"");
  EXPECT_THAT(refused_text(escaped), HasReason(Reason::kEvidenceMalformed));
  EXPECT_THAT(refused_text(text + "{}"), HasReason(Reason::kEvidenceMalformed));
  EXPECT_OK(refused_text(" \n" + text + "\n").status());
}

}  // namespace
}  // namespace twi::evidence::tpm
