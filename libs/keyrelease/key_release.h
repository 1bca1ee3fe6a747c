// Mechanism D: the Key Store releases a provisioned credential key to an attested workload.
//
//   POST /v1/keys/release  <- {"ear": JWT, "key": JWK}
//                          -> {"jwe": compact JWE, "identifier": SPIFFE ID, "workload": name}
//
// "key" is the workload's ephemeral encryption key (EC P-256 or P-384, or RSA) whose RFC 7638
// thumbprint the evidence bound with purpose "encryption-key". The Key Store checks the EAR
// (trusted Verifier key, age within the workload's key-release policy, tier, claims, the
// release still endorsed, the bound key being this one), wraps the credential key for that
// key inside the token (keystore::KeyStore::WrapKeyFor) and sends the wrap as the payload of
// a JWE to the same key ("alg" ECDH-ES+A256KW for EC keys, RSA-OAEP-256 for RSA keys; "enc"
// A256GCM; "cty" twi-wrapped-key+json):
//
//   {"epk": JWK (EC: the token's one-time ECDH key)  |  "ek": b64url (RSA: the token's one-time
//    AES key, RSAES-OAEP-SHA-1 encrypted), "wrapped": b64url (RFC 5649 of PKCS#8)}
//
// The process serving the request never holds the clear key, nor anything that unwraps it.
// The workload decrypts (OpenReleasedKey) and pairs the key with the public credential the
// owner published (GET /v1/published/credentials?workload=<name>).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "libs/core/clock.h"
#include "libs/core/json.h"
#include "libs/crypto/keys.h"
#include "libs/jose/jwk.h"
#include "libs/keyrelease/release_policy.h"
#include "libs/keystore/key_store.h"
#include "libs/policy/policy_holder.h"

namespace twi::keyrelease {

inline constexpr char kReleasePath[] = "/v1/keys/release";
inline constexpr char kPublishedPath[] = "/v1/published/credentials";
inline constexpr char kWrappedKeyContentType[] = "twi-wrapped-key+json";

struct ReleaseRequest {
  std::string ear;
  Json key = Json::object();  // public JWK of the attested encryption key
};
struct ReleaseResponse {
  std::string jwe;
  std::string identifier;
  std::string workload;  // where the public credentials are published
};

Json ToJson(const ReleaseRequest& request);
absl::StatusOr<ReleaseRequest> ReleaseRequestFromJson(const Json& json);  // kRequestInvalid
Json ToJson(const ReleaseResponse& response);
absl::StatusOr<ReleaseResponse> ReleaseResponseFromJson(const Json& json);

class KeyReleaseService {
 public:
  // Non-owning pointers must outlive the service. `verifier_keys`: the Verifier keys the
  // deployment trusts (the CA's trusted set).
  KeyReleaseService(keystore::KeyStore* key_store, const KeyReleaseFiles* files,
                    const policy::PolicyHolder* policies, jose::Jwks verifier_keys,
                    const Clock* clock)
      : key_store_(key_store),
        files_(files),
        policies_(policies),
        verifier_keys_(std::move(verifier_keys)),
        clock_(clock) {}

  // Thread-safe. Reasons: kRequestInvalid, kKeyInvalid (not an EC P-256/P-384 or RSA JWK),
  // kEarUntrustedKey, kEarExpired, kEarTooOld (older than the policy's max_ear_age: a
  // replayed EAR), kEarInvalid, kKeyMismatch (the EAR binds another key, or a credential key),
  // kWorkloadUnknown, kReleaseRevoked, kKeyReleaseDenied (tier, claims, no policy),
  // kKeyNotProvisioned, the Key Store reasons. Nothing is wrapped unless every check passed.
  absl::StatusOr<ReleaseResponse> Release(const ReleaseRequest& request) const;

 private:
  keystore::KeyStore* key_store_;
  const KeyReleaseFiles* files_;
  const policy::PolicyHolder* policies_;
  const jose::Jwks verifier_keys_;
  const Clock* clock_;
};

// The JWE payload (above) of a wrap: what the Key Store encrypts to the recipient.
std::string WrappedKeyPayload(const keystore::WrappedKey& wrapped);

// The workload's side: decrypts the JWE with its encryption key and unwraps the credential key.
// Reasons: those of jose::JweDecrypt and keystore::UnwrapKey; kJoseMalformed for a payload that
// is not a wrapped key.
absl::StatusOr<crypto::PrivateKey> OpenReleasedKey(std::string_view jwe,
                                                   const crypto::PrivateKey& encryption_key);

}  // namespace twi::keyrelease
