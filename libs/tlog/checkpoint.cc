#include "libs/tlog/checkpoint.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"

namespace twi::tlog {
namespace {

absl::Status Malformed(absl::string_view why) {
  return Error(Reason::kCheckpointMalformed, absl::StrCat("checkpoint: ", why));
}

bool SameCheckpoint(const Checkpoint& a, const Checkpoint& b) {
  return a.origin == b.origin && a.size == b.size && a.root == b.root &&
         a.extensions == b.extensions;
}

}  // namespace

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string CheckpointText(const Checkpoint& checkpoint) {
  std::string text = absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                                  Base64Encode(HashBytes(checkpoint.root)), "\n");
  for (const std::string& extension : checkpoint.extensions)
    absl::StrAppend(&text, extension, "\n");
  return text;
}

absl::StatusOr<Checkpoint> ParseCheckpointText(std::string_view text) {
  // tlog-checkpoint "Note text": at least three non-empty lines, each ending in a newline.
  if (text.empty() || text.back() != '\n') return Malformed("does not end with a newline");
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < text.size();) {
    const size_t end = text.find('\n', pos);
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  if (lines.size() < 3) return Malformed("fewer than three lines");
  Checkpoint checkpoint{.origin = std::string(lines[0]), .size = 0, .root = {}, .extensions = {}};
  // 1. The origin MUST be non-empty.
  if (checkpoint.origin.empty()) return Malformed("empty origin");
  // 2. The tree size, decimal with no leading zeroes.
  const std::optional<uint64_t> size = ParseDecimal(lines[1]);
  if (!size) return Malformed("tree size is not a decimal without leading zeros");
  checkpoint.size = *size;
  // 3. The base64 RFC 6962 root hash.
  auto root = Base64Decode(lines[2]);
  if (!root.ok()) return Malformed("root hash is not base64");
  auto hash = HashFromBytes(*root);
  if (!hash.ok()) return Malformed("root hash is not 32 bytes");
  checkpoint.root = *hash;
  // 4. Extension lines, if any, MUST be non-empty.
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return Malformed("empty extension line");
    checkpoint.extensions.emplace_back(lines[i]);
  }
  return checkpoint;
}

absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view signed_note,
                                          const NoteVerifier& verifier, std::string_view origin) {
  TWI_ASSIGN_OR_RETURN(const Note note, ParseNote(signed_note));
  TWI_RETURN_IF_ERROR(VerifyNote(note, verifier));
  TWI_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpointText(note.text));
  const std::string_view expected = origin.empty() ? std::string_view(verifier.name()) : origin;
  if (checkpoint.origin != expected) {
    return Error(Reason::kLogOriginMismatch,
                 absl::StrCat("checkpoint of log \"", checkpoint.origin, "\", expected \"",
                              absl::string_view(expected.data(), expected.size()), "\""));
  }
  return checkpoint;
}

absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                           const crypto::Signer& signer,
                                           std::string_view key_name) {
  const std::string text = CheckpointText(checkpoint);
  // Newlines inside the origin or an extension would sign a different checkpoint.
  auto parsed = ParseCheckpointText(text);
  if (!parsed.ok() || !SameCheckpoint(*parsed, checkpoint)) {
    return Malformed("origin or extensions do not form checkpoint lines");
  }
  const std::string_view name = key_name.empty() ? std::string_view(checkpoint.origin) : key_name;
  TWI_ASSIGN_OR_RETURN(NoteSignature signature, SignNote(text, name, signer));
  return EncodeNote(Note{.text = text, .signatures = {std::move(signature)}});
}

}  // namespace twi::tlog
