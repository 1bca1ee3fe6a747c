// Test-only: a trust domain (root -> issuing CA, WIT key) published as a SPIFFE bundle, and
// helpers to make WITs with chosen claims.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "libs/issuer/bundle.h"
#include "libs/issuer/wit.h"
#include "libs/rp/spiffe_bundle.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"

namespace twi::rp::testing {

using ::twi::x509::testing::kTrustDomain;
using ::twi::x509::testing::kWorkloadId;
using ::twi::x509::testing::TestNow;

class TrustDomainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(pki_, x509::testing::MakePki(TestNow()));
    ASSERT_OK_AND_ASSIGN(wit_signer_, x509::testing::NewSigner());
    ASSERT_OK_AND_ASSIGN(workload_key_, x509::testing::NewSigner());
    jose::Jwk wit_jwk = jose::Jwk::FromPublicKey(wit_signer_->public_key());
    kid_ = wit_jwk.Thumbprint();
    wit_jwk.set_kid(kid_).set_alg(jose::Algorithm::kES256);
    published_.x509_authorities = {pki_->root.certificate};
    published_.wit_authorities = {wit_jwk};
    published_.sequence = 7;
    ASSERT_OK_AND_ASSIGN(bundle_, ParseSpiffeBundle(published_.ToSpiffeJwks().dump()));
  }

  issuer::WitParams Wit() const {
    return issuer::WitParams{
        .issuer = "spiffe://example.org",
        .subject = kWorkloadId,
        .jti = "jti-1",
        .issued_at = TestNow(),
        .expires_at = TestNow() + absl::Minutes(30),
        .confirmation_key = jose::Jwk::FromPublicKey(workload_key_->public_key()),
        .extra_claims = Json::object()};
  }

  std::string SignedWit(const issuer::WitParams& params) const {
    auto token = issuer::SignWit(params, *wit_signer_, kid_);
    EXPECT_OK(token);
    return token.ok() ? *token : "";
  }

  std::optional<x509::testing::Pki> pki_;  // set in SetUp
  std::unique_ptr<crypto::Signer> wit_signer_;
  std::unique_ptr<crypto::Signer> workload_key_;
  std::string kid_;
  issuer::TrustBundle published_;
  SpiffeBundle bundle_;
};

}  // namespace twi::rp::testing
