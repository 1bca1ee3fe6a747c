#include "libs/jose/jwe.h"

#include <array>
#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/aes.h"
#include "libs/crypto/ecdh.h"
#include "libs/crypto/random.h"
#include "libs/crypto/rsa_oaep.h"
#include "libs/jose/jwk.h"
#include "libs/jose/strict_json.h"

namespace twi::jose {
namespace {

using crypto::KeyType;

constexpr std::string_view kEcdhEsA256KwName = "ECDH-ES+A256KW";
constexpr std::string_view kRsaOaep256Name = "RSA-OAEP-256";
constexpr std::string_view kA256Gcm = "A256GCM";
// RFC 7518 §5.3: A256GCM takes a 256-bit CEK; §4.6.2: for ECDH-ES+A256KW the KDF's keydatalen
// is the 256 bits of the A256KW key.
constexpr size_t kCekSize = crypto::kAes256KeySize;
constexpr size_t kKekBits = 256;
constexpr size_t kPartCount = 5;
constexpr char kDecryptionFailed[] = "JWE: decryption failed";

absl::Status Malformed(std::string_view message) {
  return Error(Reason::kJoseMalformed, absl::StrFormat("JWE: %s", message));
}

absl::Status NotAllowed(std::string_view message) {
  return Error(Reason::kJoseAlgorithmNotAllowed, absl::StrFormat("JWE: %s", message));
}

bool IsEc(KeyType type) { return type == KeyType::kEcP256 || type == KeyType::kEcP384; }

// The "alg" twi uses for a recipient key; kKeyInvalid for keys no JWE algorithm here fits.
absl::StatusOr<JweAlgorithm> AlgorithmForKey(KeyType type) {
  if (IsEc(type)) return JweAlgorithm::kEcdhEsA256Kw;
  if (type == KeyType::kRsa) return JweAlgorithm::kRsaOaep256;
  return Error(Reason::kKeyInvalid, absl::StrFormat("JWE: no key management algorithm for a %s key",
                                                    crypto::KeyTypeName(type)));
}

// A header member that must be a string if present; `out` keeps nullopt when it is absent.
absl::Status ReadOptionalString(const Json& header, std::string_view name,
                                std::optional<std::string>* out) {
  const auto it = header.find(name);
  if (it == header.end()) return absl::OkStatus();
  if (!it->is_string()) return Malformed(absl::StrFormat("header \"%s\" is not a string", name));
  *out = it->get<std::string>();
  return absl::OkStatus();
}

// RFC 7518 §4.6.1.2-3: "apu" and "apv" are base64url; absent means empty (§4.6.2).
absl::StatusOr<Bytes> ReadPartyInfo(const Json& header, std::string_view name) {
  std::optional<std::string> text;
  TWI_RETURN_IF_ERROR(ReadOptionalString(header, name, &text));
  if (!text.has_value()) return Bytes();
  absl::StatusOr<Bytes> bytes = Base64UrlDecode(*text);
  if (!bytes.ok()) return Malformed(absl::StrFormat("header \"%s\" is not base64url", name));
  return *std::move(bytes);
}

// RFC 7518 §4.6.1.1: "epk" is the sender's ephemeral public key as a JWK; it must be on the
// curve of the recipient's key (§4.6: both keys of one ECDH computation share the curve).
absl::StatusOr<crypto::PublicKey> ReadEphemeralKey(const Json& header, KeyType recipient) {
  const auto it = header.find("epk");
  if (it == header.end()) return Malformed("ECDH-ES+A256KW header has no \"epk\"");
  absl::StatusOr<Jwk> epk = Jwk::FromJson(*it);
  if (!epk.ok()) {
    if (GetReason(epk.status()) == Reason::kJoseMalformed) {
      return Malformed(absl::StrFormat("\"epk\": %s", epk.status().message()));
    }
    // A point off the curve, an unknown curve or key type: not a key this ECDH can use.
    return Error(Reason::kKeyInvalid, absl::StrFormat("JWE: \"epk\": %s", epk.status().message()));
  }
  if (epk->key().type() != recipient) {
    return Error(
        Reason::kKeyInvalid,
        absl::StrFormat("JWE: \"epk\" is a %s key, the recipient's a %s key",
                        crypto::KeyTypeName(epk->key().type()), crypto::KeyTypeName(recipient)));
  }
  return epk->key();
}

struct Header {
  JweAlgorithm alg;
  JweHeaderFields fields;
  std::optional<crypto::PublicKey> epk;  // ECDH-ES+A256KW only
  Bytes apu;
  Bytes apv;
};

// RFC 7516 §5.2 steps 4-5 for one recipient whose key type is `recipient`.
absl::StatusOr<Header> ReadHeader(const Json& header, KeyType recipient) {
  // RFC 7516 §4.1.1-2: "alg" and "enc" are required.
  const auto alg = header.find("alg");
  const auto enc = header.find("enc");
  if (alg == header.end() || !alg->is_string()) return Malformed("header has no string \"alg\"");
  if (enc == header.end() || !enc->is_string()) return Malformed("header has no string \"enc\"");
  Header out;
  const std::string& alg_name = alg->get_ref<const std::string&>();
  if (alg_name == kEcdhEsA256KwName) {
    out.alg = JweAlgorithm::kEcdhEsA256Kw;
  } else if (alg_name == kRsaOaep256Name) {
    out.alg = JweAlgorithm::kRsaOaep256;
  } else {
    return NotAllowed(absl::StrFormat("algorithm \"%s\" is not allowed", alg_name.substr(0, 32)));
  }
  const std::string& enc_name = enc->get_ref<const std::string&>();
  if (enc_name != kA256Gcm) {
    return NotAllowed(
        absl::StrFormat("content encryption \"%s\" is not allowed", enc_name.substr(0, 32)));
  }
  // RFC 7516 §4.1.3: "zip" compresses before encrypting, so a ciphertext's length tells about
  // its content; twi neither sends nor accepts it.
  if (header.contains("zip")) return NotAllowed("compression (\"zip\") is not supported");
  // RFC 7516 §4.1.13: extensions the recipient does not understand must be refused; twi
  // understands none.
  if (header.contains("crit")) return NotAllowed("critical header extensions are not supported");
  TWI_RETURN_IF_ERROR(ReadOptionalString(header, "kid", &out.fields.kid));
  TWI_RETURN_IF_ERROR(ReadOptionalString(header, "cty", &out.fields.cty));
  TWI_RETURN_IF_ERROR(ReadOptionalString(header, "typ", &out.fields.typ));
  // RFC 8725 §3.1: the key, not the token, decides the algorithm.
  TWI_ASSIGN_OR_RETURN(const JweAlgorithm expected, AlgorithmForKey(recipient));
  if (out.alg != expected) {
    return Error(Reason::kKeyInvalid,
                 absl::StrFormat("JWE: algorithm %s does not fit a %s key",
                                 JweAlgorithmName(out.alg), crypto::KeyTypeName(recipient)));
  }
  if (out.alg == JweAlgorithm::kEcdhEsA256Kw) {
    TWI_ASSIGN_OR_RETURN(out.epk, ReadEphemeralKey(header, recipient));
    TWI_ASSIGN_OR_RETURN(out.apu, ReadPartyInfo(header, "apu"));
    TWI_ASSIGN_OR_RETURN(out.apv, ReadPartyInfo(header, "apv"));
  }
  return out;
}

// RFC 7518 §4.6.2: KEK = ConcatKDF(Z, AlgorithmID = "ECDH-ES+A256KW", apu, apv, 256 bits).
// Z is wiped when this returns.
absl::StatusOr<SecretBytes> DeriveKek(const crypto::PrivateKey& own, const crypto::PublicKey& peer,
                                      ByteView apu, ByteView apv) {
  TWI_ASSIGN_OR_RETURN(const SecretBytes z, crypto::EcdhSharedSecret(own, peer));
  return crypto::ConcatKdfSha256(
      z, internal::ConcatKdfOtherInfo(kEcdhEsA256KwName, apu, apv, kKekBits), kKekBits / 8);
}

// RFC 7516 §5.2 steps 9-10: the CEK from the JWE Encrypted Key.
absl::StatusOr<SecretBytes> DecryptCek(const Header& header, ByteView encrypted_key,
                                       const crypto::PrivateKey& recipient) {
  if (header.alg == JweAlgorithm::kRsaOaep256) {
    return crypto::RsaOaepSha256Decrypt(recipient, encrypted_key);
  }
  TWI_ASSIGN_OR_RETURN(const SecretBytes kek,
                       DeriveKek(recipient, *header.epk, header.apu, header.apv));
  return crypto::AesKeyUnwrap(kek, encrypted_key);
}

absl::StatusOr<std::string> Encrypt(ByteView plaintext, const crypto::PublicKey& recipient,
                                    const JweHeaderFields& fields) {
  TWI_ASSIGN_OR_RETURN(const JweAlgorithm alg, AlgorithmForKey(recipient.type()));
  // Base64url makes 4 characters of 3 bytes: a larger plaintext can only produce a larger JWE.
  if (plaintext.size() > kMaxCompactJweSize / 4 * 3) {
    return Error(Reason::kInvalidArgument, "JWE would exceed the maximum size");
  }
  Json header = {{"alg", JweAlgorithmName(alg)}, {"enc", kA256Gcm}};
  if (fields.kid.has_value()) header["kid"] = *fields.kid;
  if (fields.cty.has_value()) header["cty"] = *fields.cty;
  if (fields.typ.has_value()) header["typ"] = *fields.typ;

  // RFC 7516 §5.1 steps 1-3: a fresh random CEK, encrypted to the recipient.
  SecretBytes cek(kCekSize);
  crypto::FillRandom(cek.data(), cek.size());
  Bytes encrypted_key;
  if (alg == JweAlgorithm::kEcdhEsA256Kw) {
    // RFC 7518 §4.6: a new ephemeral key for every message, on the recipient's curve.
    TWI_ASSIGN_OR_RETURN(const crypto::PrivateKey ephemeral,
                         crypto::PrivateKey::Generate(recipient.type()));
    TWI_ASSIGN_OR_RETURN(const SecretBytes kek, DeriveKek(ephemeral, recipient, {}, {}));
    TWI_ASSIGN_OR_RETURN(encrypted_key, crypto::AesKeyWrap(kek, cek));
    header["epk"] = Jwk::FromPublicKey(ephemeral.public_key()).ToJson();
  } else {
    TWI_ASSIGN_OR_RETURN(encrypted_key, crypto::RsaOaepSha256Encrypt(recipient, cek));
  }

  std::string out = Base64UrlEncode(AsBytes(DumpJson(header)));
  // RFC 7518 §5.3: a 96-bit IV; random, and under a CEK used only once.
  const Bytes iv = crypto::RandomBytes(crypto::kAesGcmIvSize);
  // RFC 7516 §5.1 step 14: AAD = ASCII(BASE64URL(UTF8(JWE Protected Header))).
  TWI_ASSIGN_OR_RETURN(const crypto::AesGcmSealed sealed,
                       crypto::AesGcmSeal(cek, iv, AsBytes(out), plaintext));
  for (ByteView part :
       {ByteView(encrypted_key), ByteView(iv), ByteView(sealed.ciphertext), ByteView(sealed.tag)}) {
    out += '.';
    out += Base64UrlEncode(part);
  }
  if (out.size() > kMaxCompactJweSize) {
    return Error(Reason::kInvalidArgument, "JWE would exceed the maximum size");
  }
  return out;
}

}  // namespace

std::string_view JweAlgorithmName(JweAlgorithm alg) {
  switch (alg) {
    case JweAlgorithm::kEcdhEsA256Kw:
      return kEcdhEsA256KwName;
    case JweAlgorithm::kRsaOaep256:
      return kRsaOaep256Name;
  }
  return "";
}

absl::StatusOr<std::string> JweEncrypt(ByteView plaintext, const crypto::PublicKey& recipient,
                                       const JweHeaderFields& fields) {
  return Encrypt(plaintext, recipient, fields);
}

absl::StatusOr<std::string> JweEncrypt(const SecretBytes& plaintext,
                                       const crypto::PublicKey& recipient,
                                       const JweHeaderFields& fields) {
  return Encrypt(plaintext.view(), recipient, fields);
}

absl::StatusOr<JweDecrypted> JweDecrypt(std::string_view compact,
                                        const crypto::PrivateKey& recipient) {
  if (compact.size() > kMaxCompactJweSize) {
    return Malformed(absl::StrFormat("longer than %d bytes", kMaxCompactJweSize));
  }
  // RFC 7516 §7.1: header '.' encrypted key '.' IV '.' ciphertext '.' tag.
  std::array<std::string_view, kPartCount> text;
  size_t start = 0;
  for (size_t i = 0; i < kPartCount; ++i) {
    const size_t dot = compact.find('.', start);
    if ((dot == std::string_view::npos) != (i == kPartCount - 1)) {
      return Malformed("compact serialization must have exactly five parts");
    }
    text[i] = compact.substr(start, dot == std::string_view::npos ? dot : dot - start);
    start = dot + 1;
  }
  if (text[0].empty()) return Malformed("empty header");
  // core's decoder rejects padding, whitespace and non-canonical trailing bits, so each part
  // has exactly one accepted spelling (RFC 7516 §2, RFC 7515 §2).
  constexpr std::array<std::string_view, kPartCount> kNames = {"header", "encrypted key", "IV",
                                                               "ciphertext", "tag"};
  std::array<Bytes, kPartCount> parts;
  for (size_t i = 0; i < kPartCount; ++i) {
    absl::StatusOr<Bytes> bytes = Base64UrlDecode(text[i]);
    if (!bytes.ok()) {
      return Malformed(absl::StrFormat("%s is not canonical base64url", kNames[i]));
    }
    parts[i] = *std::move(bytes);
  }
  const auto& [header_bytes, encrypted_key, iv, ciphertext, tag] = parts;

  TWI_ASSIGN_OR_RETURN(Json header_json,
                       internal::ParseStrictObject(AsString(header_bytes), "JWE header"));
  TWI_ASSIGN_OR_RETURN(Header header, ReadHeader(header_json, recipient.type()));
  // RFC 7518 §5.3: a 96-bit IV and a 128-bit tag. Sizes are public, so saying so leaks nothing.
  if (iv.size() != crypto::kAesGcmIvSize) return Malformed("IV is not 96 bits");
  if (tag.size() != crypto::kAesGcmTagSize) return Malformed("tag is not 128 bits");

  // RFC 7516 §11.5: when the CEK cannot be recovered, go on with a random one, so that the
  // failure shows only where a wrong tag would (step 11), with the same reason and message.
  absl::StatusOr<SecretBytes> cek = DecryptCek(header, encrypted_key, recipient);
  if (!cek.ok() || cek->size() != kCekSize) {
    cek = SecretBytes(kCekSize);
    crypto::FillRandom(cek->data(), cek->size());
  }
  // RFC 7516 §5.2 steps 14-16: the AAD is the header part exactly as received.
  absl::StatusOr<SecretBytes> plaintext =
      crypto::AesGcmOpen(*cek, iv, AsBytes(text[0]), ciphertext, tag);
  if (!plaintext.ok()) return Error(Reason::kDecryptionFailed, kDecryptionFailed);
  return JweDecrypted{.protected_header = std::move(header_json),
                      .alg = header.alg,
                      .fields = std::move(header.fields),
                      .plaintext = *std::move(plaintext)};
}

namespace internal {

Bytes ConcatKdfOtherInfo(std::string_view algorithm_id, ByteView apu, ByteView apv,
                         size_t key_bits) {
  Bytes out;
  auto append_u32 = [&out](size_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<uint8_t>(value >> shift));
  };
  // Each of AlgorithmID, PartyUInfo and PartyVInfo is Datalen || Data (RFC 7518 §4.6.2).
  for (ByteView field : {AsBytes(algorithm_id), apu, apv}) {
    append_u32(field.size());
    out.insert(out.end(), field.begin(), field.end());
  }
  append_u32(key_bits);  // SuppPubInfo: keydatalen; SuppPrivInfo is empty
  return out;
}

}  // namespace internal

}  // namespace twi::jose
