// Wire messages of the Verifier's challenge/attest API, shared by the Verifier service and the
// agent. JSON, with binary values base64url-encoded.
//
//   POST /v1/challenge -> {"nonce": b64url, "expires_at": unix-seconds}
//   POST /v1/attest    <- {"nonce", "evidence": [{"tee","media_type","data"}], "key": JWK,
//                          "csr"?: PEM, "formats"?: [..],       ("csr" present = mechanism A)
//                          "purpose"?: "credential-key" | "encryption-key"}
//                                       (the key's role, bound into the evidence; mechanism D
//                                        attests an encryption key; default credential-key)
//                      -> {"ear": JWT, "credentials"?: IssuedCredentials}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"
#include "libs/evidence/binding.h"
#include "libs/evidence/evidence.h"
#include "libs/issuer/credential_api.h"

namespace twi::verifier {

inline constexpr size_t kMaxEvidenceItems = 8;
inline constexpr size_t kMaxEvidenceBytes = 512 * 1024;
inline constexpr size_t kMinNonceSize = 8;  // EAT eat_nonce bounds (RFC 9711 §4.1)
inline constexpr size_t kMaxNonceSize = 64;

struct Challenge {
  Bytes nonce;
  absl::Time expires_at;
};

struct AttestationRequest {
  Bytes nonce;
  std::vector<evidence::EvidenceItem> evidence;
  Json key = Json::object();  // public JWK of the key the evidence binds
  std::string csr_pem;        // mechanism A: credential request (PoP) carried with the evidence
  std::vector<std::string> formats;
  evidence::BindingPurpose purpose = evidence::BindingPurpose::kCredentialKey;
  bool wants_credentials() const { return !csr_pem.empty(); }
};

struct AttestationResponse {
  std::string ear;
  std::optional<issuer::IssuedCredentials> credentials;
};

Json ToJson(const Challenge& challenge);
absl::StatusOr<Challenge> ChallengeFromJson(const Json& json);

Json ToJson(const AttestationRequest& request);
// Reasons: kRequestInvalid (shape, counts, sizes), kEncodingInvalid (base64url).
absl::StatusOr<AttestationRequest> AttestationRequestFromJson(const Json& json);

// The DOM form, for tests; the attest route answers with ToJsonText, the same JSON (byte for
// byte) written without a DOM and with the trust bundle spliced in pre-encoded.
Json ToJson(const AttestationResponse& response);
std::string ToJsonText(const AttestationResponse& response);
absl::StatusOr<AttestationResponse> AttestationResponseFromJson(const Json& json);

// "credential-key", "encryption-key": the names EARs carry (ear::WorkloadResult).
std::string_view BindingPurposeName(evidence::BindingPurpose purpose);

}  // namespace twi::verifier
