#include "libs/storage/provenance_store.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"

namespace twi::storage {
namespace {

absl::Status CheckDigest(std::string_view what, std::string_view digest, ByteView content) {
  if (digest != crypto::Sha256Id(content)) {
    return Error(Reason::kInvalidArgument,
                 absl::StrCat("provenance: the ", std::string(what),
                              " digest is not sha256:<hex> of its bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateProvenanceDocument(const ProvenanceDocument& document) {
  if (document.kind.empty() || document.media_type.empty()) {
    return Error(Reason::kInvalidArgument, "provenance: a document needs a kind and a media type");
  }
  if (document.content.empty() || document.content.size() > kMaxProvenanceDocumentBytes) {
    return Error(Reason::kInvalidArgument, "provenance: a document is 1 byte to 16 MiB");
  }
  return CheckDigest("document", document.digest, document.content);
}

absl::Status ValidateProvenanceRecord(const CredentialProvenanceRecord& record) {
  if (record.credential_id.empty() || record.content_type.empty()) {
    return Error(Reason::kInvalidArgument,
                 "provenance: a record needs a credential id and a content type");
  }
  if (record.content.empty() || record.content.size() > kMaxProvenanceRecordBytes) {
    return Error(Reason::kInvalidArgument, "provenance: a record is 1 byte to 1 MiB");
  }
  if (record.content_type == kRecordSealedType) {
    // The digest names the plaintext, which the store cannot see: only its form is checked.
    const std::string_view digest = record.digest;
    absl::StatusOr<Bytes> raw = Error(Reason::kInvalidArgument, "no sha256: prefix");
    if (digest.substr(0, 7) == "sha256:") raw = HexDecode(digest.substr(7));
    // Lower-case hex of 32 bytes: the one form Sha256Id writes.
    if (!raw.ok() || raw->size() != 32 || digest.substr(7) != HexEncode(*raw)) {
      return Error(Reason::kInvalidArgument, "provenance: the record digest is not sha256:<hex>");
    }
    return absl::OkStatus();
  }
  if (record.content_type != kRecordPlainType) {
    return Error(Reason::kInvalidArgument,
                 absl::StrCat("provenance: unknown record content type ", record.content_type));
  }
  return CheckDigest("record", record.digest, record.content);
}

}  // namespace twi::storage
