#include "libs/keyrelease/key_release.h"

#include "absl/strings/str_format.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/ear/ear.h"
#include "libs/jose/jwe.h"
#include "libs/jose/jwk.h"

namespace twi::keyrelease {
namespace {

constexpr std::string_view kComponent = "keystore";
constexpr size_t kMaxEarSize = 64 * 1024;

absl::Status CheckTier(const ear::Ear& result, policy::Tier minimum) {
  if (!policy::TierMeets(result.status, minimum)) {
    return Error(Reason::kKeyReleaseDenied,
                 absl::StrFormat("EAR status \"%s\" is below the release policy's \"%s\"",
                                 policy::TierName(result.status), policy::TierName(minimum)));
  }
  for (const auto& [label, appraisal] : result.submods) {
    if (!policy::TierMeets(appraisal.status, minimum)) {
      return Error(Reason::kKeyReleaseDenied, absl::StrFormat("submod \"%s\" is \"%s\"", label,
                                                              policy::TierName(appraisal.status)));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckClaims(const Json& have, const Json& required) {
  for (const auto& [name, value] : required.items()) {
    const auto it = have.find(name);
    if (it == have.end() || *it != value) {
      return Error(
          Reason::kKeyReleaseDenied,
          absl::StrFormat("the release policy requires claim \"%s\" = %s", name, DumpJson(value)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Json ToJson(const ReleaseRequest& request) { return {{"ear", request.ear}, {"key", request.key}}; }

absl::StatusOr<ReleaseRequest> ReleaseRequestFromJson(const Json& json) {
  ReleaseRequest request;
  TWI_ASSIGN_OR_RETURN(request.ear, GetString(json, "ear"));
  if (request.ear.size() > kMaxEarSize) return Error(Reason::kRequestInvalid, "\"ear\" too long");
  TWI_ASSIGN_OR_RETURN(const Json* key, GetObject(json, "key"));
  request.key = *key;
  return request;
}

Json ToJson(const ReleaseResponse& response) {
  return {
      {"jwe", response.jwe}, {"identifier", response.identifier}, {"workload", response.workload}};
}

absl::StatusOr<ReleaseResponse> ReleaseResponseFromJson(const Json& json) {
  ReleaseResponse response;
  TWI_ASSIGN_OR_RETURN(response.jwe, GetString(json, "jwe"));
  TWI_ASSIGN_OR_RETURN(response.identifier, GetString(json, "identifier"));
  TWI_ASSIGN_OR_RETURN(response.workload, GetString(json, "workload"));
  return response;
}

absl::StatusOr<ReleaseResponse> KeyReleaseService::Release(const ReleaseRequest& request) const {
  const absl::Time now = clock_->Now();
  absl::StatusOr<jose::Jwk> recipient = jose::Jwk::FromJson(request.key);
  if (!recipient.ok()) {
    return Annotate(Error(Reason::kKeyInvalid, recipient.status().message()), "key");
  }
  const crypto::KeyType type = recipient->key().type();
  if (type != crypto::KeyType::kEcP256 && type != crypto::KeyType::kEcP384 &&
      type != crypto::KeyType::kRsa) {
    return Error(Reason::kKeyInvalid, "the encryption key must be an EC P-256, P-384 or RSA key");
  }

  // The EAR, first without the workload's freshness bound (which depends on whose it is).
  TWI_ASSIGN_OR_RETURN(const ear::Ear result, ear::Verify(request.ear, verifier_keys_, now));
  if (!result.workload.has_value() || !result.workload->bound_key.has_value()) {
    return Error(Reason::kEarInvalid, "EAR carries no twi_workload result with a bound key");
  }
  const ear::WorkloadResult& workload = *result.workload;
  if (workload.binding_purpose != "encryption-key") {
    return Error(Reason::kKeyMismatch, "EAR binds a credential key, not an encryption key");
  }
  if (workload.bound_key_thumbprint != recipient->Thumbprint()) {
    return Error(Reason::kKeyMismatch,
                 "the encryption key is not the key the attestation evidence bound");
  }

  // The owner's current view: the workload still registered, the release still endorsed.
  const std::shared_ptr<const policy::PolicySet> policies = policies_->Current();
  const policy::WorkloadPolicy* registered = policies->FindWorkload(workload.workload);
  if (registered == nullptr || registered->identifier.ToString() != workload.identifier) {
    return Error(Reason::kWorkloadUnknown,
                 absl::StrFormat("workload %s is not registered", workload.workload));
  }
  bool endorsed = false;
  for (const policy::Release& release : registered->releases)
    endorsed |= release.name == workload.release;
  if (!endorsed) {
    return Error(Reason::kReleaseRevoked,
                 absl::StrFormat("release %s of workload %s is no longer endorsed",
                                 workload.release, workload.workload));
  }

  TWI_ASSIGN_OR_RETURN(const KeyReleasePolicy policy, files_->GetPolicy(workload.workload));
  if (now - result.issued_at > policy.max_ear_age) {
    return Error(Reason::kEarTooOld, absl::StrFormat("EAR is older than the release policy's %d s",
                                                     absl::ToInt64Seconds(policy.max_ear_age)));
  }
  TWI_RETURN_IF_ERROR(CheckTier(result, policy.minimum_status));
  TWI_RETURN_IF_ERROR(CheckClaims(workload.claims, policy.claims));
  TWI_ASSIGN_OR_RETURN(const ProvisionedKey provisioned, files_->GetProvisioned(workload.workload));
  if (provisioned.identifier != workload.identifier) {
    return Error(Reason::kKeyNotProvisioned,
                 absl::StrFormat("the key provisioned for %s belongs to another identifier",
                                 workload.workload));
  }

  // Every check passed: only now does the token make a wrap.
  TWI_ASSIGN_OR_RETURN(const keystore::WrappedKey wrapped,
                       key_store_->WrapKeyFor(provisioned.key_uri, recipient->key()));
  const std::string payload = WrappedKeyPayload(wrapped);
  ReleaseResponse response;
  TWI_ASSIGN_OR_RETURN(response.jwe, jose::JweEncrypt(AsBytes(payload), recipient->key(),
                                                      {.kid = recipient->Thumbprint(),
                                                       .cty = std::string(kWrappedKeyContentType),
                                                       .typ = std::nullopt}));
  response.identifier = workload.identifier;
  response.workload = workload.workload;
  if (LogEnabled(LogLevel::kInfo)) {
    LogInfo(kComponent,
            absl::StrFormat("released the credential key of %s (release %s, EAR %s) to key %s",
                            workload.identifier, workload.release, result.jti,
                            recipient->Thumbprint()));
  }
  return response;
}

std::string WrappedKeyPayload(const keystore::WrappedKey& wrapped) {
  Json payload = {{"wrapped", Base64UrlEncode(wrapped.wrapped)}};
  if (wrapped.ephemeral.has_value()) {
    payload["epk"] = jose::Jwk::FromPublicKey(*wrapped.ephemeral).ToJson();
  } else {
    payload["ek"] = Base64UrlEncode(wrapped.encrypted_kek);
  }
  return DumpJson(payload);
}

absl::StatusOr<crypto::PrivateKey> OpenReleasedKey(std::string_view jwe,
                                                   const crypto::PrivateKey& encryption_key) {
  TWI_ASSIGN_OR_RETURN(const jose::JweDecrypted decrypted, jose::JweDecrypt(jwe, encryption_key));
  if (decrypted.fields.cty != kWrappedKeyContentType) {
    return Error(Reason::kJoseMalformed, "the JWE does not carry a wrapped key");
  }
  absl::StatusOr<Json> payload = ParseJsonObject(decrypted.plaintext.as_string());
  if (!payload.ok()) return Error(Reason::kJoseMalformed, "the wrapped-key payload is not JSON");
  const auto epk = payload->find("epk");
  const auto ek = payload->find("ek");
  const auto wrapped = payload->find("wrapped");
  if ((epk == payload->end()) == (ek == payload->end()) || wrapped == payload->end() ||
      !wrapped->is_string() || (ek != payload->end() && !ek->is_string())) {
    return Error(Reason::kJoseMalformed,
                 "the wrapped-key payload needs \"wrapped\" and one of \"epk\" or \"ek\"");
  }
  keystore::WrappedKey key{.ephemeral = std::nullopt, .encrypted_kek = {}, .wrapped = {}};
  if (epk != payload->end()) {
    TWI_ASSIGN_OR_RETURN(const jose::Jwk ephemeral, jose::Jwk::FromJson(*epk));
    key.ephemeral = ephemeral.key();
  } else {
    absl::StatusOr<Bytes> encrypted = Base64UrlDecode(ek->get<std::string>());
    if (!encrypted.ok()) return Error(Reason::kJoseMalformed, "\"ek\" is not base64url");
    key.encrypted_kek = *std::move(encrypted);
  }
  absl::StatusOr<Bytes> blob = Base64UrlDecode(wrapped->get<std::string>());
  if (!blob.ok()) return Error(Reason::kJoseMalformed, "\"wrapped\" is not base64url");
  key.wrapped = *std::move(blob);
  return keystore::UnwrapKey(key, encryption_key);
}

}  // namespace twi::keyrelease
