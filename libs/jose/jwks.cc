#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/jose/jwk.h"
#include "libs/jose/strict_json.h"

namespace twi::jose {

absl::StatusOr<Jwks> Jwks::FromJson(const Json& json) {
  if (!json.is_object()) return Error(Reason::kJoseMalformed, "JWK Set is not a JSON object");
  // RFC 7517 §5.1: "keys" is required.
  auto keys = json.find("keys");
  if (keys == json.end() || !keys->is_array()) {
    return Error(Reason::kJoseMalformed, "JWK Set has no \"keys\" array");
  }
  Jwks set;
  for (size_t i = 0; i < keys->size(); ++i) {
    absl::StatusOr<Jwk> key = Jwk::FromJson((*keys)[i]);
    if (key.ok()) {
      set.keys_.push_back(*std::move(key));
    } else if (GetReason(key.status()) != Reason::kUnsupportedAlgorithm) {
      // RFC 7517 §5: keys we do not understand are ignored; broken ones fail the whole set.
      return Error(Reason::kJoseMalformed,
                   absl::StrFormat("JWK Set key %d: %s", i, key.status().message()));
    }
  }
  for (const auto& [name, value] : json.items()) {
    if (name != "keys") set.extra_[name] = value;
  }
  return set;
}

absl::StatusOr<Jwks> Jwks::Parse(std::string_view text) {
  if (text.size() > kMaxJwksSize) {
    return Error(Reason::kJoseMalformed,
                 absl::StrFormat("JWK Set larger than %d bytes", kMaxJwksSize));
  }
  TWI_ASSIGN_OR_RETURN(Json json, internal::ParseStrictObject(text, "JWK Set"));
  return FromJson(json);
}

void Jwks::Add(Jwk key) { keys_.push_back(std::move(key)); }

Json Jwks::ToJson() const {
  Json json = extra_;
  Json keys = Json::array();
  for (const Jwk& key : keys_) keys.push_back(key.ToJson());
  json["keys"] = std::move(keys);
  return json;
}

std::vector<const Jwk*> Jwks::Candidates(const std::optional<std::string>& kid) const {
  std::vector<const Jwk*> out;
  for (const Jwk& key : keys_) {
    if (!kid.has_value() || key.kid() == kid) out.push_back(&key);
  }
  return out;
}

}  // namespace twi::jose
