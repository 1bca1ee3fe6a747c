// C2SP signed-note: text signed by one or more keys, and Ed25519 (type 0x01) note keys.
//
// Parse, then verify: ParseNote only checks the format; VerifyNote decides whether a trusted key
// signed the text. Untrusted text MUST be ignored until VerifyNote succeeds. Other signature
// types (ECDSA, cosignatures, ML-DSA) are carried through as unknown signatures and ignored.
// Everything here is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"

namespace twi::tlog {

inline constexpr size_t kMaxNoteSize = 1 << 20;
inline constexpr size_t kMaxNoteSignatures = 100;
inline constexpr uint8_t kNoteSignatureEd25519 = 0x01;

struct NoteSignature {
  std::string name;
  uint32_t key_id;
  Bytes signature;  // after the 4-byte key id
};

struct Note {
  std::string text;  // ends with '\n'
  std::vector<NoteSignature> signatures;
};

// signed-note "Format". kNoteMalformed for: more than kMaxNoteSize bytes, invalid UTF-8, ASCII
// control characters other than '\n', no blank line before the signatures, no or more than
// kMaxNoteSignatures signature lines, a line without the em dash prefix, a bad key name, bad
// base64 or a signature shorter than key id + 1 byte.
absl::StatusOr<Note> ParseNote(std::string_view encoded);
// The text, a blank line and one line per signature. `note.text` must end with '\n'.
std::string EncodeNote(const Note& note);

// First 4 bytes of SHA-256(name || 0x0A || type || key), big-endian (signed-note "Signatures").
uint32_t NoteKeyId(std::string_view name, uint8_t signature_type, ByteView public_key);
// Non-empty, valid UTF-8 and without Unicode spaces, '+' or control characters.
bool IsValidNoteKeyName(std::string_view name);

// An Ed25519 note verifier key. Cheap to copy.
class NoteVerifier {
 public:
  // "<name>+<hex8>+<base64(0x01 || 32-byte key)>" with the key id as 8 lower-case hex digits.
  // kNoteMalformed for a malformed key or a key id that does not match the key;
  // kUnsupportedAlgorithm for a well-formed key of another signature type.
  static absl::StatusOr<NoteVerifier> FromVerifierKey(std::string_view vkey);
  // kUnsupportedAlgorithm unless `ed25519` is an Ed25519 key; kNoteMalformed for a bad name.
  static absl::StatusOr<NoteVerifier> FromPublicKey(std::string_view name,
                                                    const crypto::PublicKey& ed25519);

  std::string VerifierKey() const;  // the vkey text
  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const crypto::PublicKey& public_key() const { return public_key_; }

  // OK iff `signature` (without the key id) is this key's signature of `text`; kNoteUntrusted.
  absl::Status Verify(std::string_view text, ByteView signature) const;

 private:
  NoteVerifier(std::string name, uint32_t key_id, crypto::PublicKey key, Bytes raw)
      : name_(std::move(name)),
        key_id_(key_id),
        public_key_(std::move(key)),
        raw_key_(std::move(raw)) {}

  std::string name_;
  uint32_t key_id_;
  crypto::PublicKey public_key_;
  Bytes raw_key_;  // the 32 key bytes, for VerifierKey()
};

// Signs `text` with an Ed25519 Signer under key name `name`. kUnsupportedAlgorithm unless
// signer.algorithm() is kEd25519; kNoteMalformed for a bad name or text that cannot be a note
// text (see ParseNote); the signer's own errors otherwise.
absl::StatusOr<NoteSignature> SignNote(std::string_view text, std::string_view name,
                                       const crypto::Signer& signer);

// signed-note "Signatures": OK iff at least one signature matches (name, key_id) of `verifier`
// and every such signature verifies. Signatures of unknown keys, even with the same name or the
// same id (not both), are ignored. kNoteUntrusted otherwise.
absl::Status VerifyNote(const Note& note, const NoteVerifier& verifier);

}  // namespace twi::tlog
