#include <memory>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/signature.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/evidence/backends/sample/sample_report.h"
#include "libs/evidence/backends/sample/sample_verifier.h"
#include "testing/status_matchers.h"

namespace twi::evidence::sample {
namespace {

using ::twi::testing::HasReason;

class SampleTeeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(platform_, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
    ASSERT_OK_AND_ASSIGN(verifier_, SampleVerifier::Create({platform_.public_key()}));
    measurements_.image_digest = crypto::Sha256(AsBytes("image"));
    measurements_.agent_digest = crypto::Sha256(AsBytes("agent"));
    measurements_.svn = 7;
    report_data_ = Bytes(64, 0x5a);
  }

  Bytes Attest(const crypto::PrivateKey& key, SampleMeasurements m) {
    auto signer = crypto::NewSoftwareSigner(key, crypto::SignatureAlgorithm::kEcdsaP256Sha256);
    EXPECT_OK(signer);
    auto attester = SampleAttester::Create(std::move(signer).value(), std::move(m));
    EXPECT_OK(attester);
    auto evidence = (*attester)->Attest(report_data_);
    EXPECT_OK(evidence);
    return *evidence;
  }

  crypto::PrivateKey platform_ = *crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  std::unique_ptr<SampleVerifier> verifier_;
  SampleMeasurements measurements_;
  Bytes report_data_;
};

TEST_F(SampleTeeTest, RoundTripYieldsNormalizedClaims) {
  const Bytes evidence = Attest(platform_, measurements_);
  ASSERT_EQ(evidence.size(), kReportSize);
  ASSERT_OK_AND_ASSIGN(Claims claims, verifier_->Verify(evidence, absl::Now()));
  EXPECT_EQ(claims.tee, "sample");
  EXPECT_EQ(claims.report_data, report_data_);
  EXPECT_EQ(claims.measurements.at("image"), measurements_.image_digest);
  EXPECT_EQ(claims.measurements.at("agent"), measurements_.agent_digest);
  EXPECT_EQ(claims.svn, 7u);
  EXPECT_EQ(claims.debug, false);
  EXPECT_EQ(claims.attester_claims["insecure"], true);
  EXPECT_TRUE(verifier_->insecure());
}

TEST_F(SampleTeeTest, DebugFlagIsReported) {
  measurements_.debug = true;
  ASSERT_OK_AND_ASSIGN(Claims claims,
                       verifier_->Verify(Attest(platform_, measurements_), absl::Now()));
  EXPECT_EQ(claims.debug, true);
}

// Generated negatives: flipping any byte after the parsed header (svn onwards, signature
// included) must make verification fail.
TEST_F(SampleTeeTest, AnySignedByteChangeBreaksSignature) {
  const Bytes evidence = Attest(platform_, measurements_);
  for (size_t off = kOffsetSvn; off < kReportSize; off += 7) {
    Bytes mutated = evidence;
    mutated[off] ^= 0x01;
    // A changed platform_id names an untrusted platform; any other byte breaks the signature.
    EXPECT_THAT(verifier_->Verify(mutated, absl::Now()),
                HasReason(Reason::kEvidenceSignatureInvalid))
        << "offset " << off;
  }
}

TEST_F(SampleTeeTest, ParserRejectsStructuralErrors) {
  const Bytes evidence = Attest(platform_, measurements_);
  Bytes truncated(evidence.begin(), evidence.end() - 1);
  EXPECT_THAT(verifier_->Verify(truncated, absl::Now()), HasReason(Reason::kEvidenceMalformed));
  Bytes longer = evidence;
  longer.push_back(0);
  EXPECT_THAT(verifier_->Verify(longer, absl::Now()), HasReason(Reason::kEvidenceMalformed));
  Bytes bad_magic = evidence;
  bad_magic[0] = 'X';
  EXPECT_THAT(verifier_->Verify(bad_magic, absl::Now()), HasReason(Reason::kEvidenceMalformed));
  Bytes bad_version = evidence;
  bad_version[kOffsetVersion] = 2;
  EXPECT_THAT(verifier_->Verify(bad_version, absl::Now()), HasReason(Reason::kEvidenceMalformed));
  Bytes reserved_flag = evidence;
  reserved_flag[kOffsetFlags] |= 0x02;
  EXPECT_THAT(verifier_->Verify(reserved_flag, absl::Now()), HasReason(Reason::kEvidenceMalformed));
  EXPECT_THAT(verifier_->Verify(Bytes(), absl::Now()), HasReason(Reason::kEvidenceMalformed));
}

TEST_F(SampleTeeTest, UntrustedPlatformIsRejected) {
  ASSERT_OK_AND_ASSIGN(auto other, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  EXPECT_THAT(verifier_->Verify(Attest(other, measurements_), absl::Now()),
              HasReason(Reason::kEvidenceSignatureInvalid));
}

TEST_F(SampleTeeTest, AttesterValidatesInputs) {
  auto signer = crypto::NewSoftwareSigner(platform_, crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  SampleMeasurements bad = measurements_;
  bad.image_digest.pop_back();
  EXPECT_THAT(SampleAttester::Create(std::move(signer).value(), bad),
              HasReason(Reason::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(auto ed, crypto::PrivateKey::Generate(crypto::KeyType::kEd25519));
  EXPECT_THAT(SampleVerifier::Create({ed.public_key()}), HasReason(Reason::kKeyInvalid));
}

}  // namespace
}  // namespace twi::evidence::sample
