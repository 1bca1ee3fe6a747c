#include "libs/tlog/note.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"

namespace twi::tlog {
namespace {

// signed-note "Format": em dash (U+2014) and a space open every signature line.
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr size_t kKeyIdSize = 4;

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status Malformed(absl::string_view why) {
  return Error(Reason::kNoteMalformed, absl::StrCat("signed note: ", why));
}

// Decodes the UTF-8 sequence at `pos` (RFC 3629 §4: no overlong forms, no surrogates, at most
// U+10FFFF), advancing `pos`. False if there is none.
bool NextCodePoint(std::string_view s, size_t& pos, uint32_t& cp) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(pos);
  size_t length;
  uint32_t min;
  if (b0 < 0x80) {
    cp = b0;
    ++pos;
    return true;
  } else if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return false;
  }
  if (s.size() - pos < length) return false;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return false;
    cp = cp << 6 | (byte(pos + i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  pos += length;
  return true;
}

// signed-note "Format": valid UTF-8 without ASCII control characters other than newline.
absl::Status CheckText(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    uint32_t cp;
    if (!NextCodePoint(text, pos, cp)) return Malformed("not valid UTF-8");
    if (cp < 0x20 && cp != '\n') return Malformed("control character");
  }
  return absl::OkStatus();
}

// Unicode White_Space, as Go's unicode.IsSpace, which the reference implementation uses.
bool IsUnicodeSpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

void AppendBigEndian32(uint32_t value, Bytes& out) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
}

}  // namespace

bool IsValidNoteKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t pos = 0; pos < name.size();) {
    uint32_t cp;
    if (!NextCodePoint(name, pos, cp)) return false;
    if (cp < 0x20 || cp == '+' || IsUnicodeSpace(cp)) return false;
  }
  return true;
}

uint32_t NoteKeyId(std::string_view name, uint8_t signature_type, ByteView public_key) {
  crypto::Hasher hasher(crypto::DigestAlgorithm::kSha256);
  const uint8_t separator[] = {'\n', signature_type};
  hasher.Update(name).Update(ByteView(separator, sizeof(separator))).Update(public_key);
  const Bytes digest = hasher.Finish();
  return uint32_t{digest[0]} << 24 | uint32_t{digest[1]} << 16 | uint32_t{digest[2]} << 8 |
         uint32_t{digest[3]};
}

absl::StatusOr<Note> ParseNote(std::string_view encoded) {
  // signed-note "Format": verifiers SHOULD bound the note's size or its signature count.
  if (encoded.size() > kMaxNoteSize) {
    return Malformed(absl::StrCat("larger than ", kMaxNoteSize, " bytes"));
  }
  TWI_RETURN_IF_ERROR(CheckText(encoded));
  if (encoded.empty() || encoded.back() != '\n') return Malformed("does not end with a newline");
  // The text is separated from the signatures by the last empty line.
  const size_t blank = encoded.rfind("\n\n");
  if (blank == std::string_view::npos) return Malformed("no blank line before the signatures");
  Note note;
  note.text = std::string(encoded.substr(0, blank + 1));
  std::string_view lines = encoded.substr(blank + 2);
  if (lines.empty()) return Malformed("no signature lines");
  while (!lines.empty()) {
    const size_t end = lines.find('\n');  // present: the note ends with a newline
    const std::string_view line = lines.substr(0, end);
    lines = lines.substr(end + 1);
    if (note.signatures.size() == kMaxNoteSignatures) {
      return Malformed(absl::StrCat("more than ", kMaxNoteSignatures, " signatures"));
    }
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      return Malformed("signature line does not start with an em dash and a space");
    }
    const std::string_view rest = line.substr(kSignaturePrefix.size());
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos) return Malformed("signature line without a signature");
    const std::string_view name = rest.substr(0, space);
    if (!IsValidNoteKeyName(name)) return Malformed("bad key name");
    auto decoded = Base64Decode(rest.substr(space + 1));
    if (!decoded.ok()) return Malformed("signature is not base64");
    // signed-note "Format": 4 bytes of key id and the signature.
    if (decoded->size() <= kKeyIdSize) return Malformed("signature too short");
    const Bytes& raw = *decoded;
    NoteSignature signature{
        .name = std::string(name),
        .key_id = uint32_t{raw[0]} << 24 | uint32_t{raw[1]} << 16 | uint32_t{raw[2]} << 8 |
                  uint32_t{raw[3]},
        .signature = Bytes(raw.begin() + kKeyIdSize, raw.end()),
    };
    note.signatures.push_back(std::move(signature));
  }
  return note;
}

std::string EncodeNote(const Note& note) {
  std::string out = note.text;
  out.push_back('\n');
  for (const NoteSignature& signature : note.signatures) {
    Bytes raw;
    raw.reserve(kKeyIdSize + signature.signature.size());
    AppendBigEndian32(signature.key_id, raw);
    raw.insert(raw.end(), signature.signature.begin(), signature.signature.end());
    absl::StrAppend(&out, Absl(kSignaturePrefix), signature.name, " ", Base64Encode(raw), "\n");
  }
  return out;
}

absl::StatusOr<NoteVerifier> NoteVerifier::FromVerifierKey(std::string_view vkey) {
  // "<name>+<hex8>+<base64>": the name holds no '+', the base64 may.
  const size_t plus = vkey.find('+');
  if (plus == std::string_view::npos) return Malformed("verifier key has no '+'");
  const std::string_view name = vkey.substr(0, plus);
  if (!IsValidNoteKeyName(name)) return Malformed("verifier key: bad key name");
  const std::string_view rest = vkey.substr(plus + 1);
  if (rest.size() < 10 || rest[8] != '+') return Malformed("verifier key: key id is not 8 hex");
  uint32_t key_id = 0;
  for (char c : rest.substr(0, 8)) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return Malformed("verifier key: key id is not 8 lower-case hex digits");
    }
    key_id = key_id << 4 | static_cast<uint32_t>(digit);
  }
  auto key = Base64Decode(rest.substr(9));
  if (!key.ok() || key->empty()) return Malformed("verifier key: key is not base64");
  if ((*key)[0] != kNoteSignatureEd25519) {
    return Error(Reason::kUnsupportedAlgorithm,
                 absl::StrCat("verifier key: signature type ", (*key)[0], " is not Ed25519 (1)"));
  }
  Bytes raw(key->begin() + 1, key->end());
  if (raw.size() != 32) return Malformed("verifier key: an Ed25519 key is 32 bytes");
  auto public_key = crypto::PublicKey::FromEd25519(raw);
  if (!public_key.ok()) return Malformed("verifier key: not an Ed25519 key");
  // signed-note "Ed25519 signatures": the key id is derived from name and key.
  if (NoteKeyId(name, kNoteSignatureEd25519, raw) != key_id) {
    return Malformed("verifier key: key id does not match name and key");
  }
  return NoteVerifier(std::string(name), key_id, *std::move(public_key), std::move(raw));
}

absl::StatusOr<NoteVerifier> NoteVerifier::FromPublicKey(std::string_view name,
                                                         const crypto::PublicKey& ed25519) {
  if (ed25519.type() != crypto::KeyType::kEd25519) {
    return Error(Reason::kUnsupportedAlgorithm,
                 absl::StrCat("note keys are Ed25519, not ", Absl(KeyTypeName(ed25519.type()))));
  }
  if (!IsValidNoteKeyName(name)) return Malformed("bad key name");
  TWI_ASSIGN_OR_RETURN(Bytes raw, ed25519.Ed25519Raw());
  const uint32_t key_id = NoteKeyId(name, kNoteSignatureEd25519, raw);
  return NoteVerifier(std::string(name), key_id, ed25519, std::move(raw));
}

std::string NoteVerifier::VerifierKey() const {
  Bytes key = {kNoteSignatureEd25519};
  key.insert(key.end(), raw_key_.begin(), raw_key_.end());
  return absl::StrFormat("%s+%08x+%s", name_, key_id_, Base64Encode(key));
}

absl::Status NoteVerifier::Verify(std::string_view text, ByteView signature) const {
  const absl::Status status = crypto::VerifySignature(
      public_key_, crypto::SignatureAlgorithm::kEd25519, AsBytes(text), signature);
  if (!status.ok()) {
    return Error(Reason::kNoteUntrusted,
                 absl::StrCat("signed note: the signature of ", name_, " does not verify"));
  }
  return absl::OkStatus();
}

absl::StatusOr<NoteSignature> SignNote(std::string_view text, std::string_view name,
                                       const crypto::Signer& signer) {
  if (signer.algorithm() != crypto::SignatureAlgorithm::kEd25519) {
    return Error(Reason::kUnsupportedAlgorithm, "signed notes are signed with Ed25519 keys");
  }
  if (!IsValidNoteKeyName(name)) return Malformed("bad key name");
  if (text.empty() || text.back() != '\n') return Malformed("text does not end with a newline");
  if (text.size() > kMaxNoteSize) return Malformed("text too large");
  TWI_RETURN_IF_ERROR(CheckText(text));
  TWI_ASSIGN_OR_RETURN(const Bytes raw, signer.public_key().Ed25519Raw());
  TWI_ASSIGN_OR_RETURN(Bytes signature, signer.Sign(AsBytes(text)));
  return NoteSignature{.name = std::string(name),
                       .key_id = NoteKeyId(name, kNoteSignatureEd25519, raw),
                       .signature = std::move(signature)};
}

absl::Status VerifyNote(const Note& note, const NoteVerifier& verifier) {
  // signed-note "Signatures": only (name, key id) identifies a key; other signatures are
  // ignored, every one of the known key must verify, and at least one must exist.
  int verified = 0;
  for (const NoteSignature& signature : note.signatures) {
    if (signature.name != verifier.name() || signature.key_id != verifier.key_id()) continue;
    TWI_RETURN_IF_ERROR(verifier.Verify(note.text, signature.signature));
    ++verified;
  }
  if (verified == 0) {
    return Error(Reason::kNoteUntrusted,
                 absl::StrCat("signed note: no signature by ", verifier.name()));
  }
  return absl::OkStatus();
}

}  // namespace twi::tlog
