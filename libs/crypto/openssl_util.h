// Internal to libs/crypto, libs/x509 and libs/net (the only places allowed to touch OpenSSL):
// owning pointers with stateless deleters, and conversion of the OpenSSL error queue to Status.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"

namespace twi::crypto {
class PublicKey;
}  // namespace twi::crypto

namespace twi::crypto::internal {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};

using UniqueBio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using UniqueBignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using UniqueEvpPkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using UniqueEvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using UniqueEvpMdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using UniqueEcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using UniqueX509 = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using UniqueX509Req = std::unique_ptr<X509_REQ, Deleter<X509_REQ, X509_REQ_free>>;
using UniqueX509Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using UniqueX509StoreCtx =
    std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using UniqueX509Name = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using UniqueX509Extension =
    std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using UniqueAsn1Integer = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER, ASN1_INTEGER_free>>;
using UniqueAsn1Time = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>>;
using UniqueGeneralNames =
    std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

inline void FreeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using UniqueX509Stack = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), FreeX509Stack>>;

// Drains the thread's OpenSSL error queue into a Status with `reason`. The queue is always
// emptied so a stale error never leaks into an unrelated later call.
absl::Status OpenSslError(Reason reason, std::string_view what);

// Clears the error queue (after an expected failure that is reported otherwise).
void ClearOpenSslErrors();

// A read-only memory BIO over `data` (which must outlive the BIO).
UniqueBio MemoryBio(ByteView data);
// Everything written to a memory BIO.
std::string BioContents(BIO* bio);

// An EVP_PKEY of `key` for OpenSSL functions that encode it into a structure (X509_set_pubkey,
// X509_REQ_set_pubkey). OpenSSL 3.0 encodes provider keys through its encoder framework at
// 100-300 us a call; for EC keys this returns an equivalent legacy EC_KEY-backed object, which
// OpenSSL encodes directly. Other key types: `key`'s own object. kCryptoFailure on failure.
absl::StatusOr<UniqueEvpPkey> KeyForEncoding(const PublicKey& key);

// The curve and uncompressed point of a legacy (EC_KEY-backed, not provider) EC key, such as
// the subject key of a certificate built with KeyForEncoding. kKeyInvalid otherwise.
struct EcPointOctets {
  int curve_nid;
  Bytes point;
};
absl::StatusOr<EcPointOctets> LegacyEcPoint(EVP_PKEY* pkey);

}  // namespace twi::crypto::internal
