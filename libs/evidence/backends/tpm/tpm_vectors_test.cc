// The public TPM 2.0 vectors (shared/vectors/tpm, README.md there): a genuine GCE vTPM quote set
// with its AK, AK certificate, PCR values and event log. Every value the README states is
// checked, the three quotes verify and the event log replays to the quoted PCRs of every bank;
// each negative is rejected with its reason code, as are generated negatives that change one
// field at a time.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/event_log.h"
#include "libs/evidence/backends/tpm/quote.h"
#include "libs/evidence/backends/tpm/tpm_test_vectors.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"
#include "libs/x509/certificate.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::evidence::tpm {
namespace {

using ::twi::testing::HasReason;

const Bytes kNonce = {0x90, 0x09};

struct BankCase {
  const char* name;
  uint16_t alg;
  uint64_t clock;
  const char* pcr_digest;
};
constexpr BankCase kBanks[] = {
    {"sha1", kAlgSha1, 8219159479,
     "fda327d4ba5d5978fe3a23db1a47964050e872639ef5d6a99c123cca39e56d8b"},
    {"sha256", kAlgSha256, 8219159552,
     "048937cbaaf28af85a5b0c0997e725097a0d94e05fcda104a82ee3fb6b2e1808"},
    {"sha384", kAlgSha384, 8219159625,
     "6c250f48d304517716f4a5a9127bf8762a80b63df783cb724630b180a3a66bea"},
};

class TpmVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TpmVectorsDir();
    if (dir_.empty()) GTEST_SKIP() << testing::kVectorsMissing;
    ASSERT_OK_AND_ASSIGN(const Bytes ak, Read("gce-cos85-nonce9009/ak_pub.tpmt_public"));
    ASSERT_OK_AND_ASSIGN(ak_, ParsePublic(ak));
  }

  absl::StatusOr<Bytes> Read(const std::string& name) const {
    return testing::ReadVector(dir_, name);
  }
  absl::StatusOr<PcrBank> ReadBank(const std::string& name, uint16_t alg) const {
    return testing::ReadVectorBank(dir_, name, alg);
  }

  absl::StatusOr<QuoteAttest> Verify(const std::string& bank, ByteView nonce = kNonce) const {
    const BankCase* c = nullptr;
    for (const BankCase& b : kBanks) {
      if (bank == b.name) c = &b;
    }
    TWI_ASSIGN_OR_RETURN(const Bytes attest,
                         Read("gce-cos85-nonce9009/quote_" + bank + ".tpms_attest"));
    TWI_ASSIGN_OR_RETURN(const Bytes sig,
                         Read("gce-cos85-nonce9009/quote_" + bank + ".tpmt_signature"));
    TWI_ASSIGN_OR_RETURN(const PcrBank pcrs,
                         ReadBank("gce-cos85-nonce9009/pcrs_" + bank + ".json", c->alg));
    return VerifyQuote(attest, sig, ak_, nonce, {pcrs});
  }

  std::string dir_;
  TpmPublic ak_;
};

TEST_F(TpmVectorsTest, AttestationKeyIsTheStatedRsaKeyWithItsName) {
  EXPECT_EQ(ak_.type, kAlgRsa);
  EXPECT_EQ(ak_.rsa_bits, 2048);
  EXPECT_TRUE(ak_.rsa_exponent == 0 || ak_.rsa_exponent == 65537) << ak_.rsa_exponent;
  EXPECT_EQ(ak_.name_alg, kAlgSha256);
  EXPECT_EQ(ak_.object_attributes, 0x00050072u);
  EXPECT_EQ(ak_.scheme, kAlgRsaSsa);
  EXPECT_EQ(ak_.scheme_hash, kAlgSha256);
  EXPECT_OK(CheckAttestationKey(ak_));
  ASSERT_OK_AND_ASSIGN(const Bytes name, ak_.Name());
  EXPECT_EQ(HexEncode(name),
            "000bf175bdb57297b2b289973f819863d6c9d09c236725676914f4248c9a2404c2a4");

  // The AK certificate certifies exactly this key.
  ASSERT_OK_AND_ASSIGN(const Bytes der, Read("gce-cos85-nonce9009/ak_cert.der"));
  ASSERT_OK_AND_ASSIGN(const x509::Certificate cert, x509::Certificate::FromDer(der));
  ASSERT_OK_AND_ASSIGN(const crypto::PublicKey key, ak_.Key());
  EXPECT_TRUE(cert.public_key().Equals(key));
}

TEST_F(TpmVectorsTest, EveryBanksQuoteVerifiesWithTheStatedFields) {
  for (const BankCase& c : kBanks) {
    SCOPED_TRACE(c.name);
    ASSERT_OK_AND_ASSIGN(const QuoteAttest quote, Verify(c.name));
    EXPECT_EQ(quote.extra_data, kNonce);
    EXPECT_EQ(quote.clock, c.clock);
    EXPECT_EQ(quote.reset_count, 10u);
    EXPECT_EQ(quote.restart_count, 0u);
    EXPECT_TRUE(quote.safe);
    EXPECT_EQ(quote.firmware_version, 0x2016051100162800u);
    EXPECT_EQ(HexEncode(quote.qualified_signer),
              "000bde01fe4b4ade2f8b7ae19b8a8897e0cb77ae417731d8ce38697ec4f6c095030a");
    EXPECT_EQ(HexEncode(quote.pcr_digest), c.pcr_digest);
    ASSERT_EQ(quote.selections.size(), 1u);
    EXPECT_EQ(quote.selections[0].hash_alg, c.alg);
    EXPECT_EQ(quote.selections[0].pcrs.size(), 24u);
  }
  ASSERT_OK_AND_ASSIGN(const PcrBank sha256,
                       ReadBank("gce-cos85-nonce9009/pcrs_sha256.json", kAlgSha256));
  EXPECT_EQ(HexEncode(sha256.values.at(0)),
            "0f35c214608d93c7a6e68ae7359b4a8be5a0e99eea9107ece427c4dea4e439cf");
  EXPECT_EQ(HexEncode(sha256.values.at(7)),
            "3365d7fa2b024c852913c06e04ffbfa6ea5289f743bbf1a76f7ffdf21ed84793");
}

TEST_F(TpmVectorsTest, EventLogReplaysToTheQuotedPcrsOfEveryBank) {
  ASSERT_OK_AND_ASSIGN(const Bytes raw, Read("gce-cos85-nonce9009/event_log.bin"));
  EXPECT_EQ(raw.size(), 23970u);
  EXPECT_EQ(HexEncode(crypto::Sha256(raw)),
            "a46bb17e9c9cd175543658f52ea43eaadebb60287b05070bf7e18e87092df83c");
  ASSERT_OK_AND_ASSIGN(const EventLog log, ParseEventLog(raw));
  EXPECT_GT(log.events.size(), 10u);
  for (const BankCase& c : kBanks) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(log.digest_sizes.count(c.alg), 1u);
    ASSERT_OK_AND_ASSIGN(
        const PcrBank bank,
        ReadBank(std::string("gce-cos85-nonce9009/pcrs_") + c.name + ".json", c.alg));
    EXPECT_OK(CheckEventLog(log, bank));
    ASSERT_OK_AND_ASSIGN(const auto replayed, ReplayEventLog(log, c.alg));
    EXPECT_TRUE(replayed.count(0) && replayed.count(7)) << "firmware PCRs are in the log";
  }
}

TEST_F(TpmVectorsTest, NegativeVectorsAreRejected) {
  ASSERT_OK_AND_ASSIGN(const Bytes attest, Read("gce-cos85-nonce9009/quote_sha256.tpms_attest"));
  ASSERT_OK_AND_ASSIGN(const Bytes sig, Read("gce-cos85-nonce9009/quote_sha256.tpmt_signature"));
  ASSERT_OK_AND_ASSIGN(const PcrBank pcrs,
                       ReadBank("gce-cos85-nonce9009/pcrs_sha256.json", kAlgSha256));
  ASSERT_OK_AND_ASSIGN(const Bytes flipped,
                       Read("negative/gce-quote_sha256-signature-flipped.tpmt_signature"));
  EXPECT_THAT(VerifyQuote(attest, flipped, ak_, kNonce, {pcrs}),
              HasReason(Reason::kEvidenceSignatureInvalid));

  ASSERT_OK_AND_ASSIGN(const Bytes other_nonce,
                       Read("negative/gce-quote_sha256-extradata-9008.tpms_attest"));
  EXPECT_THAT(VerifyQuote(other_nonce, sig, ak_, kNonce, {pcrs}),
              HasReason(Reason::kEvidenceSignatureInvalid));
  ASSERT_OK_AND_ASSIGN(const QuoteAttest parsed, ParseQuoteAttest(other_nonce));
  EXPECT_NE(parsed.extra_data, kNonce) << "and the nonce would not match either";

  ASSERT_OK_AND_ASSIGN(const PcrBank zeroed,
                       ReadBank("negative/gce-pcrs_sha256-pcr0-zeroed.json", kAlgSha256));
  EXPECT_THAT(VerifyQuote(attest, sig, ak_, kNonce, {zeroed}),
              HasReason(Reason::kTpmPcrDigestMismatch));

  for (const Bytes& nonce : {Bytes{0x90, 0x08}, Bytes{}}) {
    EXPECT_THAT(Verify("sha256", nonce), HasReason(Reason::kBindingMismatch));
  }
}

TEST_F(TpmVectorsTest, OneChangedFieldIsRejected) {
  ASSERT_OK_AND_ASSIGN(const Bytes attest, Read("gce-cos85-nonce9009/quote_sha256.tpms_attest"));
  ASSERT_OK_AND_ASSIGN(const Bytes sig, Read("gce-cos85-nonce9009/quote_sha256.tpmt_signature"));
  ASSERT_OK_AND_ASSIGN(PcrBank pcrs, ReadBank("gce-cos85-nonce9009/pcrs_sha256.json", kAlgSha256));

  // TPMS_ATTEST: magic, type, truncation, a trailing byte.
  for (const size_t offset : {size_t{0}, size_t{4}}) {
    Bytes changed = attest;
    changed[offset] ^= 0x01;
    EXPECT_THAT(ParseQuoteAttest(changed), HasReason(Reason::kEvidenceMalformed)) << offset;
  }
  EXPECT_THAT(ParseQuoteAttest(ByteView(attest).subspan(0, attest.size() - 1)),
              HasReason(Reason::kEvidenceMalformed));
  Bytes longer = attest;
  longer.push_back(0);
  EXPECT_THAT(ParseQuoteAttest(longer), HasReason(Reason::kEvidenceMalformed));
  EXPECT_THAT(ParseSignature(ByteView(sig).subspan(0, sig.size() - 1)),
              HasReason(Reason::kEvidenceMalformed));

  // A PCR the quote covers missing, and one of the wrong size.
  PcrBank missing = pcrs;
  missing.values.erase(23);
  EXPECT_THAT(VerifyQuote(attest, sig, ak_, kNonce, {missing}),
              HasReason(Reason::kTpmPcrDigestMismatch));
  PcrBank short_value = pcrs;
  short_value.values[5].pop_back();
  EXPECT_THAT(VerifyQuote(attest, sig, ak_, kNonce, {short_value}),
              HasReason(Reason::kTpmPcrDigestMismatch));
  // The right values reported as another bank.
  PcrBank relabelled = pcrs;
  relabelled.hash_alg = kAlgSha384;
  EXPECT_THAT(VerifyQuote(attest, sig, ak_, kNonce, {relabelled}),
              HasReason(Reason::kTpmPcrDigestMismatch));

  // An AK that is not a restricted signing key, or signs with another scheme.
  TpmPublic unrestricted = ak_;
  unrestricted.object_attributes &= ~kObjectRestricted;
  EXPECT_THAT(VerifyQuote(attest, sig, unrestricted, kNonce, {pcrs}),
              HasReason(Reason::kTpmAkInvalid));
  TpmPublic pss = ak_;
  pss.scheme = kAlgRsaPss;
  EXPECT_THAT(VerifyQuote(attest, sig, pss, kNonce, {pcrs}), HasReason(Reason::kTpmAkInvalid));
  // Another key altogether.
  Bytes other_modulus = ak_.unique_rsa;
  other_modulus[10] ^= 0x40;
  TpmPublic other = ak_;
  other.unique_rsa = other_modulus;
  EXPECT_THAT(VerifyQuote(attest, sig, other, kNonce, {pcrs}),
              HasReason(Reason::kEvidenceSignatureInvalid));

  // TPMT_PUBLIC: a trailing byte, a modulus shorter than keyBits.
  ASSERT_OK_AND_ASSIGN(Bytes ak, Read("gce-cos85-nonce9009/ak_pub.tpmt_public"));
  ak.push_back(0);
  EXPECT_THAT(ParsePublic(ak), HasReason(Reason::kEvidenceMalformed));
}

TEST_F(TpmVectorsTest, AChangedEventOrATruncatedLogDoesNotReplay) {
  ASSERT_OK_AND_ASSIGN(const Bytes raw, Read("gce-cos85-nonce9009/event_log.bin"));
  ASSERT_OK_AND_ASSIGN(const PcrBank pcrs,
                       ReadBank("gce-cos85-nonce9009/pcrs_sha256.json", kAlgSha256));
  ASSERT_OK_AND_ASSIGN(EventLog log, ParseEventLog(raw));
  // One digest of one measured event changed.
  for (LogEvent& event : log.events) {
    if (event.type != kEvNoAction) {
      event.digests[kAlgSha256][0] ^= 0x01;
      break;
    }
  }
  EXPECT_THAT(CheckEventLog(log, pcrs), HasReason(Reason::kTpmEventLogMismatch));
  // The log as it came still replays; cut short it is no log at all.
  ASSERT_OK_AND_ASSIGN(const EventLog original, ParseEventLog(raw));
  EXPECT_OK(CheckEventLog(original, pcrs));
  EXPECT_THAT(ParseEventLog(ByteView(raw).subspan(0, raw.size() - 3)),
              HasReason(Reason::kTpmEventLogMismatch));
  EXPECT_THAT(ParseEventLog(ByteView(raw).subspan(0, 40)), HasReason(Reason::kTpmEventLogMismatch));
  // A quoted PCR the log extends, reported with another value.
  PcrBank other = pcrs;
  other.values[4][0] ^= 0x01;
  EXPECT_THAT(CheckEventLog(original, other), HasReason(Reason::kTpmEventLogMismatch));
}

}  // namespace
}  // namespace twi::evidence::tpm
