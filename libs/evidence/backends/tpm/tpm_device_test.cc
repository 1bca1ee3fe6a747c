// The attesting side against a real TPM 2.0 (swtpm, through tpm2-tss), checked by twi's own
// verifier and by an independent implementation (tpm2-tools): our quotes pass
// `tpm2_checkquote`, and quotes made by `tpm2_quote` pass VerifyQuote.
#include "libs/evidence/backends/tpm/tpm_device.h"

#include <unistd.h>

#include <numeric>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/quote.h"
#include "testing/status_matchers.h"
#include "testing/subprocess.h"
#include "testing/swtpm.h"
#include "testing/temp_dir.h"

namespace twi::evidence::tpm {
namespace {

using ::twi::testing::HasReason;

std::vector<uint32_t> AllPcrs() {
  std::vector<uint32_t> pcrs(24);
  std::iota(pcrs.begin(), pcrs.end(), 0);
  return pcrs;
}

class TpmDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!twi::testing::SwtpmInstalled())
      GTEST_SKIP() << "swtpm is not installed (apt-get install swtpm)";
    ASSERT_OK_AND_ASSIGN(swtpm_, twi::testing::Swtpm::Start(tmp_.File("tpm")));
    ASSERT_OK_AND_ASSIGN(device_, TpmDevice::Open(swtpm_->tcti()));
  }

  // tpm2-tools against the same swtpm; our connection is closed meanwhile, because swtpm
  // serves one client at a time.
  twi::testing::CommandResult Tools(const std::vector<std::string>& argv) {
    device_.reset();
    twi::testing::CommandResult r =
        twi::testing::RunCommand(argv, {{"TPM2TOOLS_TCTI", swtpm_->tcti()}});
    auto reopened = TpmDevice::Open(swtpm_->tcti());
    EXPECT_OK(reopened.status());
    if (reopened.ok()) device_ = *std::move(reopened);
    return r;
  }

  twi::testing::TempDir tmp_;
  std::unique_ptr<twi::testing::Swtpm> swtpm_;
  std::unique_ptr<TpmDevice> device_;
};

TEST_F(TpmDeviceTest, QuotesVerifyForBothKeyTypesAndFollowThePcrs) {
  const Bytes nonce = crypto::Sha256(AsBytes("binding digest"));
  for (const crypto::KeyType type : {crypto::KeyType::kEcP256, crypto::KeyType::kRsa}) {
    SCOPED_TRACE(crypto::KeyTypeName(type));
    ASSERT_OK_AND_ASSIGN(const auto ak, device_->CreateAttestationKey(type));
    EXPECT_OK(CheckAttestationKey(ak->parsed()));
    EXPECT_EQ(ak->parsed().type, type == crypto::KeyType::kRsa ? kAlgRsa : kAlgEcc);
    // A primary key: the same TPM gives the same AK again.
    ASSERT_OK_AND_ASSIGN(const auto again, device_->CreateAttestationKey(type));
    EXPECT_EQ(again->public_area(), ak->public_area());

    ASSERT_OK_AND_ASSIGN(const TpmQuote quote, device_->Quote(*ak, nonce, kAlgSha256, AllPcrs()));
    ASSERT_OK_AND_ASSIGN(const PcrBank before, device_->ReadPcrs(kAlgSha256, AllPcrs()));
    ASSERT_EQ(before.values.size(), 24u);
    ASSERT_OK_AND_ASSIGN(const QuoteAttest parsed,
                         VerifyQuote(quote.attest, quote.signature, ak->parsed(), nonce, {before}));
    EXPECT_EQ(parsed.extra_data, nonce);
    EXPECT_TRUE(parsed.safe);
    ASSERT_OK_AND_ASSIGN(const Bytes name, ak->parsed().Name());
    EXPECT_EQ(name.size(), 34u);

    // Extending a PCR changes what the next quote covers: the old values no longer match it.
    ASSERT_OK(device_->Extend(16, kAlgSha256, crypto::Sha256(AsBytes("agent"))));
    ASSERT_OK_AND_ASSIGN(const TpmQuote later, device_->Quote(*ak, nonce, kAlgSha256, AllPcrs()));
    EXPECT_THAT(VerifyQuote(later.attest, later.signature, ak->parsed(), nonce, {before}),
                HasReason(Reason::kTpmPcrDigestMismatch));
    ASSERT_OK_AND_ASSIGN(const PcrBank after, device_->ReadPcrs(kAlgSha256, AllPcrs()));
    EXPECT_NE(after.values.at(16), before.values.at(16));
    EXPECT_OK(VerifyQuote(later.attest, later.signature, ak->parsed(), nonce, {after}).status());
    // Another nonce, another AK.
    EXPECT_THAT(VerifyQuote(later.attest, later.signature, ak->parsed(), Bytes(32, 0), {after}),
                HasReason(Reason::kBindingMismatch));
  }
  ASSERT_OK_AND_ASSIGN(const auto ec, device_->CreateAttestationKey(crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(const auto rsa, device_->CreateAttestationKey(crypto::KeyType::kRsa));
  ASSERT_OK_AND_ASSIGN(const TpmQuote quote, device_->Quote(*ec, nonce, kAlgSha256, {0, 16}));
  ASSERT_OK_AND_ASSIGN(const PcrBank pcrs, device_->ReadPcrs(kAlgSha256, {0, 16}));
  // A quote of the EC AK presented as the RSA AK's: not that key's scheme.
  EXPECT_THAT(VerifyQuote(quote.attest, quote.signature, rsa->parsed(), nonce, {pcrs}),
              HasReason(Reason::kTpmAkInvalid));
  // And as a second EC AK's (another TPM): the signature does not verify.
  ASSERT_OK_AND_ASSIGN(auto other_tpm, twi::testing::Swtpm::Start(tmp_.File("other-tpm")));
  ASSERT_OK_AND_ASSIGN(auto other_device, TpmDevice::Open(other_tpm->tcti()));
  ASSERT_OK_AND_ASSIGN(const auto other_ak,
                       other_device->CreateAttestationKey(crypto::KeyType::kEcP256));
  EXPECT_NE(other_ak->public_area(), ec->public_area());
  EXPECT_THAT(VerifyQuote(quote.attest, quote.signature, other_ak->parsed(), nonce, {pcrs}),
              HasReason(Reason::kEvidenceSignatureInvalid));
}

TEST_F(TpmDeviceTest, Tpm2CheckquoteAcceptsOurQuotes) {
  const Bytes nonce = crypto::Sha256(AsBytes("checked by tpm2-tools"));
  ASSERT_OK_AND_ASSIGN(const auto ak, device_->CreateAttestationKey(crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(const TpmQuote quote, device_->Quote(*ak, nonce, kAlgSha256, AllPcrs()));
  ASSERT_OK_AND_ASSIGN(const crypto::PublicKey key, ak->parsed().Key());
  ASSERT_OK(WriteFileAtomic(tmp_.File("ak.pem"), key.ToPem()));
  ASSERT_OK(WriteFileAtomic(tmp_.File("quote.msg"), ToString(quote.attest)));
  ASSERT_OK(WriteFileAtomic(tmp_.File("quote.sig"), ToString(quote.signature)));
  const std::vector<std::string> check = {"tpm2_checkquote",
                                          "-u",
                                          tmp_.File("ak.pem"),
                                          "-m",
                                          tmp_.File("quote.msg"),
                                          "-s",
                                          tmp_.File("quote.sig"),
                                          "-g",
                                          "sha256",
                                          "-q",
                                          HexEncode(nonce)};
  if (access("/usr/bin/tpm2_checkquote", X_OK) != 0) GTEST_SKIP() << "tpm2-tools is not installed";
  const twi::testing::CommandResult accepted = twi::testing::RunCommand(check);
  EXPECT_TRUE(accepted.ok()) << accepted.out << accepted.err;
  // The same tool refuses another nonce and a changed message.
  std::vector<std::string> other_nonce = check;
  other_nonce.back() = HexEncode(Bytes(32, 0x11));
  EXPECT_FALSE(twi::testing::RunCommand(other_nonce).ok());
  Bytes changed = quote.attest;
  ASSERT_GT(changed.size(), 40u);
  changed[40] ^= 0x01;
  ASSERT_OK(WriteFileAtomic(tmp_.File("quote.msg"), ToString(changed)));
  EXPECT_FALSE(twi::testing::RunCommand(check).ok());
}

TEST_F(TpmDeviceTest, QuotesMadeByTpm2QuoteVerify) {
  if (access("/usr/bin/tpm2_quote", X_OK) != 0) GTEST_SKIP() << "tpm2-tools is not installed";
  const twi::testing::CommandResult primary =
      Tools({"tpm2_createprimary", "-C", "e", "-g", "sha256", "-G", "ecc256:ecdsa-sha256:null",
             "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign", "-c",
             tmp_.File("ak.ctx")});
  ASSERT_TRUE(primary.ok()) << primary.err;
  const twi::testing::CommandResult pub =
      Tools({"tpm2_readpublic", "-c", tmp_.File("ak.ctx"), "-o", tmp_.File("ak.pub")});
  ASSERT_TRUE(pub.ok()) << pub.err;
  const twi::testing::CommandResult quoted =
      Tools({"tpm2_quote", "-c", tmp_.File("ak.ctx"), "-l", "sha256:0,1,2,3,7,16", "-q", "c0ffee00",
             "-m", tmp_.File("quote.msg"), "-s", tmp_.File("quote.sig"), "-g", "sha256"});
  ASSERT_TRUE(quoted.ok()) << quoted.err;
  ASSERT_TRUE(device_ != nullptr);

  ASSERT_OK_AND_ASSIGN(const std::string ak_pub, ReadFile(tmp_.File("ak.pub")));
  ASSERT_OK_AND_ASSIGN(const TpmPublic ak, ParsePublic2b(AsBytes(ak_pub)));
  ASSERT_OK_AND_ASSIGN(const std::string msg, ReadFile(tmp_.File("quote.msg")));
  ASSERT_OK_AND_ASSIGN(const std::string sig, ReadFile(tmp_.File("quote.sig")));
  ASSERT_OK_AND_ASSIGN(const PcrBank pcrs, device_->ReadPcrs(kAlgSha256, {0, 1, 2, 3, 7, 16}));
  const Bytes nonce = {0xc0, 0xff, 0xee, 0x00};
  ASSERT_OK_AND_ASSIGN(const QuoteAttest parsed,
                       VerifyQuote(AsBytes(msg), AsBytes(sig), ak, nonce, {pcrs}));
  EXPECT_EQ(parsed.selections.at(0).pcrs, (std::vector<uint32_t>{0, 1, 2, 3, 7, 16}));
  EXPECT_THAT(VerifyQuote(AsBytes(msg), AsBytes(sig), ak, Bytes{0xc0, 0xff, 0xee, 0x01}, {pcrs}),
              HasReason(Reason::kBindingMismatch));
}

}  // namespace
}  // namespace twi::evidence::tpm
