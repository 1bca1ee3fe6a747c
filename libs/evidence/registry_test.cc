#include "gtest/gtest.h"
#include "libs/evidence/backends/sample/sample_report.h"
#include "libs/evidence/backends/sample/sample_verifier.h"
#include "libs/evidence/evidence.h"
#include "testing/status_matchers.h"

namespace twi::evidence {
namespace {

using ::twi::testing::HasReason;

std::unique_ptr<EvidenceVerifier> NewSample() {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  return std::move(sample::SampleVerifier::Create({key->public_key()})).value();
}

TEST(EvidenceRegistryTest, InsecureBackendRefusedUnlessAllowed) {
  EvidenceRegistry strict(/*allow_insecure=*/false);
  EXPECT_THAT(strict.Register(NewSample()), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(strict.Find("sample", sample::kMediaType), HasReason(Reason::kTeeNotAllowed));

  EvidenceRegistry dev(/*allow_insecure=*/true);
  ASSERT_OK(dev.Register(NewSample()));
  EXPECT_OK(dev.Find("sample", sample::kMediaType));
  EXPECT_EQ(dev.tees(), std::vector<std::string>{"sample"});
}

TEST(EvidenceRegistryTest, UnknownKindDuplicateAndWrongMediaType) {
  EvidenceRegistry dev(/*allow_insecure=*/true);
  ASSERT_OK(dev.Register(NewSample()));
  EXPECT_THAT(dev.Register(NewSample()), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(dev.Find("tdx", "application/vnd.intel.tdx-quote"),
              HasReason(Reason::kTeeNotAllowed));
  EXPECT_THAT(dev.Find("sample", "application/octet-stream"),
              HasReason(Reason::kEvidenceMalformed));
}

}  // namespace
}  // namespace twi::evidence
