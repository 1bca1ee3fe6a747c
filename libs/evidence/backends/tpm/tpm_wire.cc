#include "libs/evidence/backends/tpm/tpm_wire.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/evidence/wire_reader.h"

namespace twi::evidence::tpm {
namespace {

constexpr uint16_t kAlgRsaEs = 0x0015;
constexpr uint16_t kAlgEcdaa = 0x001A;

// TPML_PCR_SELECTION (Part 2 §10.9.7): bit i of pcrSelect[j] selects PCR 8j + i.
absl::StatusOr<std::vector<PcrSelection>> ReadPcrSelections(WireReader& r) {
  TWI_ASSIGN_OR_RETURN(const uint32_t count, r.U32("pcrSelect.count"));
  if (count > kMaxPcrBanks) return r.Malformed("pcrSelect.count", "too many banks");
  std::vector<PcrSelection> out;
  for (uint32_t i = 0; i < count; ++i) {
    PcrSelection selection;
    TWI_ASSIGN_OR_RETURN(selection.hash_alg, r.U16("pcrSelect.hash"));
    for (const PcrSelection& seen : out) {
      if (seen.hash_alg == selection.hash_alg) {
        return r.Malformed("pcrSelect.hash", "a bank is selected twice");
      }
    }
    TWI_ASSIGN_OR_RETURN(const uint8_t size, r.U8("pcrSelect.sizeofSelect"));
    if (size == 0 || size > kMaxPcrSelectSize) {
      return r.Malformed("pcrSelect.sizeofSelect", "outside 1..4");
    }
    TWI_ASSIGN_OR_RETURN(const ByteView bits, r.Take(size, "pcrSelect.pcrSelect"));
    for (size_t byte = 0; byte < bits.size(); ++byte) {
      for (uint32_t bit = 0; bit < 8; ++bit) {
        if (bits[byte] & (1u << bit))
          selection.pcrs.push_back(static_cast<uint32_t>(byte * 8 + bit));
      }
    }
    out.push_back(std::move(selection));
  }
  return out;
}

Bytes Copy(ByteView v) { return Bytes(v.begin(), v.end()); }

// TPMT_SYM_DEF_OBJECT (Part 2 §11.1.7).
absl::Status ReadSymmetric(WireReader& r, TpmPublic& out) {
  TWI_ASSIGN_OR_RETURN(out.symmetric_alg, r.U16("parameters.symmetric.algorithm"));
  if (out.symmetric_alg == kAlgNull) return absl::OkStatus();
  TWI_ASSIGN_OR_RETURN(out.symmetric_bits, r.U16("parameters.symmetric.keyBits"));
  TWI_ASSIGN_OR_RETURN(out.symmetric_mode, r.U16("parameters.symmetric.mode"));
  return absl::OkStatus();
}

// TPMT_RSA_SCHEME / TPMT_ECC_SCHEME (Part 2 §11.2.4.2, §11.2.5.6): a scheme and, except for
// NULL and RSAES, its hash; ECDAA adds a commit count.
absl::Status ReadScheme(WireReader& r, TpmPublic& out) {
  TWI_ASSIGN_OR_RETURN(out.scheme, r.U16("parameters.scheme"));
  if (out.scheme == kAlgNull || out.scheme == kAlgRsaEs) return absl::OkStatus();
  TWI_ASSIGN_OR_RETURN(out.scheme_hash, r.U16("parameters.scheme.hashAlg"));
  if (out.scheme == kAlgEcdaa) TWI_RETURN_IF_ERROR(r.U16("parameters.scheme.count").status());
  return absl::OkStatus();
}

absl::StatusOr<TpmPublic> ReadPublic(WireReader& r, size_t start, ByteView all) {
  TpmPublic out;
  TWI_ASSIGN_OR_RETURN(out.type, r.U16("type"));
  TWI_ASSIGN_OR_RETURN(out.name_alg, r.U16("nameAlg"));
  TWI_ASSIGN_OR_RETURN(out.object_attributes, r.U32("objectAttributes"));
  TWI_ASSIGN_OR_RETURN(const ByteView policy, r.Sized16(kMaxDigestSize, "authPolicy"));
  out.auth_policy = Copy(policy);
  TWI_RETURN_IF_ERROR(ReadSymmetric(r, out));
  TWI_RETURN_IF_ERROR(ReadScheme(r, out));
  if (out.type == kAlgRsa) {
    TWI_ASSIGN_OR_RETURN(out.rsa_bits, r.U16("parameters.keyBits"));
    TWI_ASSIGN_OR_RETURN(out.rsa_exponent, r.U32("parameters.exponent"));
    TWI_ASSIGN_OR_RETURN(const ByteView n, r.Sized16(kMaxRsaKeyBytes, "unique.rsa"));
    if (n.size() * 8 != out.rsa_bits) {
      return r.Malformed("unique.rsa", "modulus size differs from keyBits");
    }
    out.unique_rsa = Copy(n);
  } else if (out.type == kAlgEcc) {
    TWI_ASSIGN_OR_RETURN(out.curve, r.U16("parameters.curveID"));
    TWI_ASSIGN_OR_RETURN(const uint16_t kdf, r.U16("parameters.kdf.scheme"));
    if (kdf != kAlgNull) TWI_RETURN_IF_ERROR(r.U16("parameters.kdf.hashAlg").status());
    TWI_ASSIGN_OR_RETURN(const ByteView x, r.Sized16(kMaxEccParameterSize, "unique.ecc.x"));
    TWI_ASSIGN_OR_RETURN(const ByteView y, r.Sized16(kMaxEccParameterSize, "unique.ecc.y"));
    out.unique_x = Copy(x);
    out.unique_y = Copy(y);
  } else {
    return r.Malformed("type", absl::StrFormat("key type 0x%04x is not RSA or ECC", out.type));
  }
  out.encoded = Copy(all.subspan(start, r.offset() - start));
  return out;
}

// Left-pads a big-endian integer to `size` bytes; nullopt if it does not fit.
std::optional<Bytes> PadTo(ByteView v, size_t size) {
  size_t skip = 0;
  while (skip < v.size() && v.size() - skip > size && v[skip] == 0) ++skip;
  if (v.size() - skip > size) return std::nullopt;
  Bytes out(size - (v.size() - skip), 0);
  out.insert(out.end(), v.begin() + skip, v.end());
  return out;
}

}  // namespace

std::optional<crypto::DigestAlgorithm> DigestFor(uint16_t hash_alg) {
  switch (hash_alg) {
    case kAlgSha1:
      return crypto::DigestAlgorithm::kSha1;
    case kAlgSha256:
      return crypto::DigestAlgorithm::kSha256;
    case kAlgSha384:
      return crypto::DigestAlgorithm::kSha384;
    case kAlgSha512:
      return crypto::DigestAlgorithm::kSha512;
    default:
      return std::nullopt;
  }
}

std::string_view HashAlgName(uint16_t hash_alg) {
  switch (hash_alg) {
    case kAlgSha1:
      return "sha1";
    case kAlgSha256:
      return "sha256";
    case kAlgSha384:
      return "sha384";
    case kAlgSha512:
      return "sha512";
    default:
      return "";
  }
}

std::optional<uint16_t> HashAlgFromName(std::string_view name) {
  for (const uint16_t alg : {kAlgSha1, kAlgSha256, kAlgSha384, kAlgSha512}) {
    if (name == HashAlgName(alg)) return alg;
  }
  return std::nullopt;
}

absl::StatusOr<QuoteAttest> ParseQuoteAttest(ByteView data) {
  WireReader r(data, Endian::kBig, "TPMS_ATTEST");
  TWI_ASSIGN_OR_RETURN(const uint32_t magic, r.U32("magic"));
  // Part 2 §10.12.12: only the TPM puts TPM_GENERATED_VALUE in a structure it signs.
  if (magic != kGeneratedValue) return r.Malformed("magic", "not TPM_GENERATED_VALUE");
  TWI_ASSIGN_OR_RETURN(const uint16_t type, r.U16("type"));
  if (type != kStAttestQuote) return r.Malformed("type", "not TPM_ST_ATTEST_QUOTE");
  QuoteAttest out;
  TWI_ASSIGN_OR_RETURN(const ByteView signer, r.Sized16(kMaxNameSize, "qualifiedSigner"));
  out.qualified_signer = Copy(signer);
  TWI_ASSIGN_OR_RETURN(const ByteView extra, r.Sized16(kMaxNameSize, "extraData"));
  out.extra_data = Copy(extra);
  TWI_ASSIGN_OR_RETURN(out.clock, r.U64("clockInfo.clock"));
  TWI_ASSIGN_OR_RETURN(out.reset_count, r.U32("clockInfo.resetCount"));
  TWI_ASSIGN_OR_RETURN(out.restart_count, r.U32("clockInfo.restartCount"));
  TWI_ASSIGN_OR_RETURN(const uint8_t safe, r.U8("clockInfo.safe"));
  if (safe > 1) return r.Malformed("clockInfo.safe", "TPMI_YES_NO is 0 or 1");
  out.safe = safe == 1;
  TWI_ASSIGN_OR_RETURN(out.firmware_version, r.U64("firmwareVersion"));
  TWI_ASSIGN_OR_RETURN(out.selections, ReadPcrSelections(r));
  TWI_ASSIGN_OR_RETURN(const ByteView digest, r.Sized16(kMaxDigestSize, "pcrDigest"));
  out.pcr_digest = Copy(digest);
  TWI_RETURN_IF_ERROR(r.ExpectEnd());
  return out;
}

absl::StatusOr<TpmSignature> ParseSignature(ByteView data) {
  WireReader r(data, Endian::kBig, "TPMT_SIGNATURE");
  TpmSignature out;
  TWI_ASSIGN_OR_RETURN(out.sig_alg, r.U16("sigAlg"));
  TWI_ASSIGN_OR_RETURN(out.hash_alg, r.U16("hash"));
  if (out.sig_alg == kAlgRsaSsa || out.sig_alg == kAlgRsaPss) {
    TWI_ASSIGN_OR_RETURN(const ByteView sig, r.Sized16(kMaxRsaKeyBytes, "signature.rsa"));
    out.rsa = Copy(sig);
  } else if (out.sig_alg == kAlgEcdsa) {
    TWI_ASSIGN_OR_RETURN(const ByteView sr, r.Sized16(kMaxEccParameterSize, "signature.r"));
    TWI_ASSIGN_OR_RETURN(const ByteView ss, r.Sized16(kMaxEccParameterSize, "signature.s"));
    out.ecc_r = Copy(sr);
    out.ecc_s = Copy(ss);
  } else {
    return r.Malformed("sigAlg",
                       absl::StrFormat("0x%04x is not RSASSA, RSAPSS or ECDSA", out.sig_alg));
  }
  TWI_RETURN_IF_ERROR(r.ExpectEnd());
  return out;
}

absl::StatusOr<TpmPublic> ParsePublic(ByteView data) {
  WireReader r(data, Endian::kBig, "TPMT_PUBLIC");
  TWI_ASSIGN_OR_RETURN(TpmPublic out, ReadPublic(r, 0, data));
  TWI_RETURN_IF_ERROR(r.ExpectEnd());
  return out;
}

absl::StatusOr<TpmPublic> ParsePublic2b(ByteView data) {
  WireReader r(data, Endian::kBig, "TPM2B_PUBLIC");
  TWI_ASSIGN_OR_RETURN(const ByteView inner, r.Sized16(data.size(), "size"));
  TWI_RETURN_IF_ERROR(r.ExpectEnd());
  return ParsePublic(inner);
}

absl::StatusOr<crypto::PublicKey> TpmPublic::Key() const {
  if (type == kAlgRsa) {
    if (rsa_bits < 2048) return Error(Reason::kKeyInvalid, "TPM RSA keys below 2048 bits");
    const uint32_t e = rsa_exponent == 0 ? 65537 : rsa_exponent;
    Bytes exponent;  // minimal big-endian, as crypto::PublicKey::FromRsa wants it
    for (int shift = 24; shift >= 0; shift -= 8) {
      const uint8_t byte = static_cast<uint8_t>(e >> shift);
      if (byte != 0 || !exponent.empty()) exponent.push_back(byte);
    }
    return crypto::PublicKey::FromRsa(unique_rsa, exponent);
  }
  crypto::KeyType key_type;
  size_t size = 0;
  if (curve == kEccNistP256) {
    key_type = crypto::KeyType::kEcP256;
    size = 32;
  } else if (curve == kEccNistP384) {
    key_type = crypto::KeyType::kEcP384;
    size = 48;
  } else {
    return Error(Reason::kKeyInvalid,
                 absl::StrFormat("TPM ECC curve 0x%04x is not NIST P-256 or P-384", curve));
  }
  const std::optional<Bytes> x = PadTo(unique_x, size);
  const std::optional<Bytes> y = PadTo(unique_y, size);
  if (!x || !y) return Error(Reason::kKeyInvalid, "TPM ECC point larger than its curve");
  return crypto::PublicKey::FromEcCoordinates(key_type, *x, *y);
}

absl::StatusOr<Bytes> TpmPublic::Name() const {
  const std::optional<crypto::DigestAlgorithm> digest = DigestFor(name_alg);
  if (!digest || name_alg == kAlgSha1) {
    return Error(Reason::kEvidenceMalformed,
                 absl::StrFormat("TPMT_PUBLIC: nameAlg 0x%04x is not SHA-256/384/512", name_alg));
  }
  Bytes name = {static_cast<uint8_t>(name_alg >> 8), static_cast<uint8_t>(name_alg)};
  const Bytes h = crypto::Digest(*digest, encoded);
  name.insert(name.end(), h.begin(), h.end());
  return name;
}

}  // namespace twi::evidence::tpm
