#include "libs/x509/csr.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"
#include "libs/x509/names.h"
#include "libs/x509/pem.h"
#include "libs/x509/signing.h"

namespace twi::x509 {
namespace {

using crypto::KeyType;
using crypto::internal::Deleter;
using crypto::internal::OpenSslError;
using crypto::internal::UniqueGeneralNames;
using crypto::internal::UniqueX509Req;

constexpr std::string_view kPemLabel = "CERTIFICATE REQUEST";

void FreeExtensions(STACK_OF(X509_EXTENSION) * extensions) {
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
}
using UniqueExtensions =
    std::unique_ptr<STACK_OF(X509_EXTENSION), Deleter<STACK_OF(X509_EXTENSION), FreeExtensions>>;
using UniqueAlgor = std::unique_ptr<X509_ALGOR, Deleter<X509_ALGOR, X509_ALGOR_free>>;

// The subject key, restricted to the types twi issues certificates for.
absl::StatusOr<crypto::PublicKey> SubjectKey(X509_REQ* request) {
  auto key = crypto::PublicKey::FromEvp(X509_REQ_get0_pubkey(request));
  crypto::internal::ClearOpenSslErrors();
  if (!key.ok()) {
    if (GetReason(key.status()) == Reason::kUnsupportedAlgorithm) return key.status();
    return Error(Reason::kCsrInvalid,
                 absl::StrFormat("invalid subject public key: %s", key.status().message()));
  }
  if (key->type() == KeyType::kRsa) {
    return Error(Reason::kUnsupportedAlgorithm,
                 "CSR subject keys must be EC P-256, EC P-384 or Ed25519");
  }
  return key;
}

// URI SANs from the extensionRequest attribute (RFC 2985 §5.4.2), which must be well formed if
// present at all.
absl::StatusOr<std::vector<std::string>> RequestedUriSans(X509_REQ* request) {
  std::vector<std::string> uris;
  const int index = X509_REQ_get_attr_by_NID(request, NID_ext_req, -1);
  if (index < 0) return uris;
  if (X509_REQ_get_attr_by_NID(request, NID_ext_req, index) >= 0) {
    return Error(Reason::kCsrInvalid, "more than one extensionRequest attribute");
  }
  UniqueExtensions extensions(X509_REQ_get_extensions(request));
  if (!extensions) return OpenSslError(Reason::kCsrInvalid, "malformed extensionRequest");
  int critical = -1;
  UniqueGeneralNames names(static_cast<GENERAL_NAMES*>(
      X509V3_get_d2i(extensions.get(), NID_subject_alt_name, &critical, nullptr)));
  if (!names) {
    // -1: absent; anything else: duplicated or undecodable.
    if (critical != -1) return OpenSslError(Reason::kCsrInvalid, "malformed requested SAN");
    return uris;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                      static_cast<size_t>(ASN1_STRING_length(uri)));
  }
  return uris;
}

absl::Status AddRequestedUriSans(const std::vector<std::string>& uri_sans, X509_REQ* request) {
  TWI_ASSIGN_OR_RETURN(UniqueGeneralNames names, internal::BuildSubjectAltNames(uri_sans, {}, {}));
  if (!names) return absl::OkStatus();
  STACK_OF(X509_EXTENSION)* raw = nullptr;
  if (X509V3_add1_i2d(&raw, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "cannot encode the requested SAN");
  }
  UniqueExtensions extensions(raw);
  if (X509_REQ_add_extensions(request, extensions.get()) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_REQ_add_extensions");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CertificateRequest> CertificateRequest::FromDer(ByteView der) {
  if (der.size() > kMaxCsrSize) return Error(Reason::kCsrInvalid, "CSR too large");
  const unsigned char* p = der.data();
  UniqueX509Req request(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!request) return OpenSslError(Reason::kCsrInvalid, "not a DER certification request");
  if (p != der.data() + der.size()) {
    return Error(Reason::kCsrInvalid, "trailing bytes after the certification request");
  }
  // As for certificates: force a fresh encoding of the cached TBS so that the comparison checks
  // DER canonicity (X.690 §10).
  unsigned char* reencoded = nullptr;
  const bool reencoded_ok = i2d_re_X509_REQ_tbs(request.get(), nullptr) > 0;
  const int len = reencoded_ok ? i2d_X509_REQ(request.get(), &reencoded) : -1;
  const bool canonical =
      len == static_cast<int>(der.size()) && std::memcmp(reencoded, der.data(), der.size()) == 0;
  OPENSSL_free(reencoded);
  if (!canonical) {
    crypto::internal::ClearOpenSslErrors();
    return Error(Reason::kCsrInvalid, "non-canonical DER certification request encoding");
  }
  // RFC 2986 §4.1: version is v1 (0).
  if (X509_REQ_get_version(request.get()) != X509_REQ_VERSION_1) {
    return Error(Reason::kCsrInvalid, "unsupported certification request version");
  }
  TWI_ASSIGN_OR_RETURN(crypto::PublicKey key, SubjectKey(request.get()));
  TWI_ASSIGN_OR_RETURN(std::vector<std::string> uris, RequestedUriSans(request.get()));
  std::shared_ptr<X509_REQ> shared(request.release(), X509_REQ_free);
  return CertificateRequest(std::move(shared), std::move(key), std::move(uris));
}

absl::StatusOr<CertificateRequest> CertificateRequest::FromPem(std::string_view pem) {
  if (pem.size() > kMaxCsrSize) return Error(Reason::kCsrInvalid, "CSR too large");
  TWI_ASSIGN_OR_RETURN(Bytes der, internal::DecodePemBlock(pem, kPemLabel, Reason::kCsrInvalid));
  return FromDer(der);
}

absl::Status CertificateRequest::VerifyProofOfPossession() const {
  const ASN1_BIT_STRING* signature = nullptr;
  const X509_ALGOR* algorithm = nullptr;
  X509_REQ_get0_signature(request_.get(), &signature, &algorithm);
  TWI_RETURN_IF_ERROR(internal::CheckSignatureAlgorithm(algorithm, public_key_.type()));
  if (X509_REQ_verify(request_.get(), public_key_.evp()) != 1) {
    crypto::internal::ClearOpenSslErrors();
    return Error(Reason::kCsrSignatureInvalid, "CSR signature does not verify under its key");
  }
  return absl::OkStatus();
}

Bytes CertificateRequest::ToDer() const {
  unsigned char* der = nullptr;
  const int len = i2d_X509_REQ(request_.get(), &der);
  if (len <= 0) abort();  // re-encoding a parsed request fails only on memory exhaustion
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

std::string CertificateRequest::ToPem() const { return internal::EncodePem(kPemLabel, ToDer()); }

absl::StatusOr<CertificateRequest> CreateCsr(const crypto::Signer& signer,
                                             std::string_view common_name,
                                             const std::vector<std::string>& uri_sans) {
  UniqueX509Req request(X509_REQ_new());
  if (!request || X509_REQ_set_version(request.get(), X509_REQ_VERSION_1) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_REQ_new");
  }
  if (!common_name.empty()) {
    TWI_RETURN_IF_ERROR(internal::AppendRelativeNames({{"CN", std::string(common_name)}},
                                                      X509_REQ_get_subject_name(request.get())));
  }
  TWI_ASSIGN_OR_RETURN(crypto::internal::UniqueEvpPkey key,
                       crypto::internal::KeyForEncoding(signer.public_key()));
  if (X509_REQ_set_pubkey(request.get(), key.get()) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_REQ_set_pubkey");
  }
  TWI_RETURN_IF_ERROR(AddRequestedUriSans(uri_sans, request.get()));

  UniqueAlgor algorithm(X509_ALGOR_new());
  if (!algorithm) return OpenSslError(Reason::kCryptoFailure, "X509_ALGOR_new");
  TWI_RETURN_IF_ERROR(internal::SetSignatureAlgorithm(signer.algorithm(), algorithm.get()));
  // The CertificationRequestInfo does not contain the algorithm, so only the outer structure
  // assembled below carries it (RFC 2986 §4.2).
  unsigned char* tbs = nullptr;
  const int tbs_len = i2d_re_X509_REQ_tbs(request.get(), &tbs);
  if (tbs_len <= 0) return OpenSslError(Reason::kCryptoFailure, "i2d_re_X509_REQ_tbs");
  auto der = internal::SignAndAssemble(ByteView(tbs, static_cast<size_t>(tbs_len)), algorithm.get(),
                                       signer);
  OPENSSL_free(tbs);
  TWI_RETURN_IF_ERROR(der.status());
  TWI_ASSIGN_OR_RETURN(CertificateRequest csr, CertificateRequest::FromDer(*der));
  // A faulty signer (e.g. a token glitch) must not produce a CSR that the CA will refuse later.
  if (!csr.VerifyProofOfPossession().ok()) {
    return Error(Reason::kCryptoFailure, "the signer produced a signature that does not verify");
  }
  return csr;
}

}  // namespace twi::x509
