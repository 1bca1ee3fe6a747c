// TPM 2.0 wire structures a verifier reads (TPM 2.0 Library, Part 2 "Structures"): TPMS_ATTEST
// of a quote, TPMT_SIGNATURE, TPMT_PUBLIC. Parsing only: bounds-checked, big-endian, strict
// (every size within the structure's own maximum, no trailing bytes), no cryptography except
// the digest of a Name. Errors are kEvidenceMalformed naming the field.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/keys.h"

namespace twi::evidence::tpm {

// TPM_ALG_ID values (Part 2 §6.3).
inline constexpr uint16_t kAlgRsa = 0x0001;
inline constexpr uint16_t kAlgSha1 = 0x0004;
inline constexpr uint16_t kAlgAes = 0x0006;
inline constexpr uint16_t kAlgSha256 = 0x000B;
inline constexpr uint16_t kAlgSha384 = 0x000C;
inline constexpr uint16_t kAlgSha512 = 0x000D;
inline constexpr uint16_t kAlgNull = 0x0010;
inline constexpr uint16_t kAlgRsaSsa = 0x0014;
inline constexpr uint16_t kAlgRsaPss = 0x0016;
inline constexpr uint16_t kAlgEcdsa = 0x0018;
inline constexpr uint16_t kAlgEcc = 0x0023;
inline constexpr uint16_t kAlgCfb = 0x0043;
// TPM_ECC_CURVE (Part 2 §6.4).
inline constexpr uint16_t kEccNistP256 = 0x0003;
inline constexpr uint16_t kEccNistP384 = 0x0004;
// TPM_GENERATED_VALUE and TPM_ST_ATTEST_QUOTE (Part 2 §6.2, §6.9).
inline constexpr uint32_t kGeneratedValue = 0xff544347;
inline constexpr uint16_t kStAttestQuote = 0x8018;

// TPMA_OBJECT bits (Part 2 §8.3).
inline constexpr uint32_t kObjectFixedTpm = 1u << 1;
inline constexpr uint32_t kObjectFixedParent = 1u << 4;
inline constexpr uint32_t kObjectSensitiveDataOrigin = 1u << 5;
inline constexpr uint32_t kObjectUserWithAuth = 1u << 6;
inline constexpr uint32_t kObjectAdminWithPolicy = 1u << 7;
inline constexpr uint32_t kObjectRestricted = 1u << 16;
inline constexpr uint32_t kObjectDecrypt = 1u << 17;
inline constexpr uint32_t kObjectSign = 1u << 18;

// Implementation limits of the structures (Part 2 §10, PC Client platform values).
inline constexpr size_t kMaxDigestSize = 64;        // sizeof(TPMU_HA), SHA-512
inline constexpr size_t kMaxNameSize = 2 + 64;      // sizeof(TPMU_NAME)
inline constexpr size_t kMaxPcrSelectSize = 4;      // PCR_SELECT_MAX for 24..32 PCRs
inline constexpr size_t kMaxPcrBanks = 16;          // HASH_COUNT, generously
inline constexpr size_t kMaxRsaKeyBytes = 512;      // MAX_RSA_KEY_BYTES (4096 bits)
inline constexpr size_t kMaxEccParameterSize = 66;  // MAX_ECC_KEY_BYTES (P-521)
inline constexpr size_t kMaxPcrs = 32;

// The digest a TPM_ALG_ID names; nullopt for algorithms twi does not hash with (SM3, SHA3).
std::optional<crypto::DigestAlgorithm> DigestFor(uint16_t hash_alg);
// "sha1", "sha256", "sha384", "sha512" (the bank names of pcrs_<bank>.json and policies);
// "" for others.
std::string_view HashAlgName(uint16_t hash_alg);
// The inverse of HashAlgName; nullopt for any other name.
std::optional<uint16_t> HashAlgFromName(std::string_view name);

// TPMS_PCR_SELECTION: one bank and the PCR indexes selected in it, ascending.
struct PcrSelection {
  uint16_t hash_alg = 0;
  std::vector<uint32_t> pcrs;
};

// TPMS_ATTEST with TPMS_QUOTE_INFO as its attested member (Part 2 §10.12.12, §10.12.1).
struct QuoteAttest {
  Bytes qualified_signer;  // TPM2B_NAME content
  Bytes extra_data;        // TPM2B_DATA content: the caller's qualifyingData
  uint64_t clock = 0;      // TPMS_CLOCK_INFO
  uint32_t reset_count = 0;
  uint32_t restart_count = 0;
  bool safe = false;
  uint64_t firmware_version = 0;
  std::vector<PcrSelection> selections;  // TPML_PCR_SELECTION
  Bytes pcr_digest;                      // TPM2B_DIGEST content
};

// Parses the exact TPMS_ATTEST bytes the TPM signed; only quotes are accepted.
absl::StatusOr<QuoteAttest> ParseQuoteAttest(ByteView data);

// TPMT_SIGNATURE (Part 2 §11.3.4) for RSASSA, RSAPSS and ECDSA.
struct TpmSignature {
  uint16_t sig_alg = 0;
  uint16_t hash_alg = 0;
  Bytes rsa;    // RSASSA / RSAPSS: the signature
  Bytes ecc_r;  // ECDSA: r and s as the TPM gives them (big-endian, possibly short)
  Bytes ecc_s;
};

absl::StatusOr<TpmSignature> ParseSignature(ByteView data);

// TPMT_PUBLIC (Part 2 §12.2.4) of an RSA or ECC key.
struct TpmPublic {
  uint16_t type = 0;
  uint16_t name_alg = 0;
  uint32_t object_attributes = 0;
  Bytes auth_policy;
  uint16_t symmetric_alg = kAlgNull;  // TPMT_SYM_DEF_OBJECT.algorithm
  uint16_t symmetric_bits = 0;
  uint16_t symmetric_mode = 0;
  uint16_t scheme = kAlgNull;  // TPMT_RSA_SCHEME / TPMT_ECC_SCHEME
  uint16_t scheme_hash = 0;
  uint16_t rsa_bits = 0;
  uint32_t rsa_exponent = 0;  // 0 means 65537 (Part 2 §12.2.3.5)
  uint16_t curve = 0;
  Bytes unique_rsa;  // modulus
  Bytes unique_x;    // ECC point
  Bytes unique_y;
  Bytes encoded;  // the exact TPMT_PUBLIC bytes, which the Name hashes

  // The key as a crypto::PublicKey (RSA, EC P-256 or P-384). kKeyInvalid otherwise.
  absl::StatusOr<crypto::PublicKey> Key() const;
  // TPM2B_NAME content: nameAlg || H_nameAlg(TPMT_PUBLIC) (Part 1 §16). kEvidenceMalformed
  // for a nameAlg twi cannot hash.
  absl::StatusOr<Bytes> Name() const;
};

// Parses a TPMT_PUBLIC; `data` must hold exactly one.
absl::StatusOr<TpmPublic> ParsePublic(ByteView data);
// Parses a TPM2B_PUBLIC (size-prefixed TPMT_PUBLIC), as TPM2_ReadPublic returns it.
absl::StatusOr<TpmPublic> ParsePublic2b(ByteView data);

}  // namespace twi::evidence::tpm
