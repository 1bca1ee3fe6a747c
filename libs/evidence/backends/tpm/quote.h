// Verification of a TPM 2.0 quote (TPM2_Quote, TPM 2.0 Library Part 3 §18.4) against a known
// Attestation Key: the signature over the exact TPMS_ATTEST bytes, the caller's qualifyingData,
// and the PCR values reported beside the quote against its signed pcrDigest.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/signature.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"

namespace twi::evidence::tpm {

// A quote as the TPM returns it: the signed structure and its signature, both marshalled.
struct TpmQuote {
  Bytes attest;     // TPMS_ATTEST, exactly as signed
  Bytes signature;  // TPMT_SIGNATURE
};

// The values of one PCR bank, by PCR index.
struct PcrBank {
  uint16_t hash_alg = 0;
  std::map<uint32_t, Bytes> values;
};

// Whether `ak` may sign quotes at all: a restricted signing key that never leaves its TPM
// (Part 1 §25.2: only a restricted key's signature proves the TPM produced the structure).
// kTpmAkInvalid naming the missing attribute.
absl::Status CheckAttestationKey(const TpmPublic& ak);

// The signature check VerifyQuote makes: the algorithm and the signature in the form
// crypto::VerifySignature takes (for the benchmark's raw-verify baseline). Reasons as
// VerifyQuote's step 2.
struct SignatureCheck {
  crypto::SignatureAlgorithm algorithm;
  Bytes encoded;
};
absl::StatusOr<SignatureCheck> QuoteSignatureCheck(ByteView signature, const TpmPublic& ak);

// Checks, in this order, and returns the parsed quote:
//  1. `attest` is a TPMS_ATTEST quote and `signature` a TPMT_SIGNATURE (kEvidenceMalformed);
//  2. the signature's algorithm fits the AK (its key type, and its scheme if the AK fixes one)
//     and is RSASSA or RSAPSS with SHA-256 or ECDSA P-256/SHA-256 or P-384/SHA-384
//     (kUnsupportedAlgorithm otherwise), and verifies over `attest` (kEvidenceSignatureInvalid);
//  3. extraData equals `qualifying_data` (kBindingMismatch);
//  4. every bank the quote selects is in `banks` with a value of the bank's digest size for each
//     selected PCR, and the hash (the signature's hash, Part 3 §18.4.1) of those values
//     concatenated bank by bank in the quote's order, PCRs ascending, equals pcrDigest
//     (kTpmPcrDigestMismatch).
absl::StatusOr<QuoteAttest> VerifyQuote(ByteView attest, ByteView signature, const TpmPublic& ak,
                                        ByteView qualifying_data,
                                        const std::vector<PcrBank>& banks);
// The same with `ak`'s key already made (ak.Key()): building an OpenSSL key, RSA's Montgomery
// setup in particular, costs more than the verification itself.
absl::StatusOr<QuoteAttest> VerifyQuote(ByteView attest, ByteView signature, const TpmPublic& ak,
                                        const crypto::PublicKey& key, ByteView qualifying_data,
                                        const std::vector<PcrBank>& banks);

}  // namespace twi::evidence::tpm
