// c2sp.org/tlog-proof@v1: an offline proof that an entry is in a log (a "spicy signature"):
// optional extra data, the entry's index, its inclusion path and the signed checkpoint.
//
// The bundle carries no leaf hash: how an entry becomes a leaf is the application's, so the
// caller computes the leaf hash and passes it to VerifyProofBundle. Witness cosignatures travel
// in the checkpoint; checking a witness quorum is policy and not done here. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/tlog/checkpoint.h"
#include "libs/tlog/merkle.h"
#include "libs/tlog/note.h"

namespace twi::tlog {

inline constexpr std::string_view kProofBundleHeader = "c2sp.org/tlog-proof@v1";
inline constexpr size_t kMaxProofBundleSize = 1 << 20;
inline constexpr size_t kMaxProofPathLength = 63;

struct ProofBundle {
  std::optional<Bytes> extra;  // unauthenticated application data; never trust it
  uint64_t index;
  std::vector<Hash> path;  // from the leaf's sibling up to the root's child
  std::string checkpoint;  // the signed note, verbatim
};

std::string EncodeProofBundle(const ProofBundle& bundle);
// tlog-proof "Format". kProofMalformed for: more than kMaxProofBundleSize bytes, a wrong first
// line, a bad "extra" or "index" line, a path line that is not base64 of 32 bytes, more than
// kMaxProofPathLength path lines, no empty line before the checkpoint, or no checkpoint. The
// checkpoint itself is only read by VerifyProofBundle.
absl::StatusOr<ProofBundle> ParseProofBundle(std::string_view text);

// Opens the checkpoint as OpenCheckpoint does (kNoteMalformed, kNoteUntrusted,
// kCheckpointMalformed, kLogOriginMismatch), then verifies the inclusion of `leaf_hash` at
// bundle.index in the checkpoint's tree (kInclusionProofInvalid). Returns the checkpoint.
absl::StatusOr<Checkpoint> VerifyProofBundle(const ProofBundle& bundle, const Hash& leaf_hash,
                                             const NoteVerifier& verifier,
                                             std::string_view origin = "");

}  // namespace twi::tlog
