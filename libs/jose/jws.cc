#include "libs/jose/jws.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/jose/strict_json.h"

namespace twi::jose {
namespace {

absl::Status Malformed(std::string_view message) {
  return Error(Reason::kJoseMalformed, absl::StrFormat("JWS: %s", message));
}

absl::StatusOr<Bytes> DecodePart(std::string_view text, std::string_view part) {
  // core's decoder rejects padding, whitespace, the base64 alphabet and non-canonical trailing
  // bits, so each part has exactly one accepted spelling (RFC 7515 §2, §7.1).
  absl::StatusOr<Bytes> bytes = Base64UrlDecode(text);
  if (!bytes.ok()) return Malformed(absl::StrFormat("%s is not canonical base64url", part));
  return *std::move(bytes);
}

absl::StatusOr<std::optional<std::string>> OptionalHeaderString(const Json& header,
                                                                std::string_view name) {
  auto it = header.find(name);
  if (it == header.end()) return std::nullopt;
  if (!it->is_string()) return Malformed(absl::StrFormat("header \"%s\" is not a string", name));
  return it->get<std::string>();
}

struct HeaderFields {
  Algorithm alg;
  std::optional<std::string> kid;
  std::optional<std::string> typ;
};

// The header rules shared by parsing and signing, so twi never produces a JWS it would refuse.
absl::StatusOr<HeaderFields> ReadHeader(const Json& header) {
  // RFC 7515 §4.1.1: "alg" is required.
  auto alg = header.find("alg");
  if (alg == header.end()) return Malformed("header has no \"alg\"");
  if (!alg->is_string()) return Malformed("header \"alg\" is not a string");
  HeaderFields fields;
  TWI_ASSIGN_OR_RETURN(fields.alg, AlgorithmFromName(alg->get_ref<const std::string&>()));
  // RFC 7515 §4.1.11: a recipient must reject extensions it does not understand; twi
  // understands none, so any "crit" is refused.
  if (header.contains("crit")) return Malformed("critical header extensions are not supported");
  // RFC 7797 §3: b64=false changes what is signed; only the default (true) is supported.
  if (auto b64 = header.find("b64"); b64 != header.end() && *b64 != Json(true)) {
    return Malformed("unencoded payloads (\"b64\") are not supported");
  }
  TWI_ASSIGN_OR_RETURN(fields.kid, OptionalHeaderString(header, "kid"));
  TWI_ASSIGN_OR_RETURN(fields.typ, OptionalHeaderString(header, "typ"));
  return fields;
}

absl::Status CheckAllowed(Algorithm alg, const std::vector<Algorithm>& allowed) {
  // RFC 8725 §3.1: the caller, not the token, decides which algorithms are acceptable.
  if (std::find(allowed.begin(), allowed.end(), alg) == allowed.end()) {
    return Error(Reason::kJoseAlgorithmNotAllowed,
                 absl::StrFormat("JWS algorithm %s is not allowed here", AlgorithmName(alg)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ParsedJws> ParseCompact(std::string_view compact) {
  if (compact.size() > kMaxCompactJwsSize) {
    return Malformed(absl::StrFormat("longer than %d bytes", kMaxCompactJwsSize));
  }
  // RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).
  const size_t first = compact.find('.');
  const size_t second =
      first == std::string_view::npos ? std::string_view::npos : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) {
    return Malformed("compact serialization must have exactly three parts");
  }
  const std::string_view header_text = compact.substr(0, first);
  if (header_text.empty()) return Malformed("empty header");

  ParsedJws jws;
  TWI_ASSIGN_OR_RETURN(Bytes header_bytes, DecodePart(header_text, "header"));
  TWI_ASSIGN_OR_RETURN(jws.payload,
                       DecodePart(compact.substr(first + 1, second - first - 1), "payload"));
  TWI_ASSIGN_OR_RETURN(jws.signature, DecodePart(compact.substr(second + 1), "signature"));
  TWI_ASSIGN_OR_RETURN(jws.header,
                       internal::ParseStrictObject(AsString(header_bytes), "JWS header"));
  TWI_ASSIGN_OR_RETURN(HeaderFields fields, ReadHeader(jws.header));
  jws.alg = fields.alg;
  jws.kid = std::move(fields.kid);
  jws.typ = std::move(fields.typ);
  jws.signing_input = std::string(compact.substr(0, second));
  return jws;
}

absl::Status VerifyParsed(const ParsedJws& jws, const crypto::PublicKey& key,
                          const std::vector<Algorithm>& allowed) {
  TWI_RETURN_IF_ERROR(CheckAllowed(jws.alg, allowed));
  if (!KeyFitsAlgorithm(key, jws.alg)) {
    return Error(Reason::kJoseAlgorithmNotAllowed,
                 absl::StrFormat("JWS algorithm %s does not fit a %s key", AlgorithmName(jws.alg),
                                 crypto::KeyTypeName(key.type())));
  }
  // RFC 7515 §5.2 step 8.
  return crypto::VerifySignature(key, ToSignatureAlgorithm(jws.alg), AsBytes(jws.signing_input),
                                 jws.signature);
}

absl::StatusOr<ParsedJws> VerifyCompact(std::string_view compact, const Jwks& keys,
                                        const std::vector<Algorithm>& allowed) {
  TWI_ASSIGN_OR_RETURN(ParsedJws jws, ParseCompact(compact));
  TWI_RETURN_IF_ERROR(CheckAllowed(jws.alg, allowed));
  // Built only when needed: a Status with a reason payload costs allocations on the happy path.
  absl::Status result;
  for (const Jwk* jwk : keys.Candidates(jws.kid)) {
    if (!KeyFitsAlgorithm(jwk->key(), jws.alg)) continue;
    // RFC 7517 §4.4: a key published for one algorithm is not used with another.
    if (jwk->alg().has_value() && *jwk->alg() != jws.alg) continue;
    // RFC 7517 §4.2: an encryption key is not a signature key.
    if (jwk->use() == "enc") continue;
    result = VerifyParsed(jws, jwk->key(), allowed);
    if (result.ok()) return jws;
  }
  if (!result.ok()) return result;
  return Error(Reason::kJoseKeyNotFound, jws.kid.has_value()
                                             ? "no usable key with the JWS \"kid\""
                                             : "no usable key for the JWS algorithm");
}

absl::StatusOr<std::string> SignCompact(Json header, ByteView payload,
                                        const crypto::Signer& signer) {
  if (!header.is_object()) return Error(Reason::kInvalidArgument, "JWS header must be an object");
  if (header.contains("alg")) {
    return Error(Reason::kInvalidArgument, "JWS header \"alg\" is set from the signer");
  }
  TWI_ASSIGN_OR_RETURN(Algorithm alg, FromSignatureAlgorithm(signer.algorithm()));
  header["alg"] = std::string(AlgorithmName(alg));
  if (absl::StatusOr<HeaderFields> fields = ReadHeader(header); !fields.ok()) {
    return Error(Reason::kInvalidArgument, std::string(fields.status().message()));
  }
  std::string out = Base64UrlEncode(AsBytes(DumpJson(header)));
  out += '.';
  out += Base64UrlEncode(payload);
  if (out.size() >= kMaxCompactJwsSize) {
    return Error(Reason::kInvalidArgument, "JWS would exceed the maximum size");
  }
  TWI_ASSIGN_OR_RETURN(Bytes signature, signer.Sign(AsBytes(out)));
  out += '.';
  out += Base64UrlEncode(signature);
  if (out.size() > kMaxCompactJwsSize) {
    return Error(Reason::kInvalidArgument, "JWS would exceed the maximum size");
  }
  return out;
}

}  // namespace twi::jose
