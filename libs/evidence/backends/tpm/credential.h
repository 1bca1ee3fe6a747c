// TPM2_MakeCredential done by the Verifier in software (TPM 2.0 Library Part 1 §24, Part 3
// §12.6): a secret that only the TPM holding a given EK can recover, and only for a key of a
// given Name loaded beside it (TPM2_ActivateCredential). This is how an AK is tied to an EK
// whose certificate chains to a manufacturer.
//
// The EK is the TCG EK Credential Profile's default RSA template (L-1: RSA-2048, nameAlg
// SHA-256, AES-128-CFB), the key an EK certificate certifies. Thread-safe: pure functions.
#pragma once

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/secret.h"
#include "libs/crypto/keys.h"

namespace twi::evidence::tpm {

struct MadeCredential {
  Bytes credential_blob;   // TPM2B_ID_OBJECT content: integrityHMAC (TPM2B) || encIdentity
  Bytes encrypted_secret;  // TPM2B_ENCRYPTED_SECRET content: the seed, RSA-OAEP to the EK
};

// `secret` (1 to 32 bytes) protected for the EK `ek` (RSA-2048) and the object Name `name`
// (the AK's). kKeyInvalid for another EK type, kInvalidArgument for sizes.
absl::StatusOr<MadeCredential> MakeCredential(const crypto::PublicKey& ek, ByteView name,
                                              const SecretBytes& secret);

// KDFa (Part 1 §11.4.10.2) with HMAC-SHA-256: `bits` of key from `key`, `label` (its NUL is
// added here), `context_u` and `context_v`.
SecretBytes KdfaSha256(const SecretBytes& key, std::string_view label, ByteView context_u,
                       ByteView context_v, size_t bits);

}  // namespace twi::evidence::tpm
