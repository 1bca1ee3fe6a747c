#include "libs/x509/csr.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"
#include "libs/x509/der.h"
#include "libs/x509/der_reader.h"
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
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

// The outer structure is read with der_reader.h rather than d2i_X509_REQ: OpenSSL 3.0 decodes
// the embedded key through its provider decoders, several hundred microseconds a request.
//
//   CertificationRequest ::= SEQUENCE {                    RFC 2986 §4
//     certificationRequestInfo SEQUENCE {
//       version INTEGER { v1(0) }, subject Name, subjectPKInfo SubjectPublicKeyInfo,
//       attributes [0] IMPLICIT SET OF Attribute },
//     signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }

// AlgorithmIdentifiers twi accepts, parameters absent (RFC 5758 §3.2, RFC 8410 §3).
enum class PopAlgorithm { kUnsupported, kEcdsaSha256, kEcdsaSha384, kEd25519 };
constexpr uint8_t kEcdsaSha256Der[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kEcdsaSha384Der[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kEd25519Der[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

bool Same(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Anything else (other algorithms, parameters present) is kUnsupported, which
// VerifyProofOfPossession refuses.
PopAlgorithm ParsePopAlgorithm(ByteView encoding) {
  if (Same(encoding, kEcdsaSha256Der)) return PopAlgorithm::kEcdsaSha256;
  if (Same(encoding, kEcdsaSha384Der)) return PopAlgorithm::kEcdsaSha384;
  if (Same(encoding, kEd25519Der)) return PopAlgorithm::kEd25519;
  return PopAlgorithm::kUnsupported;
}

// The subject key, restricted to the types twi issues certificates for.
absl::StatusOr<crypto::PublicKey> SubjectKey(ByteView spki) {
  auto key = crypto::PublicKey::FromSpkiDer(spki);
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

absl::Status CheckSubject(const der::Element& subject) {
  const unsigned char* p = subject.encoding.data();
  Owned<X509_NAME, X509_NAME_free> name(
      d2i_X509_NAME(nullptr, &p, static_cast<long>(subject.encoding.size())));
  if (!name || p != subject.encoding.data() + subject.encoding.size()) {
    return OpenSslError(Reason::kCsrInvalid, "malformed subject name");
  }
  return absl::OkStatus();
}

// URI SANs of a SAN extension inside an extensionRequest attribute value (RFC 2985 §5.4.2).
absl::StatusOr<std::vector<std::string>> UriSansOf(X509_ATTRIBUTE* attribute) {
  std::vector<std::string> uris;
  const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, 0);
  if (X509_ATTRIBUTE_count(attribute) != 1 || value == nullptr || value->type != V_ASN1_SEQUENCE) {
    return Error(Reason::kCsrInvalid, "malformed extensionRequest");
  }
  const unsigned char* p = value->value.sequence->data;
  UniqueExtensions extensions(d2i_X509_EXTENSIONS(nullptr, &p, value->value.sequence->length));
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

// The attributes; URI SANs from the extensionRequest attribute, which must be well formed and
// single if present at all. Each attribute must re-encode to its own bytes (canonical DER).
absl::StatusOr<std::vector<std::string>> RequestedUriSans(ByteView attributes) {
  std::vector<std::string> uris;
  bool seen_extension_request = false;
  while (!attributes.empty()) {
    TWI_ASSIGN_OR_RETURN(der::Element element,
                         der::Expect(attributes, der::kTagSequence, Reason::kCsrInvalid));
    const unsigned char* p = element.encoding.data();
    Owned<X509_ATTRIBUTE, X509_ATTRIBUTE_free> attribute(
        d2i_X509_ATTRIBUTE(nullptr, &p, static_cast<long>(element.encoding.size())));
    unsigned char* reencoded = nullptr;
    const int len = attribute ? i2d_X509_ATTRIBUTE(attribute.get(), &reencoded) : -1;
    const bool canonical = len == static_cast<int>(element.encoding.size()) &&
                           std::memcmp(reencoded, element.encoding.data(), len) == 0;
    OPENSSL_free(reencoded);
    if (!canonical) return OpenSslError(Reason::kCsrInvalid, "malformed CSR attribute");
    if (OBJ_obj2nid(X509_ATTRIBUTE_get0_object(attribute.get())) != NID_ext_req) continue;
    if (seen_extension_request) {
      return Error(Reason::kCsrInvalid, "more than one extensionRequest attribute");
    }
    seen_extension_request = true;
    TWI_ASSIGN_OR_RETURN(uris, UriSansOf(attribute.get()));
  }
  return uris;
}

const EVP_MD* DigestOf(PopAlgorithm algorithm) {
  // Pre-fetched: an implicit fetch per request costs a locked provider lookup.
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  static const EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
  switch (algorithm) {
    case PopAlgorithm::kEcdsaSha256:
      return sha256;
    case PopAlgorithm::kEcdsaSha384:
      return sha384;
    case PopAlgorithm::kEd25519:
    case PopAlgorithm::kUnsupported:
      return nullptr;  // pure EdDSA hashes internally; kUnsupported never gets here
  }
  return nullptr;
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

struct CertificateRequest::Parsed {
  Bytes der;
  Bytes info;       // certificationRequestInfo, the signed bytes
  Bytes signature;  // BIT STRING value without the unused-bits octet
  PopAlgorithm algorithm;
};

absl::StatusOr<CertificateRequest> CertificateRequest::FromDer(ByteView der) {
  if (der.size() > kMaxCsrSize) return Error(Reason::kCsrInvalid, "CSR too large");
  constexpr Reason kBad = Reason::kCsrInvalid;
  ByteView in = der;
  TWI_ASSIGN_OR_RETURN(der::Element outer, der::Expect(in, der::kTagSequence, kBad));
  if (!in.empty()) return Error(kBad, "trailing bytes after the certification request");
  ByteView body = outer.contents;
  TWI_ASSIGN_OR_RETURN(der::Element info, der::Expect(body, der::kTagSequence, kBad));
  TWI_ASSIGN_OR_RETURN(der::Element algorithm, der::Expect(body, der::kTagSequence, kBad));
  TWI_ASSIGN_OR_RETURN(der::Element signature, der::Expect(body, der::kTagBitString, kBad));
  if (!body.empty()) return Error(kBad, "trailing bytes inside the certification request");

  ByteView fields = info.contents;
  TWI_ASSIGN_OR_RETURN(der::Element version, der::Expect(fields, der::kTagInteger, kBad));
  // RFC 2986 §4.1: version is v1 (0).
  if (!Same(version.contents, Bytes{0x00})) {
    return Error(kBad, "unsupported certification request version");
  }
  TWI_ASSIGN_OR_RETURN(der::Element subject, der::Expect(fields, der::kTagSequence, kBad));
  TWI_ASSIGN_OR_RETURN(der::Element spki, der::Expect(fields, der::kTagSequence, kBad));
  TWI_ASSIGN_OR_RETURN(der::Element attributes,
                       der::Expect(fields, der::kTagContext0Constructed, kBad));
  if (!fields.empty()) return Error(kBad, "unexpected fields in the certification request info");
  TWI_RETURN_IF_ERROR(CheckSubject(subject));
  TWI_ASSIGN_OR_RETURN(crypto::PublicKey key, SubjectKey(spki.encoding));
  TWI_ASSIGN_OR_RETURN(std::vector<std::string> uris, RequestedUriSans(attributes.contents));

  auto parsed = std::make_shared<Parsed>();
  parsed->algorithm = ParsePopAlgorithm(algorithm.encoding);
  // X.690 §8.6.2.2: the signature is whole octets, so no unused bits.
  if (signature.contents.empty() || signature.contents[0] != 0x00) {
    return Error(kBad, "signature BIT STRING with unused bits");
  }
  parsed->der.assign(der.begin(), der.end());
  parsed->info.assign(info.encoding.begin(), info.encoding.end());
  parsed->signature.assign(signature.contents.begin() + 1, signature.contents.end());
  return CertificateRequest(std::move(parsed), std::move(key), std::move(uris));
}

absl::StatusOr<CertificateRequest> CertificateRequest::FromPem(std::string_view pem) {
  if (pem.size() > kMaxCsrSize) return Error(Reason::kCsrInvalid, "CSR too large");
  TWI_ASSIGN_OR_RETURN(Bytes der, internal::DecodePemBlock(pem, kPemLabel, Reason::kCsrInvalid));
  return FromDer(der);
}

absl::Status CertificateRequest::VerifyProofOfPossession() const {
  const PopAlgorithm algorithm = parsed_->algorithm;
  const bool is_ec =
      public_key_.type() == KeyType::kEcP256 || public_key_.type() == KeyType::kEcP384;
  // ECDSA keys with SHA-256 or SHA-384 on both curves (OpenSSL's CLI signs P-384 CSRs with
  // SHA-256 by default); Ed25519 keys with Ed25519.
  const bool fits =
      (is_ec &&
       (algorithm == PopAlgorithm::kEcdsaSha256 || algorithm == PopAlgorithm::kEcdsaSha384)) ||
      (public_key_.type() == KeyType::kEd25519 && algorithm == PopAlgorithm::kEd25519);
  if (!fits) {
    return Error(Reason::kUnsupportedAlgorithm,
                 "signature algorithm not accepted for this key (ECDSA with SHA-256/384 or "
                 "Ed25519 only, parameters absent)");
  }
  crypto::internal::UniqueEvpMdCtx ctx(EVP_MD_CTX_new());
  // OpenSSL's ECDSA verification also refuses a signature that is not canonical DER.
  const bool ok = ctx &&
                  EVP_DigestVerifyInit(ctx.get(), nullptr, DigestOf(algorithm), nullptr,
                                       public_key_.evp()) == 1 &&
                  EVP_DigestVerify(ctx.get(), parsed_->signature.data(), parsed_->signature.size(),
                                   parsed_->info.data(), parsed_->info.size()) == 1;
  crypto::internal::ClearOpenSslErrors();
  if (!ok)
    return Error(Reason::kCsrSignatureInvalid, "CSR signature does not verify under its key");
  return absl::OkStatus();
}

Bytes CertificateRequest::ToDer() const { return parsed_->der; }

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
