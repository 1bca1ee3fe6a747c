// The credential request/response exchanged with the Credential Authority, shared by the CA
// service, the Verifier (mechanism A: it asks the CA on the workload's behalf) and the agent
// (mechanism B: it brings the EAR itself). JSON codecs are strict about types and sizes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/json.h"
#include "libs/core/json_writer.h"
#include "libs/issuer/encoded_bundle.h"
#include "libs/policy/credential_format.h"

namespace twi::issuer {

using policy::kFormatWit;
using policy::kFormatX509Svid;

struct CredentialRequest {
  std::string ear;                   // EAR JWT naming the credential key
  std::string csr_pem;               // PKCS#10 CSR: proof of possession of that key
  std::vector<std::string> formats;  // empty: every format the workload is entitled to
  std::string mechanism;             // "A" | "B" (audit only)
};

struct IssuedCredentials {
  std::string spiffe_id;
  std::string x509_svid_pem;  // leaf then intermediates; empty if not requested
  std::string x509_serial;    // lower hex
  absl::Time x509_not_after = absl::InfinitePast();
  std::string wit;  // compact JWS (typ wit+jwt); empty if not requested
  std::string wit_jti;
  absl::Time wit_expires_at = absl::InfinitePast();
  // X.509 trust anchors (PEM) and SPIFFE bundle (JWKS) of the trust domain; never null.
  std::shared_ptr<const EncodedBundle> bundle = EncodedBundle::Empty();
  std::string ear_digest;  // sha256:<hex> of the EAR the issuance rests on
};

Json ToJson(const CredentialRequest& request);
// Reasons: kRequestInvalid for missing or mistyped members or oversize fields.
absl::StatusOr<CredentialRequest> CredentialRequestFromJson(const Json& json);

// The DOM form, for tests and tools; responses use the writer below, which gives the same JSON
// (byte for byte: members in the same order) without building a DOM.
Json ToJson(const IssuedCredentials& credentials);
void WriteJson(JsonWriter& writer, const IssuedCredentials& credentials);
std::string ToJsonText(const IssuedCredentials& credentials);
absl::StatusOr<IssuedCredentials> IssuedCredentialsFromJson(const Json& json);

// Who issues: the CA in this process, or a client of a remote CA. Mechanism A's Verifier holds
// one of these.
class CredentialIssuer {
 public:
  virtual ~CredentialIssuer() = default;
  // Thread-safe.
  virtual absl::StatusOr<IssuedCredentials> Issue(const CredentialRequest& request) = 0;
};

}  // namespace twi::issuer
