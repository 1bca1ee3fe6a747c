// Workload-side credential acquisition (architecture §2): the Credential Key is generated here
// and never leaves; evidence binds its thumbprint, the Verifier's nonce and the TLS exporter
// of the connection that carries the evidence.
//
//   Mechanism A: challenge -> attest(evidence + CSR) -> EAR + credentials   (one round trip
//                after the challenge; the Verifier asks the CA)
//   Mechanism B: challenge -> attest(evidence) -> EAR; then EAR + CSR -> CA -> credentials
//   Mechanism C: challenge (from the CA) -> attest(evidence + CSR) to the CA, which has its
//                Verifier appraise on the workload's behalf -> EAR + credentials
//   Mechanism D: an ephemeral encryption key instead: challenge -> attest(evidence binding the
//                encryption key) -> EAR; EAR + key -> Key Store -> the provisioned credential
//                key as a JWE; then the published credentials, checked against that key
//
// Transports are interfaces so the flows are tested without a network and run over HTTPS in
// production (https_transport.h; the CA side is an issuer::CredentialIssuer, e.g.
// issuer::HttpsCredentialIssuer).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/evidence/evidence.h"
#include "libs/issuer/credential_api.h"
#include "libs/jose/jwk.h"
#include "libs/keyrelease/key_release.h"
#include "libs/verifier/attestation_api.h"

namespace twi::agent {

// One connection to the Verifier: the exporter must be that of the connection Attest uses.
class VerifierTransport {
 public:
  virtual ~VerifierTransport() = default;
  virtual absl::StatusOr<verifier::Challenge> NewChallenge() = 0;
  virtual absl::StatusOr<Bytes> TlsExporter() = 0;
  virtual absl::StatusOr<verifier::AttestationResponse> Attest(
      const verifier::AttestationRequest& request) = 0;
};

struct CredentialKey {
  crypto::PrivateKey private_key;
  std::unique_ptr<crypto::Signer> signer;  // null for an encryption key (mechanism D)
  jose::Jwk jwk;
  std::string thumbprint;
};

// A fresh key for one credential (WIMSE: a new key per credential).
absl::StatusOr<CredentialKey> NewCredentialKey(crypto::KeyType type = crypto::KeyType::kEcP256);
// Mechanism D's ephemeral encryption key (EC P-256, P-384 or RSA): no signer, never certified.
absl::StatusOr<CredentialKey> NewEncryptionKey(crypto::KeyType type = crypto::KeyType::kEcP256);
// The same for a key that came from elsewhere (mechanism D: released by the Key Store).
absl::StatusOr<CredentialKey> CredentialKeyFrom(crypto::PrivateKey private_key);

// Mechanism D's Key Store: release and the published credentials, over one connection.
class KeyStoreTransport {
 public:
  virtual ~KeyStoreTransport() = default;
  virtual absl::StatusOr<keyrelease::ReleaseResponse> Release(
      const keyrelease::ReleaseRequest& request) = 0;
  virtual absl::StatusOr<issuer::IssuedCredentials> Published(std::string_view workload) = 0;
};

struct AcquireOptions {
  std::vector<std::string> formats;                     // empty: all the workload is entitled to
  crypto::KeyType key_type = crypto::KeyType::kEcP256;  // D: the encryption key's type
};

struct Acquired {
  std::string mechanism;
  std::string ear;
  issuer::IssuedCredentials credentials;
  CredentialKey key;
};

// Builds the attest request: report data = binding(nonce, key thumbprint, exporter).
// `with_csr` makes it a mechanism-A request.
absl::StatusOr<verifier::AttestationRequest> BuildAttestationRequest(
    evidence::Attester& attester, const CredentialKey& key, ByteView nonce, ByteView tls_exporter,
    bool with_csr, const std::vector<std::string>& formats,
    evidence::BindingPurpose purpose = evidence::BindingPurpose::kCredentialKey);

absl::StatusOr<Acquired> AcquireWithMechanismA(VerifierTransport& verifier,
                                               evidence::Attester& attester,
                                               const AcquireOptions& options);
absl::StatusOr<Acquired> AcquireWithMechanismB(VerifierTransport& verifier,
                                               issuer::CredentialIssuer& ca,
                                               evidence::Attester& attester,
                                               const AcquireOptions& options);

// `ca` is a VerifierTransport to the CA's mechanism C routes (challenge, attested).
absl::StatusOr<Acquired> AcquireWithMechanismC(VerifierTransport& ca, evidence::Attester& attester,
                                               const AcquireOptions& options);
// Errors beyond the servers': kKeyMismatch if the published credentials do not certify the
// released key or name another identifier.
absl::StatusOr<Acquired> AcquireWithMechanismD(VerifierTransport& verifier,
                                               KeyStoreTransport& key_store,
                                               evidence::Attester& attester,
                                               const AcquireOptions& options);

// Writes svid.pem (leaf then intermediates), svid.key (PKCS#8, mode 0600), bundle.pem,
// bundle.jwks, wit.jwt and ear.jwt into `dir` (created 0700 if missing), each atomically.
absl::Status WriteArtifacts(const Acquired& acquired, const std::string& dir);

}  // namespace twi::agent
