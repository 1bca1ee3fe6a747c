#include "libs/evidence/binding.h"

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::evidence {
namespace {

using ::twi::testing::HasReason;

constexpr std::string_view kJkt = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

Bytes Nonce() {
  Bytes n(32);
  for (size_t i = 0; i < n.size(); ++i) n[i] = static_cast<uint8_t>(i);
  return n;
}

// Computed independently (Python hashlib) from the encoding in binding.h / docs/binding.md.
TEST(BindingTest, KnownAnswerV1) {
  const Bytes nonce = Nonce();
  const Bytes exporter(32, 0xee);
  EXPECT_EQ(HexEncode(ComputeBinding({BindingPurpose::kCredentialKey, nonce, kJkt, exporter})),
            "3ddc7eb187291d45b1b8dd2877dce6e00a6d4ff4479bcfc3e1e2054d6c88d492");
  EXPECT_EQ(HexEncode(ComputeBinding({BindingPurpose::kEncryptionKey, nonce, kJkt, exporter})),
            "7607bc6d744765f42a052a2a65580ce673817f9312b0d0c186b8b957178b43fa");
}

TEST(BindingTest, EveryInputChangesTheDigest) {
  const Bytes nonce = Nonce();
  const Bytes exporter(32, 0xee);
  const Bytes base = ComputeBinding({BindingPurpose::kCredentialKey, nonce, kJkt, exporter});
  Bytes nonce2 = nonce;
  nonce2[0] ^= 1;
  Bytes exporter2 = exporter;
  exporter2[31] ^= 1;
  EXPECT_NE(base, ComputeBinding({BindingPurpose::kCredentialKey, nonce2, kJkt, exporter}));
  EXPECT_NE(base, ComputeBinding({BindingPurpose::kCredentialKey, nonce, "other", exporter}));
  EXPECT_NE(base, ComputeBinding({BindingPurpose::kCredentialKey, nonce, kJkt, exporter2}));
  // Length prefixes keep field boundaries unambiguous: moving a byte between fields differs.
  Bytes shorter(nonce.begin(), nonce.end() - 1);
  EXPECT_NE(ComputeBinding({BindingPurpose::kCredentialKey, shorter,
                            "\x1f"
                            "abc",
                            exporter}),
            ComputeBinding({BindingPurpose::kCredentialKey, nonce, "abc", exporter}));
}

TEST(BindingTest, ReportDataPaddingAndCheck) {
  const Bytes binding = ComputeBinding({BindingPurpose::kCredentialKey, Nonce(), kJkt, Bytes(32)});
  Bytes field = ReportDataFor(binding, 64);
  ASSERT_EQ(field.size(), 64u);
  EXPECT_TRUE(std::equal(binding.begin(), binding.end(), field.begin()));
  EXPECT_EQ(field[40], 0);
  EXPECT_OK(CheckReportData(field, binding));
  field[63] = 1;  // trailing bytes must be zero too
  EXPECT_THAT(CheckReportData(field, binding), HasReason(Reason::kBindingMismatch));
  EXPECT_THAT(CheckReportData(Bytes(16), binding), HasReason(Reason::kBindingMismatch));
}

}  // namespace
}  // namespace twi::evidence
