#include "libs/evidence/backends/tpm/tpm_device.h"

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::evidence::tpm {
namespace {

absl::Status TssError(std::string_view call, TSS2_RC rc) {
  return Error(Reason::kUnavailable,
               absl::StrFormat("TPM: %s failed: %s", call, Tss2_RC_Decode(rc)));
}

// Frees what ESAPI allocated for an output parameter.
template <typename T>
struct EsysFreer {
  void operator()(T* p) const { Esys_Free(p); }
};
template <typename T>
using EsysPtr = std::unique_ptr<T, EsysFreer<T>>;

absl::StatusOr<TPML_PCR_SELECTION> Selection(uint16_t hash_alg, const std::vector<uint32_t>& pcrs) {
  TPML_PCR_SELECTION selection{};
  selection.count = 1;
  selection.pcrSelections[0].hash = hash_alg;
  selection.pcrSelections[0].sizeofSelect = 3;
  for (const uint32_t pcr : pcrs) {
    if (pcr >= 24) return Error(Reason::kInvalidArgument, "TPM PCRs are 0 to 23");
    selection.pcrSelections[0].pcrSelect[pcr / 8] |= static_cast<uint8_t>(1u << (pcr % 8));
  }
  return selection;
}

TPM2B_PUBLIC AkTemplate(crypto::KeyType type) {
  TPM2B_PUBLIC in{};
  TPMT_PUBLIC& p = in.publicArea;
  p.nameAlg = TPM2_ALG_SHA256;
  p.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                       TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
                       TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
  if (type == crypto::KeyType::kRsa) {
    p.type = TPM2_ALG_RSA;
    p.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
    p.parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
    p.parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
    p.parameters.rsaDetail.keyBits = 2048;
    p.parameters.rsaDetail.exponent = 0;
  } else {
    p.type = TPM2_ALG_ECC;
    p.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
    p.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
    p.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
    p.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
    p.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
  }
  return in;
}

}  // namespace

struct TpmDevice::Context {
  TSS2_TCTI_CONTEXT* tcti = nullptr;
  ESYS_CONTEXT* esys = nullptr;
  ~Context() {
    if (esys != nullptr) Esys_Finalize(&esys);
    if (tcti != nullptr) Tss2_TctiLdr_Finalize(&tcti);
  }
};

TpmDevice::TpmDevice(std::unique_ptr<Context> context) : context_(std::move(context)) {}
TpmDevice::~TpmDevice() = default;

TpmDevice::Key::~Key() { Esys_FlushContext(context_->esys, handle_); }

absl::StatusOr<std::unique_ptr<TpmDevice>> TpmDevice::Open(const std::string& tcti) {
  auto context = std::make_unique<Context>();
  TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti.c_str(), &context->tcti);
  if (rc != TSS2_RC_SUCCESS) {
    return Error(Reason::kUnavailable,
                 absl::StrFormat("TPM: cannot open TCTI \"%s\": %s", tcti, Tss2_RC_Decode(rc)));
  }
  rc = Esys_Initialize(&context->esys, context->tcti, nullptr);
  if (rc != TSS2_RC_SUCCESS) return TssError("Esys_Initialize", rc);
  return std::unique_ptr<TpmDevice>(new TpmDevice(std::move(context)));
}

absl::StatusOr<std::unique_ptr<TpmDevice::Key>> TpmDevice::CreateAttestationKey(
    crypto::KeyType type) {
  if (type != crypto::KeyType::kRsa && type != crypto::KeyType::kEcP256) {
    return Error(Reason::kUnsupportedAlgorithm, "TPM attestation keys are RSA-2048 or P-256");
  }
  const TPM2B_SENSITIVE_CREATE sensitive{};
  const TPM2B_PUBLIC in = AkTemplate(type);
  const TPM2B_DATA outside{};
  const TPML_PCR_SELECTION creation_pcrs{};
  ESYS_TR handle = ESYS_TR_NONE;
  TPM2B_PUBLIC* out_public = nullptr;
  TPM2B_CREATION_DATA* creation_data = nullptr;
  TPM2B_DIGEST* creation_hash = nullptr;
  TPMT_TK_CREATION* creation_ticket = nullptr;
  const TSS2_RC rc =
      Esys_CreatePrimary(context_->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                         ESYS_TR_NONE, &sensitive, &in, &outside, &creation_pcrs, &handle,
                         &out_public, &creation_data, &creation_hash, &creation_ticket);
  const EsysPtr<TPM2B_PUBLIC> public_owner(out_public);
  const EsysPtr<TPM2B_CREATION_DATA> data_owner(creation_data);
  const EsysPtr<TPM2B_DIGEST> hash_owner(creation_hash);
  const EsysPtr<TPMT_TK_CREATION> ticket_owner(creation_ticket);
  if (rc != TSS2_RC_SUCCESS) return TssError("TPM2_CreatePrimary", rc);
  // From here the key is in the TPM: the Key object owns (and flushes) it.
  std::unique_ptr<Key> key(new Key(context_.get(), handle, {}, {}));
  Bytes encoded(sizeof(TPMT_PUBLIC));
  size_t offset = 0;
  const TSS2_RC mu =
      Tss2_MU_TPMT_PUBLIC_Marshal(&out_public->publicArea, encoded.data(), encoded.size(), &offset);
  if (mu != TSS2_RC_SUCCESS) return TssError("Tss2_MU_TPMT_PUBLIC_Marshal", mu);
  encoded.resize(offset);
  TWI_ASSIGN_OR_RETURN(key->parsed_, ParsePublic(encoded));
  key->public_area_ = std::move(encoded);
  return key;
}

absl::StatusOr<TpmQuote> TpmDevice::Quote(const Key& key, ByteView qualifying_data,
                                          uint16_t hash_alg, const std::vector<uint32_t>& pcrs) {
  TPM2B_DATA extra{};
  if (qualifying_data.size() > sizeof(extra.buffer)) {
    return Error(Reason::kInvalidArgument, "TPM qualifyingData is at most 64 bytes");
  }
  extra.size = static_cast<UINT16>(qualifying_data.size());
  std::copy(qualifying_data.begin(), qualifying_data.end(), extra.buffer);
  TWI_ASSIGN_OR_RETURN(const TPML_PCR_SELECTION selection, Selection(hash_alg, pcrs));
  TPMT_SIG_SCHEME scheme{};
  scheme.scheme = TPM2_ALG_NULL;  // the key's own scheme
  TPM2B_ATTEST* quoted = nullptr;
  TPMT_SIGNATURE* signature = nullptr;
  const TSS2_RC rc = Esys_Quote(context_->esys, key.handle_, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                ESYS_TR_NONE, &extra, &scheme, &selection, &quoted, &signature);
  const EsysPtr<TPM2B_ATTEST> quoted_owner(quoted);
  const EsysPtr<TPMT_SIGNATURE> signature_owner(signature);
  if (rc != TSS2_RC_SUCCESS) return TssError("TPM2_Quote", rc);
  TpmQuote out;
  out.attest.assign(quoted->attestationData, quoted->attestationData + quoted->size);
  out.signature.resize(sizeof(TPMT_SIGNATURE));
  size_t offset = 0;
  const TSS2_RC mu = Tss2_MU_TPMT_SIGNATURE_Marshal(signature, out.signature.data(),
                                                    out.signature.size(), &offset);
  if (mu != TSS2_RC_SUCCESS) return TssError("Tss2_MU_TPMT_SIGNATURE_Marshal", mu);
  out.signature.resize(offset);
  return out;
}

absl::StatusOr<PcrBank> TpmDevice::ReadPcrs(uint16_t hash_alg, const std::vector<uint32_t>& pcrs) {
  PcrBank bank{.hash_alg = hash_alg, .values = {}};
  std::vector<uint32_t> wanted = pcrs;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  // TPM2_PCR_Read returns at most eight digests per call (Part 3 §22.4): ask for the rest
  // until every PCR is in.
  while (!wanted.empty()) {
    TWI_ASSIGN_OR_RETURN(const TPML_PCR_SELECTION selection, Selection(hash_alg, wanted));
    UINT32 counter = 0;
    TPML_PCR_SELECTION* read = nullptr;
    TPML_DIGEST* values = nullptr;
    const TSS2_RC rc = Esys_PCR_Read(context_->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                     &selection, &counter, &read, &values);
    const EsysPtr<TPML_PCR_SELECTION> read_owner(read);
    const EsysPtr<TPML_DIGEST> values_owner(values);
    if (rc != TSS2_RC_SUCCESS) return TssError("TPM2_PCR_Read", rc);
    std::vector<uint32_t> got;
    for (UINT32 b = 0; b < read->count; ++b) {
      const TPMS_PCR_SELECTION& s = read->pcrSelections[b];
      if (s.hash != hash_alg) continue;
      for (uint32_t pcr = 0; pcr < 8u * s.sizeofSelect; ++pcr) {
        if (s.pcrSelect[pcr / 8] & (1u << (pcr % 8))) got.push_back(pcr);
      }
    }
    if (got.empty() || got.size() != values->count) {
      return Error(Reason::kUnavailable, "TPM2_PCR_Read returned no or inconsistent values");
    }
    for (size_t i = 0; i < got.size(); ++i) {
      const TPM2B_DIGEST& d = values->digests[i];
      bank.values[got[i]] = Bytes(d.buffer, d.buffer + d.size);
      wanted.erase(std::remove(wanted.begin(), wanted.end(), got[i]), wanted.end());
    }
  }
  return bank;
}

absl::Status TpmDevice::Extend(uint32_t pcr, uint16_t hash_alg, ByteView digest) {
  if (pcr >= 24) return Error(Reason::kInvalidArgument, "TPM PCRs are 0 to 23");
  const std::optional<crypto::DigestAlgorithm> algorithm = DigestFor(hash_alg);
  if (!algorithm || crypto::DigestSize(*algorithm) != digest.size()) {
    return Error(Reason::kInvalidArgument, "a PCR extend needs a digest of the bank's size");
  }
  TPML_DIGEST_VALUES values{};
  values.count = 1;
  values.digests[0].hashAlg = hash_alg;
  std::memcpy(&values.digests[0].digest, digest.data(), digest.size());
  const TSS2_RC rc = Esys_PCR_Extend(context_->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD,
                                     ESYS_TR_NONE, ESYS_TR_NONE, &values);
  if (rc != TSS2_RC_SUCCESS) return TssError("TPM2_PCR_Extend", rc);
  return absl::OkStatus();
}

}  // namespace twi::evidence::tpm
