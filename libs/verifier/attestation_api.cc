#include "libs/verifier/attestation_api.h"

#include "absl/strings/str_format.h"
#include "libs/core/json_writer.h"
#include "libs/core/status.h"

namespace twi::verifier {
namespace {

absl::StatusOr<Bytes> GetBase64Url(const Json& json, std::string_view field, size_t max) {
  TWI_ASSIGN_OR_RETURN(std::string text, GetString(json, field));
  if (text.size() > (max * 4 + 2) / 3) {
    return Error(Reason::kRequestInvalid, absl::StrFormat("field \"%s\" is too large", field));
  }
  auto bytes = Base64UrlDecode(text);
  if (!bytes.ok()) {
    return Error(Reason::kEncodingInvalid, absl::StrFormat("field \"%s\" is not base64url", field));
  }
  return std::move(bytes).value();
}

// RFC 9711 §4.1: eat_nonce is 8 to 64 bytes.
absl::StatusOr<Bytes> GetNonce(const Json& json) {
  TWI_ASSIGN_OR_RETURN(Bytes nonce, GetBase64Url(json, "nonce", kMaxNonceSize));
  if (nonce.size() < kMinNonceSize) {
    return Error(Reason::kRequestInvalid, "field \"nonce\" is too short");
  }
  return nonce;
}

}  // namespace

Json ToJson(const Challenge& challenge) {
  return {{"nonce", Base64UrlEncode(challenge.nonce)},
          {"expires_at", absl::ToUnixSeconds(challenge.expires_at)}};
}

absl::StatusOr<Challenge> ChallengeFromJson(const Json& json) {
  Challenge c;
  TWI_ASSIGN_OR_RETURN(c.nonce, GetNonce(json));
  TWI_ASSIGN_OR_RETURN(int64_t expires, GetInt(json, "expires_at"));
  c.expires_at = absl::FromUnixSeconds(expires);
  return c;
}

Json ToJson(const AttestationRequest& request) {
  Json evidence = Json::array();
  for (const auto& item : request.evidence) {
    evidence.push_back(
        {{"tee", item.tee}, {"media_type", item.media_type}, {"data", Base64UrlEncode(item.data)}});
  }
  Json out = {
      {"nonce", Base64UrlEncode(request.nonce)}, {"evidence", evidence}, {"key", request.key}};
  if (!request.csr_pem.empty()) out["csr"] = request.csr_pem;
  if (!request.formats.empty()) out["formats"] = request.formats;
  if (request.purpose != evidence::BindingPurpose::kCredentialKey) {
    out["purpose"] = BindingPurposeName(request.purpose);
  }
  return out;
}

std::string_view BindingPurposeName(evidence::BindingPurpose purpose) {
  return purpose == evidence::BindingPurpose::kEncryptionKey ? "encryption-key" : "credential-key";
}

absl::StatusOr<AttestationRequest> AttestationRequestFromJson(const Json& json) {
  AttestationRequest request;
  TWI_ASSIGN_OR_RETURN(request.nonce, GetNonce(json));
  TWI_ASSIGN_OR_RETURN(const Json* evidence, GetArray(json, "evidence"));
  if (evidence->empty() || evidence->size() > kMaxEvidenceItems) {
    return Error(Reason::kRequestInvalid,
                 absl::StrFormat("\"evidence\" must hold 1 to %d items", kMaxEvidenceItems));
  }
  for (const auto& item : *evidence) {
    evidence::EvidenceItem e;
    TWI_ASSIGN_OR_RETURN(e.tee, GetString(item, "tee"));
    TWI_ASSIGN_OR_RETURN(e.media_type, GetString(item, "media_type"));
    TWI_ASSIGN_OR_RETURN(e.data, GetBase64Url(item, "data", kMaxEvidenceBytes));
    request.evidence.push_back(std::move(e));
  }
  TWI_ASSIGN_OR_RETURN(const Json* key, GetObject(json, "key"));
  request.key = *key;
  if (json.contains("csr")) {
    TWI_ASSIGN_OR_RETURN(request.csr_pem, GetString(json, "csr"));
  }
  if (auto it = json.find("formats"); it != json.end()) {
    if (!it->is_array() || it->size() > 4) {
      return Error(Reason::kRequestInvalid, "\"formats\" must be a short array of strings");
    }
    for (const auto& f : *it) {
      if (!f.is_string()) return Error(Reason::kRequestInvalid, "format must be a string");
      request.formats.push_back(f.get<std::string>());
    }
  }
  if (json.contains("purpose")) {
    TWI_ASSIGN_OR_RETURN(const std::string purpose, GetString(json, "purpose"));
    if (purpose == BindingPurposeName(evidence::BindingPurpose::kEncryptionKey)) {
      request.purpose = evidence::BindingPurpose::kEncryptionKey;
    } else if (purpose != BindingPurposeName(evidence::BindingPurpose::kCredentialKey)) {
      return Error(Reason::kRequestInvalid,
                   "\"purpose\" must be \"credential-key\" or \"encryption-key\"");
    }
  }
  if (request.purpose == evidence::BindingPurpose::kEncryptionKey && !request.csr_pem.empty()) {
    return Error(Reason::kRequestInvalid, "an encryption key is not certified: no \"csr\"");
  }
  return request;
}

Json ToJson(const AttestationResponse& response) {
  Json out = {{"ear", response.ear}};
  if (response.credentials.has_value()) out["credentials"] = issuer::ToJson(*response.credentials);
  return out;
}

// Members in nlohmann's order (sorted), as ToJson's DOM would print.
std::string ToJsonText(const AttestationResponse& response) {
  JsonWriter w;
  w.BeginObject();
  if (response.credentials.has_value()) {
    w.Key("credentials");
    issuer::WriteJson(w, *response.credentials);
  }
  w.Key("ear").String(response.ear).EndObject();
  return w.Take();
}

absl::StatusOr<AttestationResponse> AttestationResponseFromJson(const Json& json) {
  AttestationResponse response;
  TWI_ASSIGN_OR_RETURN(response.ear, GetString(json, "ear"));
  if (auto it = json.find("credentials"); it != json.end()) {
    TWI_ASSIGN_OR_RETURN(response.credentials, issuer::IssuedCredentialsFromJson(*it));
  }
  return response;
}

}  // namespace twi::verifier
