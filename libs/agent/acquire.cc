#include "libs/agent/acquire.h"

#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/evidence/binding.h"
#include "libs/x509/certificate.h"
#include "libs/x509/csr.h"

namespace twi::agent {

absl::StatusOr<CredentialKey> NewCredentialKey(crypto::KeyType type) {
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey private_key, crypto::PrivateKey::Generate(type));
  return CredentialKeyFrom(std::move(private_key));
}

absl::StatusOr<CredentialKey> NewEncryptionKey(crypto::KeyType type) {
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey private_key, crypto::PrivateKey::Generate(type));
  jose::Jwk jwk = jose::Jwk::FromPublicKey(private_key.public_key());
  std::string thumbprint = jwk.Thumbprint();
  return CredentialKey{std::move(private_key), nullptr, std::move(jwk), std::move(thumbprint)};
}

absl::StatusOr<CredentialKey> CredentialKeyFrom(crypto::PrivateKey private_key) {
  TWI_ASSIGN_OR_RETURN(crypto::SignatureAlgorithm alg,
                       crypto::DefaultSignatureAlgorithm(private_key.type()));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> signer,
                       crypto::NewSoftwareSigner(private_key, alg));
  jose::Jwk jwk = jose::Jwk::FromPublicKey(private_key.public_key());
  std::string thumbprint = jwk.Thumbprint();
  return CredentialKey{std::move(private_key), std::move(signer), std::move(jwk),
                       std::move(thumbprint)};
}

absl::StatusOr<verifier::AttestationRequest> BuildAttestationRequest(
    evidence::Attester& attester, const CredentialKey& key, ByteView nonce, ByteView tls_exporter,
    bool with_csr, const std::vector<std::string>& formats, evidence::BindingPurpose purpose) {
  const Bytes binding = evidence::ComputeBinding({purpose, nonce, key.thumbprint, tls_exporter});
  TWI_ASSIGN_OR_RETURN(
      Bytes report, attester.Attest(evidence::ReportDataFor(binding, attester.report_data_size())));
  verifier::AttestationRequest request;
  request.nonce = Bytes(nonce.begin(), nonce.end());
  request.evidence.push_back(
      {std::string(attester.tee()), std::string(attester.media_type()), std::move(report)});
  request.key = key.jwk.ToJson();
  request.formats = formats;
  request.purpose = purpose;
  if (with_csr) {
    if (key.signer == nullptr) return Error(Reason::kKeyInvalid, "an encryption key signs no CSR");
    TWI_ASSIGN_OR_RETURN(x509::CertificateRequest csr, x509::CreateCsr(*key.signer));
    request.csr_pem = csr.ToPem();
  }
  return request;
}

namespace {

// Challenge and attestation on one connection, so the exporter the evidence binds is the
// exporter of the connection that carries it.
absl::StatusOr<verifier::AttestationResponse> Attest(
    VerifierTransport& verifier, evidence::Attester& attester, const CredentialKey& key,
    bool with_csr, const std::vector<std::string>& formats,
    evidence::BindingPurpose purpose = evidence::BindingPurpose::kCredentialKey) {
  TWI_ASSIGN_OR_RETURN(verifier::Challenge challenge, verifier.NewChallenge());
  TWI_ASSIGN_OR_RETURN(Bytes exporter, verifier.TlsExporter());
  TWI_ASSIGN_OR_RETURN(verifier::AttestationRequest request,
                       BuildAttestationRequest(attester, key, challenge.nonce, exporter, with_csr,
                                               formats, purpose));
  return verifier.Attest(request);
}

// Mechanisms A and C: one attestation that carries the CSR and returns the credentials.
absl::StatusOr<Acquired> AcquireInOneRequest(std::string mechanism, VerifierTransport& server,
                                             evidence::Attester& attester,
                                             const AcquireOptions& options) {
  TWI_ASSIGN_OR_RETURN(CredentialKey key, NewCredentialKey(options.key_type));
  TWI_ASSIGN_OR_RETURN(verifier::AttestationResponse response,
                       Attest(server, attester, key, /*with_csr=*/true, options.formats));
  if (!response.credentials.has_value()) {
    return Error(Reason::kInternal,
                 "the server returned no credentials for mechanism " + mechanism);
  }
  return Acquired{std::move(mechanism), std::move(response.ear), std::move(*response.credentials),
                  std::move(key)};
}

}  // namespace

absl::StatusOr<Acquired> AcquireWithMechanismA(VerifierTransport& verifier,
                                               evidence::Attester& attester,
                                               const AcquireOptions& options) {
  return AcquireInOneRequest("A", verifier, attester, options);
}

absl::StatusOr<Acquired> AcquireWithMechanismC(VerifierTransport& ca, evidence::Attester& attester,
                                               const AcquireOptions& options) {
  return AcquireInOneRequest("C", ca, attester, options);
}

absl::StatusOr<Acquired> AcquireWithMechanismD(VerifierTransport& verifier,
                                               KeyStoreTransport& key_store,
                                               evidence::Attester& attester,
                                               const AcquireOptions& options) {
  // The encryption key lives only for this acquisition.
  TWI_ASSIGN_OR_RETURN(const CredentialKey encryption, NewEncryptionKey(options.key_type));
  TWI_ASSIGN_OR_RETURN(verifier::AttestationResponse response,
                       Attest(verifier, attester, encryption, /*with_csr=*/false, {},
                              evidence::BindingPurpose::kEncryptionKey));
  TWI_ASSIGN_OR_RETURN(const keyrelease::ReleaseResponse released,
                       key_store.Release({.ear = response.ear, .key = encryption.jwk.ToJson()}));
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey private_key,
                       keyrelease::OpenReleasedKey(released.jwe, encryption.private_key));
  TWI_ASSIGN_OR_RETURN(issuer::IssuedCredentials credentials,
                       key_store.Published(released.workload));
  // Published without trust: it must certify the released key and the attested identifier.
  if (credentials.spiffe_id != released.identifier) {
    return Error(Reason::kKeyMismatch, "the published credentials name another identifier");
  }
  if (!credentials.x509_svid_pem.empty()) {
    TWI_ASSIGN_OR_RETURN(const std::vector<x509::Certificate> chain,
                         x509::Certificate::ChainFromPem(credentials.x509_svid_pem));
    if (!chain[0].public_key().Equals(private_key.public_key())) {
      return Error(Reason::kKeyMismatch,
                   "the published X509-SVID does not certify the released key");
    }
  }
  TWI_ASSIGN_OR_RETURN(CredentialKey key, CredentialKeyFrom(std::move(private_key)));
  return Acquired{"D", std::move(response.ear), std::move(credentials), std::move(key)};
}

absl::StatusOr<Acquired> AcquireWithMechanismB(VerifierTransport& verifier,
                                               issuer::CredentialIssuer& ca,
                                               evidence::Attester& attester,
                                               const AcquireOptions& options) {
  TWI_ASSIGN_OR_RETURN(CredentialKey key, NewCredentialKey(options.key_type));
  TWI_ASSIGN_OR_RETURN(verifier::AttestationResponse response,
                       Attest(verifier, attester, key, /*with_csr=*/false, options.formats));
  issuer::CredentialRequest request;
  request.ear = response.ear;
  TWI_ASSIGN_OR_RETURN(x509::CertificateRequest csr, x509::CreateCsr(*key.signer));
  request.csr_pem = csr.ToPem();
  request.formats = options.formats;
  request.mechanism = "B";
  TWI_ASSIGN_OR_RETURN(issuer::IssuedCredentials credentials, ca.Issue(request));
  return Acquired{"B", std::move(response.ear), std::move(credentials), std::move(key)};
}

absl::Status WriteArtifacts(const Acquired& acquired, const std::string& dir) {
  TWI_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  const auto& c = acquired.credentials;
  const std::string base = dir + "/";
  if (!c.x509_svid_pem.empty()) {
    TWI_RETURN_IF_ERROR(WriteFileAtomic(base + "svid.pem", c.x509_svid_pem, 0644));
  }
  SecretBytes key_pem = acquired.key.private_key.ToPkcs8Pem();
  TWI_RETURN_IF_ERROR(WriteFileAtomic(base + "svid.key", key_pem.as_string(), 0600));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(base + "bundle.pem", c.bundle->pem(), 0644));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(base + "bundle.jwks", c.bundle->jwks().dump(2) + "\n", 0644));
  if (!c.wit.empty()) TWI_RETURN_IF_ERROR(WriteFileAtomic(base + "wit.jwt", c.wit + "\n", 0644));
  return WriteFileAtomic(base + "ear.jwt", acquired.ear + "\n", 0644);
}

}  // namespace twi::agent
