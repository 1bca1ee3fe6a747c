#include "libs/crypto/mac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdlib>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::crypto {
namespace {

using UniqueMacCtx = std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)>;

// Fetched once: implicit fetching on every call costs a provider lookup under a lock.
EVP_MAC* Hmac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) abort();
  return mac;
}

}  // namespace

struct HmacSha256::State {
  UniqueMacCtx keyed{nullptr, EVP_MAC_CTX_free};
};

HmacSha256::HmacSha256(std::unique_ptr<State> state) : state_(std::move(state)) {}
HmacSha256::~HmacSha256() = default;
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;

absl::StatusOr<HmacSha256> HmacSha256::Create(const SecretBytes& key) {
  if (key.size() < kMinHmacKeySize) {
    return Error(Reason::kInvalidArgument,
                 absl::StrFormat("HMAC key must be at least %d bytes", kMinHmacKeySize));
  }
  auto state = std::make_unique<State>();
  state->keyed.reset(EVP_MAC_CTX_new(Hmac()));
  char digest[] = "SHA2-256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  if (!state->keyed ||
      EVP_MAC_init(state->keyed.get(), key.view().data(), key.size(), params) != 1) {
    return Error(Reason::kInternal, "cannot set up HMAC-SHA-256");
  }
  return HmacSha256(std::move(state));
}

Bytes HmacSha256::Compute(ByteView data) const {
  // Duplicating the keyed context skips the key schedule (two hash blocks) on every call.
  UniqueMacCtx ctx(EVP_MAC_CTX_dup(state_->keyed.get()), EVP_MAC_CTX_free);
  Bytes out(kHmacSha256Size);
  size_t len = 0;
  if (!ctx || EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
    abort();
  }
  return out;
}

bool HmacSha256::Verify(ByteView data, ByteView tag) const {
  if (tag.size() != kHmacSha256Size) return false;
  const Bytes expected = Compute(data);
  return CRYPTO_memcmp(expected.data(), tag.data(), tag.size()) == 0;
}

}  // namespace twi::crypto
