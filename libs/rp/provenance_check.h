// Relying-party and auditor checks of a credential's Credential Provenance (docs/provenance.md):
// the DSSE signature of the record, both bindings between record and credential, and the log's
// inclusion proof against a signed checkpoint. Offline: everything comes as inputs.
//
// Binding checks, in order: the record names this credential (external: credential id, key
// thumbprint, and the digest of the credential without its pointer); the credential's pointer,
// when it has one, names this record (internal: record digest, log origin, log index); the
// proof includes the record's digest at that index in a checkpoint signed by the log key.
// Whether the appraisals and policies in the record are acceptable is the caller's decision.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"
#include "libs/provenance/credential_record.h"
#include "libs/tlog/checkpoint.h"
#include "libs/tlog/note.h"

namespace twi::rp {

// The internal binding a credential carries, if any.
struct ProvenancePointerView {
  Bytes record_digest;
  std::string log_origin;
  uint64_t log_index = 0;
};

struct CredentialFacts {
  std::string credential_id;   // "x509:<serial>" | "wit:<jti>"
  std::string key_thumbprint;  // RFC 7638 of the credential key
  Bytes subject_digest;        // what the record's subject digest must be
  std::optional<ProvenancePointerView> pointer;
};

// What a credential says about itself, for the checks below. The credential's own signature is
// not checked here (rp::VerifyX509Svid / rp::VerifyWit do that). kCertificateInvalid /
// kJoseMalformed for a malformed credential or pointer.
absl::StatusOr<CredentialFacts> X509CredentialFacts(ByteView certificate_der);
absl::StatusOr<CredentialFacts> WitCredentialFacts(std::string_view wit);

struct VerifiedProvenance {
  provenance::CredentialRecord record;
  Bytes record_digest;  // SHA-256 of the envelope bytes: the log entry
  uint64_t log_index = 0;
  tlog::Checkpoint checkpoint;
};

// Checks `envelope` (DSSE JSON, exactly as stored) as the record of `facts`' credential, signed
// by `record_signer` (ES256 for a P-256 key), and `proof_bundle` (c2sp.org/tlog-proof@v1) as
// its inclusion in the log `log_key` names. Errors: kDsseMalformed, kDsseSignatureInvalid,
// kProvenanceDocumentInvalid, kProvenanceRecordMismatch (the record or pointer names something
// else), kProofMalformed, kNoteUntrusted, kLogOriginMismatch, kInclusionProofInvalid.
absl::StatusOr<VerifiedProvenance> VerifyProvenance(const CredentialFacts& facts,
                                                    std::string_view envelope,
                                                    const crypto::PublicKey& record_signer,
                                                    std::string_view proof_bundle,
                                                    const tlog::NoteVerifier& log_key);

}  // namespace twi::rp
