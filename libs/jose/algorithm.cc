#include "libs/jose/algorithm.h"

#include <array>
#include <utility>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::jose {
namespace {

struct AlgorithmInfo {
  Algorithm alg;
  std::string_view name;
  crypto::SignatureAlgorithm signature;
};

constexpr std::array<AlgorithmInfo, 5> kAlgorithms = {{
    {Algorithm::kES256, "ES256", crypto::SignatureAlgorithm::kEcdsaP256Sha256},
    {Algorithm::kES384, "ES384", crypto::SignatureAlgorithm::kEcdsaP384Sha384},
    {Algorithm::kEdDSA, "EdDSA", crypto::SignatureAlgorithm::kEd25519},
    {Algorithm::kRS256, "RS256", crypto::SignatureAlgorithm::kRsaPkcs1Sha256},
    {Algorithm::kPS256, "PS256", crypto::SignatureAlgorithm::kRsaPssSha256},
}};

const AlgorithmInfo& Info(Algorithm alg) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (info.alg == alg) return info;
  }
  abort();  // unreachable: every enumerator is in the table
}

}  // namespace

std::string_view AlgorithmName(Algorithm alg) { return Info(alg).name; }

absl::StatusOr<Algorithm> AlgorithmFromName(std::string_view name) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (info.name == name) return info.alg;
  }
  // RFC 8725 §3.1: never accept "none" (or anything not on our list) because a token said so.
  return Error(Reason::kJoseAlgorithmNotAllowed,
               absl::StrFormat("JOSE algorithm \"%s\" is not supported", name.substr(0, 32)));
}

crypto::SignatureAlgorithm ToSignatureAlgorithm(Algorithm alg) { return Info(alg).signature; }

absl::StatusOr<Algorithm> FromSignatureAlgorithm(crypto::SignatureAlgorithm alg) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (info.signature == alg) return info.alg;
  }
  return Error(Reason::kUnsupportedAlgorithm, "signature algorithm has no JOSE name");
}

bool KeyFitsAlgorithm(const crypto::PublicKey& key, Algorithm alg) {
  return crypto::SignatureKeyType(ToSignatureAlgorithm(alg)) == key.type();
}

}  // namespace twi::jose
