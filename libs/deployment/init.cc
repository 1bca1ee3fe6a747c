#include "libs/deployment/init.h"

#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/crypto/signature.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/deployment/secrets.h"
#include "libs/jose/jwk.h"
#include "libs/tlog/note.h"
#include "libs/x509/issue.h"

namespace twi::deployment {
namespace {

// A role key generated in the Key Store, and the Signer init uses it through.
absl::StatusOr<std::unique_ptr<crypto::Signer>> NewRoleKey(keystore::KeyStore& store,
                                                           const KeyStoreConfig& config,
                                                           std::string_view name,
                                                           crypto::KeyType type) {
  TWI_RETURN_IF_ERROR(store.GenerateSigningKey(name, type).status());
  return OpenRoleSigner(store, config, name);
}

// A CA of twi's own (not a SPIFFE one): an anchor that certifies end entities directly.
absl::StatusOr<x509::Certificate> SelfSignedCa(const crypto::Signer& signer,
                                               const std::string& name, absl::Time now,
                                               absl::Duration validity) {
  x509::CertificateTemplate tmpl{.subject_key = signer.public_key()};
  tmpl.subject = {{"O", "twi"}, {"CN", name}};
  tmpl.not_before = now - absl::Minutes(5);
  tmpl.not_after = now + validity;
  tmpl.is_ca = true;
  tmpl.path_len = 0;
  tmpl.digital_signature = false;
  tmpl.key_cert_sign = true;
  tmpl.crl_sign = true;
  return x509::IssueCertificate(tmpl, nullptr, signer);
}

absl::Status WriteCert(const Layout& layout, std::string_view name, const x509::Certificate& cert) {
  return WriteFileAtomic(layout.cert(name), cert.ToPem(), 0644);
}

std::string AppraisalPolicyYaml() {
  return R"(# Verifier appraisal policy: how deviations from reference values are treated.
# Its content digest (sha256 of this file) is named in every EAR this verifier signs.
version: 1
kind: appraisal
ear_ttl: 5m
actions:
  debug_enabled: reject       # reject | warn
  svn_below_minimum: reject   # reject | warn
)";
}

std::string IssuancePolicyYaml(std::string_view verifier_thumbprint) {
  return absl::StrFormat(
      R"(# Credential Authority issuance policy: whose attestation results are trusted, how
# fresh and how good they must be, and the longest credential lifetimes.
version: 1
kind: issuance
trusted_verifiers:
  - name: local
    jwk_thumbprint: %s
minimum_status: affirming
max_ear_age: 5m
formats:
  x509-svid:
    max_ttl: 1h
  wit:
    max_ttl: 1h
)",
      verifier_thumbprint);
}

}  // namespace

absl::Status InitDeployment(const InitOptions& o) {
  DeploymentConfig config;
  config.profile = o.profile;
  config.trust_domain = o.trust_domain;
  config.allow_insecure_sample_tee = o.allow_insecure_sample_tee;
  const Layout layout(o.dir);
  config.key_store = NewSoftHsmKeyStoreConfig(layout, o.pkcs11_module);
  // Also checks the trust domain, as kConfigInvalid (InitDeployment's contract).
  TWI_RETURN_IF_ERROR(Validate(config));

  if (std::filesystem::exists(layout.config())) {
    return Error(Reason::kConfigInvalid,
                 absl::StrFormat("%s already holds a deployment; refusing to overwrite it", o.dir));
  }
  TWI_RETURN_IF_ERROR(MakeDirs(o.dir, 0755));
  TWI_RETURN_IF_ERROR(MakeDirs(layout.keys(), 0700));
  TWI_RETURN_IF_ERROR(MakeDirs(layout.pki(), 0755));
  TWI_RETURN_IF_ERROR(MakeDirs(layout.data(), 0700));
  TWI_RETURN_IF_ERROR(MakeDirs(layout.run(), 0755));
  TWI_RETURN_IF_ERROR(MakeDirs(layout.workloads(), 0755));

  TWI_RETURN_IF_ERROR(CreateSoftHsmKeyStore(layout, config.key_store));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<keystore::Pkcs11KeyStore> store,
                       OpenKeyStore(layout, config.key_store));
  auto new_key = [&](std::string_view name, crypto::KeyType type = crypto::KeyType::kEcP256) {
    return NewRoleKey(*store, config.key_store, name, type);
  };

  // The trust domain: a root (the SPIFFE bundle) and an issuing intermediate for SVIDs.
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> root, new_key(kTrustDomainRoot));
  TWI_ASSIGN_OR_RETURN(
      x509::CertificateTemplate root_tmpl,
      x509::SpiffeCaTemplate(o.trust_domain, root->public_key(),
                             "twi trust domain root " + o.trust_domain, o.now - absl::Minutes(5),
                             o.now + o.root_validity, std::nullopt));
  TWI_ASSIGN_OR_RETURN(x509::Certificate root_cert,
                       x509::IssueCertificate(root_tmpl, nullptr, *root));
  TWI_RETURN_IF_ERROR(WriteCert(layout, kTrustDomainRoot, root_cert));

  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> issuing, new_key(kIssuingCa));
  TWI_ASSIGN_OR_RETURN(
      x509::CertificateTemplate issuing_tmpl,
      x509::SpiffeCaTemplate(o.trust_domain, issuing->public_key(),
                             "twi issuing CA " + o.trust_domain, o.now - absl::Minutes(5),
                             o.now + o.issuing_validity, 0));
  TWI_ASSIGN_OR_RETURN(x509::Certificate issuing_cert,
                       x509::IssueCertificate(issuing_tmpl, &root_cert, *root));
  TWI_RETURN_IF_ERROR(WriteCert(layout, kIssuingCa, issuing_cert));

  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> wit, new_key(kWitSigning));
  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(layout.public_key(kWitSigning), wit->public_key().ToPem(), 0644));

  // The Verifier's EAR key; the CA trusts it by thumbprint through the issuance policy.
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> ear, new_key(kVerifierEar));
  jose::Jwk ear_jwk = jose::Jwk::FromPublicKey(ear->public_key());
  const std::string ear_thumbprint = ear_jwk.Thumbprint();
  ear_jwk.set_kid(ear_thumbprint);
  ear_jwk.set_alg(jose::Algorithm::kES256);
  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(layout.verifier_jwks(),
                      Json{{"keys", Json::array({ear_jwk.ToJson()})}}.dump(2) + "\n", 0644));

  TWI_RETURN_IF_ERROR(NewSecret(layout, kVerifierChallenge));

  // The transparency log's checkpoint key, published as a C2SP verifier key so that anyone can
  // check checkpoints and proofs with their own tools; and the key that signs provenance records.
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> log,
                       new_key(kTransparencyLog, crypto::KeyType::kEd25519));
  TWI_ASSIGN_OR_RETURN(
      const tlog::NoteVerifier log_verifier,
      tlog::NoteVerifier::FromPublicKey(LogOrigin(o.trust_domain), log->public_key()));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(layout.log_vkey(), log_verifier.VerifierKey() + "\n", 0644));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> provenance, new_key(kProvenanceSigning));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(layout.public_key(kProvenanceSigning),
                                      provenance->public_key().ToPem(), 0644));

  if (o.allow_insecure_sample_tee) {
    TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> platform, new_key(kSamplePlatform));
    TWI_RETURN_IF_ERROR(
        WriteFileAtomic(layout.public_key(kSamplePlatform), platform->public_key().ToPem(), 0644));
  }

  // The internal PKI's anchor; service certificates are made by each process as it starts
  // (service_tls.h).
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> internal, new_key(kInternalCa));
  TWI_ASSIGN_OR_RETURN(
      x509::Certificate internal_cert,
      SelfSignedCa(*internal, "twi internal CA " + o.trust_domain, o.now, o.root_validity));
  TWI_RETURN_IF_ERROR(WriteCert(layout, kInternalCa, internal_cert));

  // The CA of TPM AK certificates, issued once an AK was activated through its EK.
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> ak_ca, new_key(kTpmAkCa));
  TWI_ASSIGN_OR_RETURN(
      x509::Certificate ak_ca_cert,
      SelfSignedCa(*ak_ca, "twi TPM AK CA " + o.trust_domain, o.now, o.root_validity));
  TWI_RETURN_IF_ERROR(WriteCert(layout, kTpmAkCa, ak_ca_cert));

  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(layout.policies() + "/appraisal.yaml", AppraisalPolicyYaml()));
  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(layout.policies() + "/issuance.yaml", IssuancePolicyYaml(ear_thumbprint)));
  // Written last: its presence marks a complete deployment.
  return WriteFileAtomic(layout.config(), RenderConfig(config), 0644);
}

}  // namespace twi::deployment
