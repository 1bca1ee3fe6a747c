#include "libs/x509/verify.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"

namespace twi::x509 {
namespace {

using crypto::internal::OpenSslError;
using crypto::internal::UniqueX509Stack;
using crypto::internal::UniqueX509Store;
using crypto::internal::UniqueX509StoreCtx;

// The Certificate among `candidates` that wraps `x509` (path building returns the very objects
// it was given), or a fresh wrapper for anything else.
absl::StatusOr<Certificate> Find(X509* x509, const Certificate& leaf,
                                 const std::vector<Certificate>& intermediates,
                                 const std::vector<Certificate>& roots) {
  if (leaf.native() == x509) return leaf;
  for (const auto* list : {&intermediates, &roots}) {
    for (const Certificate& candidate : *list) {
      if (candidate.native() == x509) return candidate;
    }
  }
  return Certificate::FromNative(x509);
}

}  // namespace

absl::StatusOr<std::vector<Certificate>> VerifyChain(const Certificate& leaf,
                                                     const std::vector<Certificate>& intermediates,
                                                     const std::vector<Certificate>& roots,
                                                     absl::Time at) {
  if (roots.empty()) return Error(Reason::kChainInvalid, "no trust anchors");
  // Only `roots`: X509_STORE_set_default_paths is deliberately never called.
  UniqueX509Store store(X509_STORE_new());
  if (!store) return OpenSslError(Reason::kCryptoFailure, "X509_STORE_new");
  for (const Certificate& root : roots) {
    if (X509_STORE_add_cert(store.get(), root.native()) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "X509_STORE_add_cert");
    }
  }
  UniqueX509Stack untrusted(sk_X509_new_null());
  if (!untrusted) return OpenSslError(Reason::kCryptoFailure, "sk_X509_new_null");
  for (const Certificate& intermediate : intermediates) {
    if (X509_up_ref(intermediate.native()) != 1) {
      return OpenSslError(Reason::kCryptoFailure, "X509_up_ref");
    }
    if (sk_X509_push(untrusted.get(), intermediate.native()) <= 0) {
      X509_free(intermediate.native());  // drops the reference taken above
      return OpenSslError(Reason::kCryptoFailure, "sk_X509_push");
    }
  }
  UniqueX509StoreCtx ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.native(), untrusted.get()) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "X509_STORE_CTX_init");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // No X509_V_FLAG_PARTIAL_CHAIN: a path must end at one of `roots`.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
  X509_VERIFY_PARAM_set_time(
      param, static_cast<time_t>(absl::ToUnixSeconds(at)));  // also sets X509_V_FLAG_USE_CHECK_TIME
  X509_VERIFY_PARAM_set_depth(param, static_cast<int>(kMaxChainLength));

  if (X509_verify_cert(ctx.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    crypto::internal::ClearOpenSslErrors();
    return Error(Reason::kChainInvalid,
                 absl::StrFormat("%s (at depth %d)", X509_verify_cert_error_string(error), depth));
  }
  std::vector<Certificate> path;
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    TWI_ASSIGN_OR_RETURN(Certificate certificate,
                         Find(sk_X509_value(chain, i), leaf, intermediates, roots));
    path.push_back(std::move(certificate));
  }
  return path;
}

}  // namespace twi::x509
