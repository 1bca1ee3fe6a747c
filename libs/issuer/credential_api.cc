#include "libs/issuer/credential_api.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::issuer {
namespace {

constexpr size_t kMaxEarSize = 64 * 1024;
constexpr size_t kMaxCsrSize = 16 * 1024;
constexpr size_t kMaxFormats = 4;

absl::StatusOr<std::string> BoundedString(const Json& json, std::string_view field, size_t max) {
  TWI_ASSIGN_OR_RETURN(std::string value, GetString(json, field));
  if (value.size() > max) {
    return Error(Reason::kRequestInvalid, absl::StrFormat("field \"%s\" is too large", field));
  }
  return value;
}

std::string OptionalString(const Json& json, std::string_view field) {
  auto it = json.find(field);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

absl::Time OptionalTime(const Json& json, std::string_view field) {
  auto it = json.find(field);
  return it != json.end() && it->is_number_integer() ? absl::FromUnixSeconds(it->get<int64_t>())
                                                     : absl::InfinitePast();
}

}  // namespace

Json ToJson(const CredentialRequest& request) {
  return {{"ear", request.ear},
          {"csr", request.csr_pem},
          {"formats", request.formats},
          {"mechanism", request.mechanism}};
}

absl::StatusOr<CredentialRequest> CredentialRequestFromJson(const Json& json) {
  CredentialRequest request;
  TWI_ASSIGN_OR_RETURN(request.ear, BoundedString(json, "ear", kMaxEarSize));
  TWI_ASSIGN_OR_RETURN(request.csr_pem, BoundedString(json, "csr", kMaxCsrSize));
  if (auto it = json.find("formats"); it != json.end()) {
    if (!it->is_array() || it->size() > kMaxFormats) {
      return Error(Reason::kRequestInvalid, "\"formats\" must be a short array of strings");
    }
    for (const auto& f : *it) {
      if (!f.is_string()) return Error(Reason::kRequestInvalid, "format must be a string");
      request.formats.push_back(f.get<std::string>());
    }
  }
  if (auto it = json.find("mechanism"); it != json.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > 8) {
      return Error(Reason::kRequestInvalid, "\"mechanism\" must be a short string");
    }
    request.mechanism = it->get<std::string>();
  }
  return request;
}

Json ToJson(const IssuedCredentials& c) {
  Json out = {{"spiffe_id", c.spiffe_id},
              {"bundle_pem", c.bundle->pem()},
              {"bundle_jwks", c.bundle->jwks()},
              {"ear_digest", c.ear_digest}};
  if (!c.x509_svid_pem.empty()) {
    out["x509_svid"] = {{"chain_pem", c.x509_svid_pem},
                        {"serial", c.x509_serial},
                        {"not_after", absl::ToUnixSeconds(c.x509_not_after)}};
  }
  if (!c.wit.empty()) {
    out["wit"] = {
        {"token", c.wit}, {"jti", c.wit_jti}, {"exp", absl::ToUnixSeconds(c.wit_expires_at)}};
  }
  return out;
}

// Members in nlohmann's order (sorted), so that the text equals DumpJson(ToJson(c)).
void WriteJson(JsonWriter& w, const IssuedCredentials& c) {
  w.BeginObject()
      .Key("bundle_jwks")
      .Raw(c.bundle->jwks_json())
      .Key("bundle_pem")
      .Raw(c.bundle->pem_json())
      .Key("ear_digest")
      .String(c.ear_digest)
      .Key("spiffe_id")
      .String(c.spiffe_id);
  if (!c.wit.empty()) {
    w.Key("wit")
        .BeginObject()
        .Key("exp")
        .Int(absl::ToUnixSeconds(c.wit_expires_at))
        .Key("jti")
        .String(c.wit_jti)
        .Key("token")
        .String(c.wit)
        .EndObject();
  }
  if (!c.x509_svid_pem.empty()) {
    w.Key("x509_svid")
        .BeginObject()
        .Key("chain_pem")
        .String(c.x509_svid_pem)
        .Key("not_after")
        .Int(absl::ToUnixSeconds(c.x509_not_after))
        .Key("serial")
        .String(c.x509_serial)
        .EndObject();
  }
  w.EndObject();
}

std::string ToJsonText(const IssuedCredentials& c) {
  JsonWriter w;
  WriteJson(w, c);
  return w.Take();
}

absl::StatusOr<IssuedCredentials> IssuedCredentialsFromJson(const Json& json) {
  IssuedCredentials c;
  TWI_ASSIGN_OR_RETURN(c.spiffe_id, GetString(json, "spiffe_id"));
  TWI_ASSIGN_OR_RETURN(std::string bundle_pem, GetString(json, "bundle_pem"));
  TWI_ASSIGN_OR_RETURN(const Json* jwks, GetObject(json, "bundle_jwks"));
  c.bundle = EncodedBundle::Create(std::move(bundle_pem), *jwks);
  c.ear_digest = OptionalString(json, "ear_digest");
  if (auto it = json.find("x509_svid"); it != json.end()) {
    TWI_ASSIGN_OR_RETURN(c.x509_svid_pem, GetString(*it, "chain_pem"));
    c.x509_serial = OptionalString(*it, "serial");
    c.x509_not_after = OptionalTime(*it, "not_after");
  }
  if (auto it = json.find("wit"); it != json.end()) {
    TWI_ASSIGN_OR_RETURN(c.wit, GetString(*it, "token"));
    c.wit_jti = OptionalString(*it, "jti");
    c.wit_expires_at = OptionalTime(*it, "exp");
  }
  if (c.x509_svid_pem.empty() && c.wit.empty()) {
    return Error(Reason::kRequestInvalid, "response carries no credential");
  }
  return c;
}

}  // namespace twi::issuer
