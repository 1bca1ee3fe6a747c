// AK enrollment against real TPMs: swtpm manufactured by swtpm_setup with an EK certificate from
// its local CA. The Verifier's MakeCredential (software) must be what the TPM's
// ActivateCredential opens; only the TPM of that EK, with that AK, gets an AK certificate, which
// the `tpm` backend then accepts.
#include "libs/verifier/tpm_enrollment.h"

#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/crypto/random.h"
#include "libs/evidence/backends/tpm/ak_certificate.h"
#include "libs/evidence/backends/tpm/tpm_attester.h"
#include "libs/evidence/backends/tpm/tpm_device.h"
#include "libs/evidence/backends/tpm/tpm_verifier.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"
#include "testing/swtpm.h"
#include "testing/temp_dir.h"

namespace twi::verifier {
namespace {

namespace tpm = evidence::tpm;
using ::twi::testing::HasReason;

// A manufactured TPM, running, with its EK certificate chain as the agent would send it.
struct Machine {
  std::unique_ptr<twi::testing::Swtpm> swtpm;
  std::unique_ptr<tpm::TpmDevice> device;
  std::unique_ptr<tpm::TpmDevice::Key> ek;
  std::unique_ptr<tpm::TpmDevice::Key> ak;
  std::vector<Bytes> ek_chain;
};

class TpmEnrollmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!twi::testing::SwtpmInstalled() || access("/usr/bin/swtpm_setup", X_OK) != 0)
      GTEST_SKIP() << "swtpm / swtpm-tools are not installed (apt-get install swtpm swtpm-tools)";
    ASSERT_OK_AND_ASSIGN(machine_, Manufacture("tpm"));
    // The local CA was just made, valid from the current second on.
    clock_.Set(absl::Now() + absl::Seconds(1));
    ASSERT_OK_AND_ASSIGN(const std::string root_pem, ReadFile(manufacturer_.root_pem));
    ASSERT_OK_AND_ASSIGN(const x509::Certificate root, x509::Certificate::FromPem(root_pem));
    ASSERT_OK_AND_ASSIGN(ak_ca_, x509::testing::MakeRoot(clock_.Now(), "ak-ca.test"));
    ASSERT_OK_AND_ASSIGN(enrollment_, NewEnrollment({root}));
  }

  absl::StatusOr<std::unique_ptr<TpmEnrollment>> NewEnrollment(
      std::vector<x509::Certificate> roots) {
    return TpmEnrollment::Create({.ek_roots = std::move(roots)}, ak_ca_->certificate,
                                 ak_ca_->signer.get(), SecretBytes(Bytes(32, 7)), &clock_);
  }

  absl::StatusOr<Machine> Manufacture(const std::string& name) {
    TWI_ASSIGN_OR_RETURN(manufacturer_,
                         twi::testing::ManufactureSwtpm(tmp_.File(name), tmp_.File("ca")));
    Machine m;
    TWI_ASSIGN_OR_RETURN(m.swtpm, twi::testing::Swtpm::Start(tmp_.File(name)));
    TWI_ASSIGN_OR_RETURN(m.device, tpm::TpmDevice::Open(m.swtpm->tcti()));
    TWI_ASSIGN_OR_RETURN(m.ek, m.device->CreateEndorsementKey());
    TWI_ASSIGN_OR_RETURN(m.ak, m.device->CreateAttestationKey(crypto::KeyType::kEcP256));
    TWI_ASSIGN_OR_RETURN(const Bytes ek_cert, m.device->ReadEkCertificate());
    TWI_ASSIGN_OR_RETURN(const std::string intermediate, ReadFile(manufacturer_.intermediate_pem));
    TWI_ASSIGN_OR_RETURN(const x509::Certificate issuer, x509::Certificate::FromPem(intermediate));
    m.ek_chain = {ek_cert, issuer.ToDer()};
    return m;
  }

  TpmEnrollmentRequest RequestFor(const Machine& m) const {
    return {.ak_public = m.ak->public_area(), .ek_certificates = m.ek_chain};
  }

  // The agent's half: the TPM recovers the secret, which goes back with the request.
  absl::StatusOr<TpmActivation> Activate(Machine& m, const TpmEnrollmentChallenge& c) {
    TWI_ASSIGN_OR_RETURN(
        const SecretBytes secret,
        m.device->ActivateCredential(*m.ak, *m.ek, c.credential_blob, c.encrypted_secret));
    return TpmActivation{RequestFor(m), c.expires_at,
                         Bytes(secret.view().begin(), secret.view().end())};
  }

  twi::testing::TempDir tmp_;
  twi::testing::FakeClock clock_{absl::Now()};
  twi::testing::SwtpmManufacturer manufacturer_;
  Machine machine_;
  std::optional<x509::testing::Party> ak_ca_;
  std::unique_ptr<TpmEnrollment> enrollment_;
};

TEST_F(TpmEnrollmentTest, AnAkIsEnrolledThroughItsEkAndThenTrusted) {
  // The EK made from the default template is the key the manufacturer certified.
  ASSERT_OK_AND_ASSIGN(const x509::Certificate ek_cert,
                       x509::Certificate::FromDer(machine_.ek_chain[0]));
  ASSERT_OK_AND_ASSIGN(const crypto::PublicKey ek_key, machine_.ek->parsed().Key());
  EXPECT_TRUE(ek_cert.public_key().Equals(ek_key));

  ASSERT_OK_AND_ASSIGN(const TpmEnrollmentChallenge challenge,
                       enrollment_->Challenge(RequestFor(machine_)));
  ASSERT_OK_AND_ASSIGN(const TpmActivation activation, Activate(machine_, challenge));
  // Through the JSON the HTTP API carries.
  ASSERT_OK_AND_ASSIGN(const TpmActivation sent, TpmActivationFromJson(ToJson(activation)));
  ASSERT_OK_AND_ASSIGN(const std::vector<Bytes> chain, enrollment_->Activate(sent));
  ASSERT_EQ(chain.size(), 2u);
  ASSERT_OK_AND_ASSIGN(const std::optional<Bytes> certified, tpm::AkNameOf(chain[0]));
  ASSERT_OK_AND_ASSIGN(const Bytes ak_name, machine_.ak->parsed().Name());
  EXPECT_EQ(certified, ak_name);

  // The AK certificate is what the `tpm` backend trusts: an attester on this TPM (its AK is
  // the same primary key) verifies with the AK CA as the only root.
  machine_.ak.reset();
  machine_.ek.reset();
  ASSERT_OK_AND_ASSIGN(auto attester,
                       tpm::TpmAttester::Create({.device = std::move(machine_.device)}));
  attester->set_ak_certificates(chain);
  ASSERT_OK_AND_ASSIGN(auto verifier,
                       tpm::TpmVerifier::Create({.ak_roots = {ak_ca_->certificate}}));
  ASSERT_OK_AND_ASSIGN(const Bytes evidence, attester->Attest(Bytes(32, 9)));
  ASSERT_OK_AND_ASSIGN(const evidence::Claims claims, verifier->Verify(evidence, clock_.Now()));
  EXPECT_EQ(claims.report_data, Bytes(32, 9));
}

TEST_F(TpmEnrollmentTest, AnEkThatDoesNotChainIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto other_root, x509::testing::MakeRoot(clock_.Now(), "other.test"));
  ASSERT_OK_AND_ASSIGN(auto strict, NewEnrollment({other_root.certificate}));
  EXPECT_THAT(strict->Challenge(RequestFor(machine_)), HasReason(Reason::kTpmEkUntrusted));
  // Without the intermediate the chain is incomplete.
  TpmEnrollmentRequest request = RequestFor(machine_);
  request.ek_certificates.pop_back();
  EXPECT_THAT(enrollment_->Challenge(request), HasReason(Reason::kTpmEkUntrusted));
  EXPECT_THAT(NewEnrollment({}), HasReason(Reason::kConfigInvalid));
}

TEST_F(TpmEnrollmentTest, OnlyThatTpmWithThatAkCanActivate) {
  ASSERT_OK_AND_ASSIGN(const TpmEnrollmentChallenge challenge,
                       enrollment_->Challenge(RequestFor(machine_)));
  // Another TPM, genuine and from the same manufacturer, cannot open this TPM's credential.
  ASSERT_OK_AND_ASSIGN(Machine other, Manufacture("other-tpm"));
  EXPECT_THAT(Activate(other, challenge), HasReason(Reason::kTpmEkUntrusted));
  // Nor can this TPM for another AK it holds (the credential names the AK).
  ASSERT_OK_AND_ASSIGN(auto rsa_ak, machine_.device->CreateAttestationKey(crypto::KeyType::kRsa));
  EXPECT_THAT(machine_.device->ActivateCredential(*rsa_ak, *machine_.ek, challenge.credential_blob,
                                                  challenge.encrypted_secret),
              HasReason(Reason::kTpmEkUntrusted));
  // A guessed secret, or the right one claimed for the other AK, gets no certificate.
  ASSERT_OK_AND_ASSIGN(TpmActivation activation, Activate(machine_, challenge));
  TpmActivation guessed = activation;
  guessed.secret = crypto::RandomBytes(32);
  EXPECT_THAT(enrollment_->Activate(guessed), HasReason(Reason::kTpmEkUntrusted));
  TpmActivation swapped = activation;
  swapped.request.ak_public = rsa_ak->public_area();
  EXPECT_THAT(enrollment_->Activate(swapped), HasReason(Reason::kTpmEkUntrusted));
  // Too late.
  clock_.Advance(absl::Minutes(3));
  EXPECT_THAT(enrollment_->Activate(activation), HasReason(Reason::kNonceExpired));
}

TEST_F(TpmEnrollmentTest, OnlyRestrictedSigningKeysAreEnrolled) {
  // The EK itself (a restricted decryption key) offered as the AK.
  TpmEnrollmentRequest request = RequestFor(machine_);
  request.ak_public = machine_.ek->public_area();
  EXPECT_THAT(enrollment_->Challenge(request), HasReason(Reason::kTpmAkInvalid));
  request.ak_public = {1, 2, 3};
  EXPECT_THAT(enrollment_->Challenge(request), HasReason(Reason::kEvidenceMalformed));
  EXPECT_THAT(TpmEnrollmentRequestFromJson(Json{{"ak_public", "x"}}),
              HasReason(Reason::kRequestInvalid));
}

}  // namespace
}  // namespace twi::verifier
