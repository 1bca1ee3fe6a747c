#include "libs/provenance/dsse.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/json_writer.h"
#include "libs/core/status.h"
#include "libs/provenance/document_internal.h"

namespace twi::provenance {
namespace {

bool IsEcdsa(crypto::SignatureAlgorithm algorithm) {
  return algorithm == crypto::SignatureAlgorithm::kEcdsaP256Sha256 ||
         algorithm == crypto::SignatureAlgorithm::kEcdsaP384Sha384;
}

absl::Status Malformed(std::string_view what) {
  return Error(Reason::kDsseMalformed, absl::StrFormat("DSSE envelope: %s", what));
}

// Re-tags a core JSON accessor's error (kRequestInvalid) as a malformed envelope.
absl::Status AsMalformed(const absl::Status& status, std::string_view where) {
  return Malformed(absl::StrFormat("%s%s", where, status.message()));
}

absl::StatusOr<Bytes> DecodeMember(const Json& object, std::string_view member,
                                   std::string_view where) {
  absl::StatusOr<std::string> text = GetString(object, member);
  if (!text.ok()) return AsMalformed(text.status(), where);
  absl::StatusOr<Bytes> decoded = DecodeDsseBase64(*text);
  if (!decoded.ok()) {
    return Malformed(
        absl::StrFormat("%s\"%s\" is not base64: %s", where, member, decoded.status().message()));
  }
  return decoded;
}

// One signature as ECDSA verification wants it: r||s, whatever the envelope held. DER must be
// canonical (re-encoding gives the same bytes), so one signature has one accepted encoding per
// form.
std::vector<Bytes> EcdsaCandidates(ByteView sig, size_t coordinate_size) {
  std::vector<Bytes> out;
  if (sig.size() == 2 * coordinate_size) out.emplace_back(sig.begin(), sig.end());
  absl::StatusOr<Bytes> raw = crypto::EcdsaDerToRaw(sig, coordinate_size);
  if (raw.ok()) {
    absl::StatusOr<Bytes> der = crypto::EcdsaRawToDer(*raw);
    if (der.ok() && ByteView(*der) == sig) out.push_back(*std::move(raw));
  }
  return out;
}

}  // namespace

std::string Pae(std::string_view payload_type, ByteView payload) {
  std::string out =
      absl::StrFormat("DSSEv1 %d %s %d ", payload_type.size(), payload_type, payload.size());
  out.append(AsString(payload));
  return out;
}

absl::StatusOr<DsseEnvelope> SignDsse(std::string_view payload_type, ByteView payload,
                                      const crypto::Signer& signer, std::string_view keyid) {
  if (payload_type.empty()) return Error(Reason::kInvalidArgument, "DSSE payload type is empty");
  const std::string pae = Pae(payload_type, payload);
  TWI_ASSIGN_OR_RETURN(Bytes sig, signer.Sign(AsBytes(pae)));
  if (IsEcdsa(signer.algorithm())) {
    TWI_ASSIGN_OR_RETURN(sig, crypto::EcdsaRawToDer(sig));
  }
  DsseEnvelope envelope{.payload_type = std::string(payload_type),
                        .payload = Bytes(payload.begin(), payload.end()),
                        .signatures = {}};
  envelope.signatures.push_back({.keyid = std::string(keyid), .sig = std::move(sig)});
  return envelope;
}

std::string EncodeDsse(const DsseEnvelope& envelope) {
  JsonWriter out;
  out.BeginObject()
      .Key("payload")
      .String(Base64Encode(envelope.payload))
      .Key("payloadType")
      .String(envelope.payload_type)
      .Key("signatures")
      .BeginArray();
  for (const DsseSignature& signature : envelope.signatures) {
    out.BeginObject();
    if (!signature.keyid.empty()) out.Key("keyid").String(signature.keyid);
    out.Key("sig").String(Base64Encode(signature.sig)).EndObject();
  }
  out.EndArray().EndObject();
  return out.Take();
}

absl::StatusOr<DsseEnvelope> ParseDsse(std::string_view json) {
  if (json.size() > kMaxDsseSize) {
    return Error(Reason::kBodyTooLarge,
                 absl::StrFormat("DSSE envelope is larger than %d bytes", kMaxDsseSize));
  }
  absl::StatusOr<Json> parsed = internal::ParseDocumentJson(json);
  if (!parsed.ok()) return Malformed(std::string(parsed.status().message()));
  return ParseDsseJson(*parsed);
}

absl::StatusOr<DsseEnvelope> ParseDsseJson(const Json& json) {
  if (!json.is_object()) return Malformed("not a JSON object");
  DsseEnvelope envelope;
  // envelope.md "Parsing rules": payload, payloadType, signatures and sig are required.
  TWI_ASSIGN_OR_RETURN(envelope.payload, DecodeMember(json, "payload", ""));
  absl::StatusOr<std::string> payload_type = GetString(json, "payloadType");
  if (!payload_type.ok()) return AsMalformed(payload_type.status(), "");
  envelope.payload_type = *std::move(payload_type);
  absl::StatusOr<const Json*> signatures = GetArray(json, "signatures");
  if (!signatures.ok()) return AsMalformed(signatures.status(), "");
  if ((*signatures)->empty()) return Malformed("\"signatures\" is empty");
  for (size_t i = 0; i < (*signatures)->size(); ++i) {
    const Json& entry = (**signatures)[i];
    const std::string where = absl::StrFormat("signatures[%d]: ", i);
    if (!entry.is_object()) return Malformed(where + "not an object");
    DsseSignature signature;
    TWI_ASSIGN_OR_RETURN(signature.sig, DecodeMember(entry, "sig", where));
    if (entry.contains("keyid")) {
      absl::StatusOr<std::string> keyid = GetString(entry, "keyid");
      if (!keyid.ok()) return AsMalformed(keyid.status(), where);
      signature.keyid = *std::move(keyid);
    }
    envelope.signatures.push_back(std::move(signature));
  }
  return envelope;
}

absl::Status VerifyDsse(const DsseEnvelope& envelope, const crypto::PublicKey& key,
                        crypto::SignatureAlgorithm algorithm) {
  if (crypto::SignatureKeyType(algorithm) != key.type()) {
    return Error(Reason::kUnsupportedAlgorithm,
                 absl::StrFormat("a %s key cannot verify this signature algorithm",
                                 crypto::KeyTypeName(key.type())));
  }
  const std::string pae = Pae(envelope.payload_type, envelope.payload);
  const size_t coordinate_size = crypto::EcCoordinateSize(key.type());
  // protocol.md "To verify": any one signature that verifies under the key is enough; the others
  // may be by keys this caller does not know.
  for (const DsseSignature& signature : envelope.signatures) {
    std::vector<Bytes> candidates;
    if (IsEcdsa(algorithm)) {
      candidates = EcdsaCandidates(signature.sig, coordinate_size);
    } else {
      candidates.push_back(signature.sig);
    }
    for (const Bytes& candidate : candidates) {
      const absl::Status status = crypto::VerifySignature(key, algorithm, AsBytes(pae), candidate);
      if (status.ok()) return absl::OkStatus();
      if (GetReason(status) != Reason::kSignatureInvalid) return status;
    }
  }
  return Error(Reason::kDsseSignatureInvalid, "no DSSE signature verifies under the given key");
}

absl::StatusOr<Bytes> DecodeDsseBase64(std::string_view text) {
  // RFC 4648 §3.2: padding, if present, completes the last group of four.
  std::string_view body = text;
  size_t padding = 0;
  while (!body.empty() && body.back() == '=') {
    body.remove_suffix(1);
    ++padding;
  }
  if (padding > 0 && (padding > 2 || text.size() % 4 != 0)) {
    return Error(Reason::kEncodingInvalid, "base64: wrong padding");
  }
  const bool standard = body.find_first_of("+/") != std::string_view::npos;
  const bool url_safe = body.find_first_of("-_") != std::string_view::npos;
  if (standard && url_safe) {
    return Error(Reason::kEncodingInvalid, "base64: standard and URL-safe alphabets mixed");
  }
  if (!standard) return Base64UrlDecode(body);
  std::string url(body);
  for (char& c : url) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return Base64UrlDecode(url);
}

}  // namespace twi::provenance
