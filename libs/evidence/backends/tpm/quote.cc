#include "libs/evidence/backends/tpm/quote.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/signature.h"

namespace twi::evidence::tpm {
namespace {

absl::StatusOr<SignatureCheck> ToCheck(const TpmSignature& sig, const TpmPublic& ak) {
  auto unsupported = [&] {
    return Error(Reason::kUnsupportedAlgorithm,
                 absl::StrFormat("TPM quote signature 0x%04x/0x%04x with a key of type 0x%04x",
                                 sig.sig_alg, sig.hash_alg, ak.type));
  };
  // Part 3 §18.4.1: a key with a scheme signs only with that scheme.
  if (ak.scheme != kAlgNull && (ak.scheme != sig.sig_alg || ak.scheme_hash != sig.hash_alg)) {
    return Error(Reason::kTpmAkInvalid, "the quote is not signed with the AK's own scheme");
  }
  if (ak.type == kAlgRsa && sig.hash_alg == kAlgSha256) {
    if (sig.sig_alg == kAlgRsaSsa)
      return SignatureCheck{crypto::SignatureAlgorithm::kRsaPkcs1Sha256, sig.rsa};
    if (sig.sig_alg == kAlgRsaPss)
      return SignatureCheck{crypto::SignatureAlgorithm::kRsaPssSha256, sig.rsa};
    return unsupported();
  }
  if (ak.type != kAlgEcc || sig.sig_alg != kAlgEcdsa) return unsupported();
  size_t size = 0;
  crypto::SignatureAlgorithm algorithm;
  if (ak.curve == kEccNistP256 && sig.hash_alg == kAlgSha256) {
    size = 32;
    algorithm = crypto::SignatureAlgorithm::kEcdsaP256Sha256;
  } else if (ak.curve == kEccNistP384 && sig.hash_alg == kAlgSha384) {
    size = 48;
    algorithm = crypto::SignatureAlgorithm::kEcdsaP384Sha384;
  } else {
    return unsupported();
  }
  // r and s are TPM2B_ECC_PARAMETERs: big-endian, at most the curve's size, possibly shorter.
  if (sig.ecc_r.size() > size || sig.ecc_s.size() > size) {
    return Error(Reason::kEvidenceSignatureInvalid, "ECDSA r or s is larger than the curve");
  }
  Bytes raw(2 * size, 0);
  std::copy(sig.ecc_r.begin(), sig.ecc_r.end(), raw.begin() + (size - sig.ecc_r.size()));
  std::copy(sig.ecc_s.begin(), sig.ecc_s.end(), raw.end() - sig.ecc_s.size());
  return SignatureCheck{algorithm, std::move(raw)};
}

}  // namespace

absl::Status CheckAttestationKey(const TpmPublic& ak) {
  const struct {
    uint32_t bit;
    const char* name;
  } required[] = {{kObjectSign, "sign"},
                  {kObjectRestricted, "restricted"},
                  {kObjectFixedTpm, "fixedTPM"},
                  {kObjectSensitiveDataOrigin, "sensitiveDataOrigin"}};
  for (const auto& r : required) {
    if ((ak.object_attributes & r.bit) == 0) {
      return Error(Reason::kTpmAkInvalid,
                   absl::StrFormat("the attestation key lacks the %s attribute", r.name));
    }
  }
  if (ak.object_attributes & kObjectDecrypt) {
    return Error(Reason::kTpmAkInvalid, "an attestation key must not be a decryption key");
  }
  return absl::OkStatus();
}

absl::StatusOr<SignatureCheck> QuoteSignatureCheck(ByteView signature, const TpmPublic& ak) {
  TWI_ASSIGN_OR_RETURN(const TpmSignature sig, ParseSignature(signature));
  return ToCheck(sig, ak);
}

absl::StatusOr<QuoteAttest> VerifyQuote(ByteView attest, ByteView signature, const TpmPublic& ak,
                                        ByteView qualifying_data,
                                        const std::vector<PcrBank>& banks) {
  TWI_ASSIGN_OR_RETURN(const crypto::PublicKey key, ak.Key());
  return VerifyQuote(attest, signature, ak, key, qualifying_data, banks);
}

absl::StatusOr<QuoteAttest> VerifyQuote(ByteView attest, ByteView signature, const TpmPublic& ak,
                                        const crypto::PublicKey& key, ByteView qualifying_data,
                                        const std::vector<PcrBank>& banks) {
  TWI_ASSIGN_OR_RETURN(QuoteAttest quote, ParseQuoteAttest(attest));
  TWI_ASSIGN_OR_RETURN(const TpmSignature sig, ParseSignature(signature));
  TWI_RETURN_IF_ERROR(CheckAttestationKey(ak));
  TWI_ASSIGN_OR_RETURN(const SignatureCheck check, ToCheck(sig, ak));
  if (!crypto::VerifySignature(key, check.algorithm, attest, check.encoded).ok()) {
    return Error(Reason::kEvidenceSignatureInvalid,
                 "the TPM quote's signature does not verify with the attestation key");
  }
  if (Bytes(qualifying_data.begin(), qualifying_data.end()) != quote.extra_data) {
    return Error(Reason::kBindingMismatch,
                 "the TPM quote's qualifyingData is not the expected binding digest");
  }
  const crypto::DigestAlgorithm digest = *DigestFor(sig.hash_alg);
  // Hashed in one call: 24 digest updates cost more than the copy.
  Bytes selected;
  selected.reserve(kMaxPcrs * kMaxDigestSize);
  for (const PcrSelection& selection : quote.selections) {
    const PcrBank* bank = nullptr;
    for (const PcrBank& b : banks) {
      if (b.hash_alg == selection.hash_alg) bank = &b;
    }
    const std::optional<crypto::DigestAlgorithm> bank_digest = DigestFor(selection.hash_alg);
    if (!bank_digest) {
      return Error(Reason::kUnsupportedAlgorithm,
                   absl::StrFormat("PCR bank 0x%04x", selection.hash_alg));
    }
    for (const uint32_t pcr : selection.pcrs) {
      const auto value =
          bank == nullptr ? std::map<uint32_t, Bytes>::const_iterator() : bank->values.find(pcr);
      if (bank == nullptr || value == bank->values.end() ||
          value->second.size() != crypto::DigestSize(*bank_digest)) {
        return Error(Reason::kTpmPcrDigestMismatch,
                     absl::StrFormat("no %s value of PCR %d, which the quote covers",
                                     HashAlgName(selection.hash_alg), pcr));
      }
      selected.insert(selected.end(), value->second.begin(), value->second.end());
    }
  }
  if (crypto::Digest(digest, selected) != quote.pcr_digest) {
    return Error(Reason::kTpmPcrDigestMismatch,
                 "the reported PCR values do not hash to the quote's pcrDigest");
  }
  return quote;
}

}  // namespace twi::evidence::tpm
