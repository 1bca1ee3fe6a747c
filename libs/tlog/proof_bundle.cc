#include "libs/tlog/proof_bundle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/core/status.h"

namespace twi::tlog {
namespace {

constexpr std::string_view kExtraPrefix = "extra ";
constexpr std::string_view kIndexPrefix = "index ";

absl::Status Malformed(absl::string_view why) {
  return Error(Reason::kProofMalformed, absl::StrCat("tlog proof: ", why));
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Reads newline-terminated lines; a last line without its newline counts as missing.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  std::optional<std::string_view> Next() {
    const size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return line;
  }
  std::string_view Rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string EncodeProofBundle(const ProofBundle& bundle) {
  std::string out(kProofBundleHeader);
  out.push_back('\n');
  if (bundle.extra) absl::StrAppend(&out, "extra ", Base64Encode(*bundle.extra), "\n");
  absl::StrAppend(&out, "index ", bundle.index, "\n");
  for (const Hash& hash : bundle.path) absl::StrAppend(&out, Base64Encode(HashBytes(hash)), "\n");
  out.push_back('\n');
  out.append(bundle.checkpoint);
  return out;
}

absl::StatusOr<ProofBundle> ParseProofBundle(std::string_view text) {
  if (text.size() > kMaxProofBundleSize) {
    return Malformed(absl::StrCat("larger than ", kMaxProofBundleSize, " bytes"));
  }
  LineReader reader(text);
  // tlog-proof "Format", line 1.
  if (reader.Next() != kProofBundleHeader) {
    return Malformed("does not start with c2sp.org/tlog-proof@v1");
  }
  ProofBundle bundle{.extra = std::nullopt, .index = 0, .path = {}, .checkpoint = {}};
  std::optional<std::string_view> line = reader.Next();
  // Optional "extra <base64>".
  if (line && StartsWith(*line, kExtraPrefix)) {
    auto extra = Base64Decode(line->substr(kExtraPrefix.size()));
    if (!extra.ok()) return Malformed("extra data is not base64");
    bundle.extra = *std::move(extra);
    line = reader.Next();
  }
  // "index <n>", decimal without leading zeros.
  if (!line || !StartsWith(*line, kIndexPrefix)) return Malformed("no index line");
  const std::optional<uint64_t> index = ParseDecimal(line->substr(kIndexPrefix.size()));
  if (!index) return Malformed("index is not a decimal without leading zeros");
  bundle.index = *index;
  // The inclusion path, one base64 hash per line, up to an empty line.
  while (true) {
    line = reader.Next();
    if (!line) return Malformed("no empty line before the checkpoint");
    if (line->empty()) break;
    if (bundle.path.size() == kMaxProofPathLength) {
      return Malformed(absl::StrCat("more than ", kMaxProofPathLength, " path hashes"));
    }
    auto bytes = Base64Decode(*line);
    if (!bytes.ok())
      return Malformed(absl::StrCat("path line ", bundle.path.size(), " is not base64"));
    auto hash = HashFromBytes(*bytes);
    if (!hash.ok()) {
      return Malformed(absl::StrCat("path line ", bundle.path.size(), " is not a 32-byte hash"));
    }
    bundle.path.push_back(*hash);
  }
  // The checkpoint, verbatim.
  bundle.checkpoint = std::string(reader.Rest());
  if (bundle.checkpoint.empty()) return Malformed("no checkpoint");
  return bundle;
}

absl::StatusOr<Checkpoint> VerifyProofBundle(const ProofBundle& bundle, const Hash& leaf_hash,
                                             const NoteVerifier& verifier,
                                             std::string_view origin) {
  // tlog-proof: the tree size and root come only from the verified checkpoint.
  TWI_ASSIGN_OR_RETURN(Checkpoint checkpoint, OpenCheckpoint(bundle.checkpoint, verifier, origin));
  TWI_RETURN_IF_ERROR(
      VerifyInclusion(bundle.index, checkpoint.size, leaf_hash, bundle.path, checkpoint.root));
  return checkpoint;
}

}  // namespace twi::tlog
