// C2SP tlog-checkpoint: the signed tree head of a log, as the text of a signed note.
//
// Parse, verify, then check: OpenCheckpoint parses the note, verifies the log's signature and
// only then reads the body and checks its origin. It does not check consistency with earlier
// checkpoints (that is the caller's, with VerifyConsistency). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/crypto/signature.h"
#include "libs/tlog/merkle.h"
#include "libs/tlog/note.h"

namespace twi::tlog {

struct Checkpoint {
  std::string origin;
  uint64_t size;
  Hash root;
  std::vector<std::string> extensions;  // opaque, non-empty lines (NOT RECOMMENDED by the spec)
};

// "<origin>\n<size>\n<base64(root)>\n" and one line per extension.
std::string CheckpointText(const Checkpoint& checkpoint);
// tlog-checkpoint "Note text". kCheckpointMalformed for fewer than three lines, a missing final
// newline, an empty origin, a size that is not decimal without leading zeros (or over 2^64 - 1),
// a root that is not standard padded base64 of exactly 32 bytes, or an empty extension line.
absl::StatusOr<Checkpoint> ParseCheckpointText(std::string_view text);

// An ASCII decimal without sign or leading zeros ("0" itself is fine), as tlog-checkpoint and
// tlog-proof write sizes and indexes; nullopt for anything else or a value over 2^64 - 1.
std::optional<uint64_t> ParseDecimal(std::string_view text);

// Parses the signed note (kNoteMalformed), verifies it with `verifier` (kNoteUntrusted), parses
// the checkpoint (kCheckpointMalformed) and requires its origin to be `origin`, or the verifier's
// key name when `origin` is empty (kLogOriginMismatch).
absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view signed_note,
                                          const NoteVerifier& verifier,
                                          std::string_view origin = "");

// The signed note of `checkpoint`, signed by `signer` (Ed25519) under key name `key_name`, or the
// origin when that is empty (tlog-checkpoint: the key name SHOULD be the origin). Errors as
// SignNote, and kCheckpointMalformed for a checkpoint that would not parse back.
absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                           const crypto::Signer& signer,
                                           std::string_view key_name = "");

}  // namespace twi::tlog
