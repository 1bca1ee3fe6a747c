#include "libs/deployment/init.h"

#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/deployment/layout.h"
#include "libs/deployment/secrets.h"
#include "libs/jose/jwk.h"
#include "libs/x509/issue.h"

namespace twi::deployment {
namespace {

struct KeyPair {
  crypto::PrivateKey key;
  std::unique_ptr<crypto::Signer> signer;
};

absl::StatusOr<KeyPair> NewKey(const Layout& layout, std::string_view name) {
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  SecretBytes pem = key.ToPkcs8Pem();
  TWI_RETURN_IF_ERROR(WriteFileAtomic(layout.key(name), pem.as_string(), 0600));
  TWI_ASSIGN_OR_RETURN(
      std::unique_ptr<crypto::Signer> signer,
      crypto::NewSoftwareSigner(key, crypto::SignatureAlgorithm::kEcdsaP256Sha256));
  return KeyPair{std::move(key), std::move(signer)};
}

absl::Status WriteCert(const Layout& layout, std::string_view name, const x509::Certificate& cert) {
  return WriteFileAtomic(layout.cert(name), cert.ToPem(), 0644);
}

// A TLS certificate of the deployment's internal PKI (service identities are URIs under
// spiffe://<td>/twi/, certified by the internal CA, never by the trust domain's CA).
absl::StatusOr<x509::Certificate> IssueServiceCert(const Layout& layout, std::string_view name,
                                                   std::string uri, bool server,
                                                   const x509::Certificate& ca,
                                                   const crypto::Signer& ca_signer,
                                                   const InitOptions& o) {
  TWI_ASSIGN_OR_RETURN(KeyPair pair, NewKey(layout, name));
  x509::CertificateTemplate tmpl{.subject_key = pair.key.public_key()};
  tmpl.subject = {{"O", "twi"}, {"CN", std::string(name)}};
  tmpl.uri_sans = {std::move(uri)};
  if (server) {
    tmpl.dns_sans = {"localhost"};
    tmpl.ip_sans = {"127.0.0.1", "::1"};
  }
  tmpl.not_before = o.now - absl::Minutes(5);
  tmpl.not_after = o.now + o.issuing_validity;
  tmpl.extended_key_usages = {x509::ExtendedKeyUsage::kServerAuth,
                              x509::ExtendedKeyUsage::kClientAuth};
  TWI_ASSIGN_OR_RETURN(x509::Certificate cert, x509::IssueCertificate(tmpl, &ca, ca_signer));
  TWI_RETURN_IF_ERROR(WriteCert(layout, name, cert));
  return cert;
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
  // Also checks the trust domain, as kConfigInvalid (InitDeployment's contract).
  TWI_RETURN_IF_ERROR(Validate(config));

  const Layout layout(o.dir);
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

  // The trust domain: a root (the SPIFFE bundle) and an issuing intermediate for SVIDs.
  TWI_ASSIGN_OR_RETURN(KeyPair root, NewKey(layout, kTrustDomainRoot));
  TWI_ASSIGN_OR_RETURN(
      x509::CertificateTemplate root_tmpl,
      x509::SpiffeCaTemplate(o.trust_domain, root.key.public_key(),
                             "twi trust domain root " + o.trust_domain, o.now - absl::Minutes(5),
                             o.now + o.root_validity, std::nullopt));
  TWI_ASSIGN_OR_RETURN(x509::Certificate root_cert,
                       x509::IssueCertificate(root_tmpl, nullptr, *root.signer));
  TWI_RETURN_IF_ERROR(WriteCert(layout, kTrustDomainRoot, root_cert));

  TWI_ASSIGN_OR_RETURN(KeyPair issuing, NewKey(layout, kIssuingCa));
  TWI_ASSIGN_OR_RETURN(
      x509::CertificateTemplate issuing_tmpl,
      x509::SpiffeCaTemplate(o.trust_domain, issuing.key.public_key(),
                             "twi issuing CA " + o.trust_domain, o.now - absl::Minutes(5),
                             o.now + o.issuing_validity, 0));
  TWI_ASSIGN_OR_RETURN(x509::Certificate issuing_cert,
                       x509::IssueCertificate(issuing_tmpl, &root_cert, *root.signer));
  TWI_RETURN_IF_ERROR(WriteCert(layout, kIssuingCa, issuing_cert));

  TWI_ASSIGN_OR_RETURN(KeyPair wit, NewKey(layout, kWitSigning));
  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(layout.public_key(kWitSigning), wit.key.public_key().ToPem(), 0644));

  // The Verifier's EAR key; the CA trusts it by thumbprint through the issuance policy.
  TWI_ASSIGN_OR_RETURN(KeyPair ear, NewKey(layout, kVerifierEar));
  jose::Jwk ear_jwk = jose::Jwk::FromPublicKey(ear.key.public_key());
  const std::string ear_thumbprint = ear_jwk.Thumbprint();
  ear_jwk.set_kid(ear_thumbprint);
  ear_jwk.set_alg(jose::Algorithm::kES256);
  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(layout.verifier_jwks(),
                      Json{{"keys", Json::array({ear_jwk.ToJson()})}}.dump(2) + "\n", 0644));

  TWI_RETURN_IF_ERROR(NewSecret(layout, kVerifierChallenge));

  if (o.allow_insecure_sample_tee) {
    TWI_ASSIGN_OR_RETURN(KeyPair platform, NewKey(layout, kSamplePlatform));
    TWI_RETURN_IF_ERROR(WriteFileAtomic(layout.public_key(kSamplePlatform),
                                        platform.key.public_key().ToPem(), 0644));
  }

  // Internal PKI for the listeners and service-to-service mTLS.
  TWI_ASSIGN_OR_RETURN(KeyPair internal, NewKey(layout, kInternalCa));
  x509::CertificateTemplate internal_tmpl{.subject_key = internal.key.public_key()};
  internal_tmpl.subject = {{"O", "twi"}, {"CN", "twi internal CA " + o.trust_domain}};
  internal_tmpl.not_before = o.now - absl::Minutes(5);
  internal_tmpl.not_after = o.now + o.root_validity;
  internal_tmpl.is_ca = true;
  internal_tmpl.path_len = 0;
  internal_tmpl.digital_signature = false;
  internal_tmpl.key_cert_sign = true;
  internal_tmpl.crl_sign = true;
  TWI_ASSIGN_OR_RETURN(x509::Certificate internal_cert,
                       x509::IssueCertificate(internal_tmpl, nullptr, *internal.signer));
  TWI_RETURN_IF_ERROR(WriteCert(layout, kInternalCa, internal_cert));
  const std::string service_prefix = "spiffe://" + o.trust_domain + "/twi/";
  TWI_RETURN_IF_ERROR(IssueServiceCert(layout, kServerTls, service_prefix + "server", true,
                                       internal_cert, *internal.signer, o)
                          .status());
  TWI_RETURN_IF_ERROR(IssueServiceCert(layout, kVerifierClient, service_prefix + "verifier", false,
                                       internal_cert, *internal.signer, o)
                          .status());

  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(layout.policies() + "/appraisal.yaml", AppraisalPolicyYaml()));
  TWI_RETURN_IF_ERROR(
      WriteFileAtomic(layout.policies() + "/issuance.yaml", IssuancePolicyYaml(ear_thumbprint)));
  // Written last: its presence marks a complete deployment.
  return WriteFileAtomic(layout.config(), RenderConfig(config), 0644);
}

}  // namespace twi::deployment
