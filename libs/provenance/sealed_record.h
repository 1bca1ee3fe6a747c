// Credential Provenance records sealed for auditors (docs/provenance.md "Privacy"): the stored
// record is the DSSE envelope encrypted to each auditor's public key, while the log entry and
// the credential's pointer stay SHA-256 of the plaintext envelope, so the log still commits to
// the exact record and an auditor who opens it checks the digest like anyone else would.
//
// Format, stored as storage::kRecordSealedType (application/vnd.twi.sealed-record+json):
//   {"recipients":[{"kid":"<RFC 7638 thumbprint of the auditor key>","jwe":"<compact JWE>"},..]}
// one standard compact JWE per auditor (libs/jose/jwe.h: ECDH-ES+A256KW for EC P-256/P-384,
// RSA-OAEP-256 for RSA; enc A256GCM; protected header kid and cty
// application/vnd.dsse.envelope.v1+json), so any JOSE library opens its own entry. Each entry
// has its own content key; the plaintext is a few KiB and auditors are few.
//
// Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"

namespace twi::provenance {

inline constexpr size_t kMaxAuditors = 16;

// Whether `content` has the sealed record's shape (a JSON object with "recipients") rather
// than a DSSE envelope's. Structure only; OpenSealedRecord checks the rest.
bool LooksSealed(std::string_view content);

// Encrypts `envelope` to every auditor key. kInvalidArgument for no auditor, more than
// kMaxAuditors or one key twice; kKeyInvalid for a key type JWE cannot encrypt to (Ed25519).
absl::StatusOr<std::string> SealRecord(std::string_view envelope,
                                       const std::vector<crypto::PublicKey>& auditors);

// The envelope from the recipient entry of `auditor`'s key (found by its thumbprint), checked
// against `record_digest` (the log entry: SHA-256 of the envelope). Errors:
// kProvenanceDocumentInvalid for a malformed sealed record; kProvenanceRecordSealed when no entry
// is for this key; kDecryptionFailed / kJoseMalformed from the JWE; kProvenanceRecordMismatch when
// the plaintext is not the logged record.
absl::StatusOr<std::string> OpenSealedRecord(std::string_view sealed,
                                             const crypto::PrivateKey& auditor,
                                             ByteView record_digest);

}  // namespace twi::provenance
