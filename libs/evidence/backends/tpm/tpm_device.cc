#include "libs/evidence/backends/tpm/tpm_device.h"

#include <openssl/crypto.h>
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

// The TCG EK Credential Profile's default RSA EK template (L-1, §2.1.5.1): what an EK
// certificate certifies, so the same TPM derives the same key from its endorsement seed.
TPM2B_PUBLIC EkTemplate() {
  static constexpr uint8_t kPolicySecretEndorsement[32] = {
      0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc,
      0x8d, 0x46, 0xa5, 0xd7, 0x24, 0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52,
      0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa};
  TPM2B_PUBLIC in{};
  TPMT_PUBLIC& p = in.publicArea;
  p.type = TPM2_ALG_RSA;
  p.nameAlg = TPM2_ALG_SHA256;
  p.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                       TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_ADMINWITHPOLICY |
                       TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
  p.authPolicy.size = sizeof(kPolicySecretEndorsement);
  std::memcpy(p.authPolicy.buffer, kPolicySecretEndorsement, sizeof(kPolicySecretEndorsement));
  p.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_AES;
  p.parameters.rsaDetail.symmetric.keyBits.aes = 128;
  p.parameters.rsaDetail.symmetric.mode.aes = TPM2_ALG_CFB;
  p.parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
  p.parameters.rsaDetail.keyBits = 2048;
  p.parameters.rsaDetail.exponent = 0;
  p.unique.rsa.size = 256;  // zeros
  return in;
}

// The EK certificate's NV index for the RSA-2048 EK (TCG EK Credential Profile §2.2.1.4).
constexpr TPM2_HANDLE kRsaEkCertificateIndex = 0x01c00002;
constexpr UINT16 kNvChunk = 512;  // well under any TPM's MAX_NV_BUFFER_SIZE

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
  const TPM2B_PUBLIC in = AkTemplate(type);
  return CreatePrimary(&in);
}

absl::StatusOr<std::unique_ptr<TpmDevice::Key>> TpmDevice::CreateEndorsementKey() {
  const TPM2B_PUBLIC in = EkTemplate();
  return CreatePrimary(&in);
}

absl::StatusOr<std::unique_ptr<TpmDevice::Key>> TpmDevice::CreatePrimary(const void* in_template) {
  const TPM2B_PUBLIC& in = *static_cast<const TPM2B_PUBLIC*>(in_template);
  const TPM2B_SENSITIVE_CREATE sensitive{};
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

absl::StatusOr<Bytes> TpmDevice::ReadEkCertificate() {
  ESYS_TR index = ESYS_TR_NONE;
  TSS2_RC rc = Esys_TR_FromTPMPublic(context_->esys, kRsaEkCertificateIndex, ESYS_TR_NONE,
                                     ESYS_TR_NONE, ESYS_TR_NONE, &index);
  if (rc != TSS2_RC_SUCCESS) {
    return Error(Reason::kNotFound, "TPM: no RSA EK certificate in NV index 0x01c00002");
  }
  TPM2B_NV_PUBLIC* nv_public = nullptr;
  TPM2B_NAME* nv_name = nullptr;
  rc = Esys_NV_ReadPublic(context_->esys, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                          &nv_public, &nv_name);
  const EsysPtr<TPM2B_NV_PUBLIC> public_owner(nv_public);
  const EsysPtr<TPM2B_NAME> name_owner(nv_name);
  if (rc != TSS2_RC_SUCCESS) return TssError("TPM2_NV_ReadPublic", rc);
  const UINT16 size = nv_public->nvPublic.dataSize;
  Bytes out;
  while (out.size() < size) {
    const UINT16 chunk = std::min<UINT16>(kNvChunk, static_cast<UINT16>(size - out.size()));
    TPM2B_MAX_NV_BUFFER* data = nullptr;
    rc = Esys_NV_Read(context_->esys, ESYS_TR_RH_OWNER, index, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                      ESYS_TR_NONE, chunk, static_cast<UINT16>(out.size()), &data);
    const EsysPtr<TPM2B_MAX_NV_BUFFER> data_owner(data);
    if (rc != TSS2_RC_SUCCESS) return TssError("TPM2_NV_Read", rc);
    out.insert(out.end(), data->buffer, data->buffer + data->size);
  }
  // Some TPMs pad the index after the DER: keep exactly one DER element (a SEQUENCE with a
  // two-byte long-form length, as every certificate over 255 bytes has).
  if (out.size() >= 4 && out[0] == 0x30 && out[1] == 0x82) {
    out.resize(std::min(out.size(), 4 + (size_t{out[2]} << 8 | out[3])));
  }
  return out;
}

absl::StatusOr<SecretBytes> TpmDevice::ActivateCredential(const Key& ak, const Key& ek,
                                                          ByteView credential_blob,
                                                          ByteView encrypted_secret) {
  TPM2B_ID_OBJECT blob{};
  TPM2B_ENCRYPTED_SECRET secret{};
  if (credential_blob.size() > sizeof(blob.credential) ||
      encrypted_secret.size() > sizeof(secret.secret)) {
    return Error(Reason::kInvalidArgument, "TPM credential too large");
  }
  blob.size = static_cast<UINT16>(credential_blob.size());
  std::copy(credential_blob.begin(), credential_blob.end(), blob.credential);
  secret.size = static_cast<UINT16>(encrypted_secret.size());
  std::copy(encrypted_secret.begin(), encrypted_secret.end(), secret.secret);

  // The EK's policy is PolicySecret(TPM_RH_ENDORSEMENT) (EK Credential Profile §2.1.5.1).
  const TPMT_SYM_DEF symmetric{.algorithm = TPM2_ALG_NULL, .keyBits = {}, .mode = {}};
  ESYS_TR session = ESYS_TR_NONE;
  TSS2_RC rc = Esys_StartAuthSession(context_->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                     ESYS_TR_NONE, ESYS_TR_NONE, nullptr, TPM2_SE_POLICY,
                                     &symmetric, TPM2_ALG_SHA256, &session);
  if (rc != TSS2_RC_SUCCESS) return TssError("TPM2_StartAuthSession", rc);
  struct SessionFlush {
    ESYS_CONTEXT* esys;
    ESYS_TR session;
    ~SessionFlush() { Esys_FlushContext(esys, session); }
  } flush{context_->esys, session};
  TPM2B_TIMEOUT* timeout = nullptr;
  TPMT_TK_AUTH* ticket = nullptr;
  rc = Esys_PolicySecret(context_->esys, ESYS_TR_RH_ENDORSEMENT, session, ESYS_TR_PASSWORD,
                         ESYS_TR_NONE, ESYS_TR_NONE, nullptr, nullptr, nullptr, 0, &timeout,
                         &ticket);
  const EsysPtr<TPM2B_TIMEOUT> timeout_owner(timeout);
  const EsysPtr<TPMT_TK_AUTH> ticket_owner(ticket);
  if (rc != TSS2_RC_SUCCESS) return TssError("TPM2_PolicySecret", rc);
  TPM2B_DIGEST* cert_info = nullptr;
  rc = Esys_ActivateCredential(context_->esys, ak.handle_, ek.handle_, ESYS_TR_PASSWORD, session,
                               ESYS_TR_NONE, &blob, &secret, &cert_info);
  if (rc != TSS2_RC_SUCCESS) {
    return Error(Reason::kTpmEkUntrusted,
                 absl::StrFormat("TPM2_ActivateCredential failed: %s", Tss2_RC_Decode(rc)));
  }
  SecretBytes out(ByteView(cert_info->buffer, cert_info->size));
  OPENSSL_cleanse(cert_info->buffer, cert_info->size);
  Esys_Free(cert_info);
  return out;
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
