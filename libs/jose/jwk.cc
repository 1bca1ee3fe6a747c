#include "libs/jose/jwk.h"

#include <array>
#include <cassert>
#include <cstdlib>

#include "absl/strings/str_format.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"

namespace twi::jose {
namespace {

using crypto::KeyType;
using crypto::PublicKey;

// RFC 7518 §6.2.2, §6.3.2 and §6.4 (oct) members; RFC 8037 §2 reuses "d". Their presence means
// the JWK is a private or secret key, which never belongs in a place we read public keys from.
constexpr std::array<std::string_view, 8> kPrivateMembers = {"d",  "p",  "q",   "dp",
                                                             "dq", "qi", "oth", "k"};

absl::Status Malformed(std::string_view message) {
  return Error(Reason::kJoseMalformed, absl::StrFormat("JWK: %s", message));
}

absl::StatusOr<std::string> RequiredString(const Json& json, std::string_view name) {
  auto it = json.find(name);
  if (it == json.end()) return Malformed(absl::StrFormat("missing \"%s\"", name));
  if (!it->is_string()) return Malformed(absl::StrFormat("\"%s\" is not a string", name));
  return it->get<std::string>();
}

absl::StatusOr<std::optional<std::string>> OptionalString(const Json& json, std::string_view name) {
  if (!json.contains(name)) return std::nullopt;
  TWI_ASSIGN_OR_RETURN(std::string value, RequiredString(json, name));
  return value;
}

absl::StatusOr<Bytes> RequiredBase64Url(const Json& json, std::string_view name) {
  TWI_ASSIGN_OR_RETURN(std::string text, RequiredString(json, name));
  absl::StatusOr<Bytes> bytes = Base64UrlDecode(text);
  if (!bytes.ok()) return Malformed(absl::StrFormat("\"%s\" is not base64url", name));
  return *std::move(bytes);
}

absl::Status Unsupported(std::string_view message) {
  return Error(Reason::kUnsupportedAlgorithm, absl::StrFormat("JWK: %s", message));
}

absl::StatusOr<PublicKey> ParseEc(const Json& json) {
  TWI_ASSIGN_OR_RETURN(std::string crv, RequiredString(json, "crv"));
  KeyType type;
  if (crv == "P-256") {
    type = KeyType::kEcP256;
  } else if (crv == "P-384") {
    type = KeyType::kEcP384;
  } else {
    return Unsupported(absl::StrFormat("EC curve \"%s\" is not supported", crv.substr(0, 32)));
  }
  TWI_ASSIGN_OR_RETURN(Bytes x, RequiredBase64Url(json, "x"));
  TWI_ASSIGN_OR_RETURN(Bytes y, RequiredBase64Url(json, "y"));
  // RFC 7518 §6.2.1.2-3: coordinates are the full size of the field, leading zeros included.
  const size_t size = crypto::EcCoordinateSize(type);
  if (x.size() != size || y.size() != size) {
    return Malformed(absl::StrFormat("%s coordinates must be %d bytes", crv, size));
  }
  return PublicKey::FromEcCoordinates(type, x, y);
}

absl::StatusOr<PublicKey> ParseOkp(const Json& json) {
  TWI_ASSIGN_OR_RETURN(std::string crv, RequiredString(json, "crv"));
  // RFC 8037 §2 also defines Ed448, X25519 and X448; twi signs with none of them.
  if (crv != "Ed25519") {
    return Unsupported(absl::StrFormat("OKP curve \"%s\" is not supported", crv.substr(0, 32)));
  }
  TWI_ASSIGN_OR_RETURN(Bytes x, RequiredBase64Url(json, "x"));
  if (x.size() != 32) return Malformed("Ed25519 \"x\" must be 32 bytes");
  return PublicKey::FromEd25519(x);
}

absl::StatusOr<PublicKey> ParseRsa(const Json& json) {
  TWI_ASSIGN_OR_RETURN(Bytes n, RequiredBase64Url(json, "n"));
  TWI_ASSIGN_OR_RETURN(Bytes e, RequiredBase64Url(json, "e"));
  // RFC 7518 §6.3.1.1-2 (minimal octets) and the 2048-bit floor are enforced by libs/crypto.
  return PublicKey::FromRsa(n, e);
}

absl::StatusOr<PublicKey> ParseKey(const Json& json) {
  TWI_ASSIGN_OR_RETURN(std::string kty, RequiredString(json, "kty"));
  if (kty == "EC") return ParseEc(json);
  if (kty == "OKP") return ParseOkp(json);
  if (kty == "RSA") return ParseRsa(json);
  if (kty == "oct") return Malformed("symmetric (\"oct\") keys are not accepted");
  return Unsupported(absl::StrFormat("key type \"%s\" is not supported", kty.substr(0, 32)));
}

// RFC 7638 §3.2: exactly the required members of each key type.
absl::StatusOr<Json> RequiredMembers(const PublicKey& key) {
  switch (key.type()) {
    case KeyType::kEcP256:
    case KeyType::kEcP384: {
      TWI_ASSIGN_OR_RETURN(PublicKey::EcPoint point, key.EcCoordinates());
      return Json{{"kty", "EC"},
                  {"crv", key.type() == KeyType::kEcP256 ? "P-256" : "P-384"},
                  {"x", Base64UrlEncode(point.x)},
                  {"y", Base64UrlEncode(point.y)}};
    }
    case KeyType::kEd25519: {
      TWI_ASSIGN_OR_RETURN(Bytes raw, key.Ed25519Raw());
      return Json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(raw)}};
    }
    case KeyType::kRsa: {
      TWI_ASSIGN_OR_RETURN(PublicKey::RsaParams params, key.Rsa());
      return Json{
          {"kty", "RSA"}, {"n", Base64UrlEncode(params.n)}, {"e", Base64UrlEncode(params.e)}};
    }
  }
  return Error(Reason::kInternal, "unknown key type");
}

// RFC 7517 §4.7: a non-empty array of base64 (not base64url) DER certificates.
absl::StatusOr<std::vector<std::string>> ParseX5c(const Json& value) {
  if (!value.is_array() || value.empty()) return Malformed("\"x5c\" is not a non-empty array");
  std::vector<std::string> chain;
  for (const Json& cert : value) {
    if (!cert.is_string()) return Malformed("\"x5c\" entry is not a string");
    const std::string& text = cert.get_ref<const std::string&>();
    absl::StatusOr<Bytes> der = Base64Decode(text);
    if (!der.ok() || der->empty()) return Malformed("\"x5c\" entry is not base64");
    chain.push_back(text);
  }
  return chain;
}

}  // namespace

absl::StatusOr<Jwk> Jwk::FromJson(const Json& json) {
  if (!json.is_object()) return Malformed("not a JSON object");
  for (std::string_view name : kPrivateMembers) {
    if (json.contains(name)) {
      return Malformed(absl::StrFormat("contains private key member \"%s\"", name));
    }
  }
  TWI_ASSIGN_OR_RETURN(PublicKey key, ParseKey(json));
  TWI_ASSIGN_OR_RETURN(Json required, RequiredMembers(key));
  Jwk jwk(std::move(key), std::move(required));

  TWI_ASSIGN_OR_RETURN(jwk.kid_, OptionalString(json, "kid"));
  TWI_ASSIGN_OR_RETURN(jwk.use_, OptionalString(json, "use"));
  TWI_ASSIGN_OR_RETURN(std::optional<std::string> alg_name, OptionalString(json, "alg"));
  if (alg_name.has_value()) {
    absl::StatusOr<Algorithm> alg = AlgorithmFromName(*alg_name);
    if (!alg.ok()) {
      return Unsupported(
          absl::StrFormat("\"alg\" \"%s\" is not supported", alg_name->substr(0, 32)));
    }
    // RFC 7517 §4.4: "alg" names the algorithm intended for use with the key.
    if (!KeyFitsAlgorithm(jwk.key_, *alg)) {
      return Malformed(absl::StrFormat("\"alg\" %s does not fit the key type", *alg_name));
    }
    jwk.alg_ = *alg;
  }
  if (auto it = json.find("x5c"); it != json.end()) {
    TWI_ASSIGN_OR_RETURN(jwk.x5c_, ParseX5c(*it));
  }
  return jwk;
}

Jwk Jwk::FromPublicKey(crypto::PublicKey key) {
  absl::StatusOr<Json> required = RequiredMembers(key);
  // Reading back the parameters of a key we hold fails only if OpenSSL itself is broken.
  if (!required.ok()) abort();
  return Jwk(std::move(key), *std::move(required));
}

Jwk& Jwk::set_kid(std::string kid) {
  kid_ = std::move(kid);
  return *this;
}

Jwk& Jwk::set_alg(Algorithm alg) {
  assert(KeyFitsAlgorithm(key_, alg));
  alg_ = alg;
  return *this;
}

Jwk& Jwk::set_use(std::string use) {
  use_ = std::move(use);
  return *this;
}

Jwk& Jwk::set_x5c(std::vector<std::string> x5c) {
  x5c_ = std::move(x5c);
  return *this;
}

Json Jwk::ToJson() const {
  Json json = required_;
  if (kid_.has_value()) json["kid"] = *kid_;
  if (alg_.has_value()) json["alg"] = std::string(AlgorithmName(*alg_));
  if (use_.has_value()) json["use"] = *use_;
  if (!x5c_.empty()) json["x5c"] = x5c_;
  return json;
}

std::string Jwk::Thumbprint() const {
  // RFC 7638 §3.3: nlohmann's default object is ordered by member name and dump() emits no
  // whitespace; all values are base64url or fixed ASCII, so no escaping can differ.
  return Base64UrlEncode(crypto::Sha256(AsBytes(DumpJson(required_))));
}

}  // namespace twi::jose
