// twi's provenance pointer extension: the internal binding of an X509-SVID to its Credential
// Provenance record (docs/provenance.md "Binding").
//
//   id-twi-provenance-pointer OBJECT IDENTIFIER ::=
//       { joint-iso-itu-t(2) uuid(25) 91098881304171676652294184819108632895 1 }
//   ProvenancePointer ::= SEQUENCE {
//     version       INTEGER (1),
//     recordDigest  OCTET STRING (SIZE (32)),   -- SHA-256 of the DSSE envelope = the log entry
//     logOrigin     UTF8String,                 -- the log's checkpoint origin
//     logIndex      INTEGER (0..MAX) }          -- the entry's index in that log
//
// The extension is non-critical, always the last one, and left out of the digest the record
// names (libs/x509/precert.h), as RFC 6962 precertificates leave out the SCT list.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

namespace twi::x509 {

// The 2.25 arc (ITU-T X.667: OIDs from UUIDs, no registration needed) under UUID
// 4489019f-8610-49c4-adfd-aa4f4578593f, which twi minted for its own identifiers.
inline constexpr char kProvenancePointerOid[] = "2.25.91098881304171676652294184819108632895.1";

struct ProvenancePointer {
  Bytes record_digest;  // 32 bytes
  std::string log_origin;
  uint64_t log_index = 0;

  friend bool operator==(const ProvenancePointer&, const ProvenancePointer&) = default;
};

// DER of the extension's value. kInvalidArgument unless the digest is 32 bytes and the origin
// is non-empty.
absl::StatusOr<Bytes> EncodeProvenancePointer(const ProvenancePointer& pointer);
// Strict DER parse of the value. kCertificateInvalid for anything else.
absl::StatusOr<ProvenancePointer> ParseProvenancePointer(ByteView der);

// The DER OBJECT IDENTIFIER element of kProvenancePointerOid (for precert.h).
ByteView ProvenancePointerOidDer();

}  // namespace twi::x509
