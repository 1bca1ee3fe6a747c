// The AK certificate a deployment issues once an AK was activated through its TPM's EK
// (libs/verifier/tpm_enrollment.h), so later attestations need one chain check and one quote
// verification. It certifies the AK's public key and, in a twi extension, its TPM Name, which
// hashes the AK's attributes (restricted, fixedTPM): the key alone would not say that.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/crypto/signature.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"
#include "libs/x509/certificate.h"

namespace twi::evidence::tpm {

// Under twi's 2.25 arc (libs/x509/provenance_pointer.h). Value: OCTET STRING, the TPM2B_NAME
// content (nameAlg || digest).
inline constexpr char kAkNameOid[] = "2.25.91098881304171676652294184819108632895.2";

// Valid from `now` minus five minutes (clock skew) for `ttl`. Errors from IssueCertificate.
absl::StatusOr<x509::Certificate> IssueAkCertificate(const TpmPublic& ak,
                                                     const x509::Certificate& ca,
                                                     const crypto::Signer& ca_signer,
                                                     absl::Time now, absl::Duration ttl);

// The AK Name a certificate carries, or nullopt for certificates without the extension (a
// cloud's vTPM CA). kCertificateInvalid for a malformed or critical one.
absl::StatusOr<std::optional<Bytes>> AkNameOf(ByteView certificate_der);

}  // namespace twi::evidence::tpm
