// The evidence binding (architecture §3): every Evidence carries, in its TEE report-data field,
// a digest that ties it to (a) the Verifier's one-time nonce, (b) the key being attested (the
// Credential Key for mechanisms A/B/C, the ephemeral encryption key for D), and (c) the TLS
// connection that carries it (RFC 9266 tls-exporter). Replaying evidence on another
// connection, for another key or with another nonce changes the digest.
//
// Encoding v1 (documented in docs/binding.md; never change it, add v2 instead):
//   SHA-256( "twi-evidence-binding" 0x00 0x01(version) purpose(1 byte)
//            u16be(len nonce)    nonce
//            u16be(len jkt)      jkt        (RFC 7638 thumbprint, base64url ASCII)
//            u16be(len exporter) exporter )
// Report-data fields longer than 32 bytes carry the digest followed by zero bytes.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "libs/core/bytes.h"

namespace twi::evidence {

enum class BindingPurpose : uint8_t {
  kCredentialKey = 1,  // mechanisms A, B, C: the key the credential will certify
  kEncryptionKey = 2,  // mechanism D: the key the Key Store encrypts the credential key to
};

struct BindingInput {
  BindingPurpose purpose = BindingPurpose::kCredentialKey;
  ByteView nonce;
  std::string_view key_thumbprint;
  ByteView tls_exporter;
};

inline constexpr size_t kBindingDigestSize = 32;

Bytes ComputeBinding(const BindingInput& input);

// The value a report-data field of `field_size` bytes (>= 32) must hold.
Bytes ReportDataFor(ByteView binding, size_t field_size);

// OK iff `report_data` equals ReportDataFor(binding, report_data.size()), compared in constant
// time. kBindingMismatch otherwise.
absl::Status CheckReportData(ByteView report_data, ByteView binding);

}  // namespace twi::evidence
