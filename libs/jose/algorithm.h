// JOSE signature algorithm identifiers (RFC 7518 §3.1, RFC 8037 §3.1) and their mapping onto
// libs/crypto signature algorithms.
//
// Only the asymmetric algorithms twi uses or verifies exist here. "none" and the HMAC family
// are deliberately unrepresentable, so no allow-list can ever admit them (RFC 8725 §3.1-3.2).
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "libs/crypto/signature.h"

namespace twi::jose {

enum class Algorithm { kES256, kES384, kEdDSA, kRS256, kPS256 };

// "ES256", "ES384", "EdDSA", "RS256", "PS256". Thread-safe.
std::string_view AlgorithmName(Algorithm alg);

// Exact, case-sensitive match on the names above (RFC 7515 §4.1.1: "alg" is case-sensitive).
// "none", "HS256" and any other name -> kJoseAlgorithmNotAllowed. Thread-safe.
absl::StatusOr<Algorithm> AlgorithmFromName(std::string_view name);

// Thread-safe; total.
crypto::SignatureAlgorithm ToSignatureAlgorithm(Algorithm alg);

// Inverse of ToSignatureAlgorithm; kUnsupportedAlgorithm for a crypto algorithm without a JOSE
// name. Thread-safe.
absl::StatusOr<Algorithm> FromSignatureAlgorithm(crypto::SignatureAlgorithm alg);

// True iff `key` is of the one key type `alg` is defined for (RFC 7518 §3.4: ES256 is P-256
// only, ES384 P-384 only; RFC 8037 §3.1: EdDSA here means Ed25519). Thread-safe.
bool KeyFitsAlgorithm(const crypto::PublicKey& key, Algorithm alg);

}  // namespace twi::jose
