// The precertificate construction twi uses to name a certificate inside a record that the
// certificate itself points at (docs/provenance.md "Binding"), after RFC 6962 §3.2: the record
// names the digest of the TBSCertificate *without* the pointer extension; the CA then appends
// the extension, as the last one, and signs. A relying party removes the extension again and
// gets back exactly the bytes that were hashed, so there is no hash cycle.
//
// Pure and thread-safe.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

namespace twi::x509 {

// The DER TBSCertificate of `certificate_der` with every extension whose OID is `oid_der` (a
// DER OBJECT IDENTIFIER element, tag included) removed and the lengths re-encoded; the
// extensions field is dropped altogether if nothing is left in it (RFC 5280 §4.1: SIZE (1..MAX)).
// kCertificateInvalid for bytes that are not a DER certificate.
absl::StatusOr<Bytes> TbsWithoutExtension(ByteView certificate_der, ByteView oid_der);

// The value (extnValue contents) and criticality of the extension `oid_der` in the
// certificate, or nullopt if it has none. kCertificateInvalid for malformed DER or for the
// extension appearing twice (RFC 5280 §4.2).
struct RawExtension {
  bool critical = false;
  Bytes value;
};
absl::StatusOr<std::optional<RawExtension>> FindExtension(ByteView certificate_der,
                                                          ByteView oid_der);

}  // namespace twi::x509
