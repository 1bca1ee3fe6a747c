#include "libs/crypto/digest.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "libs/crypto/openssl_util.h"

namespace twi::crypto {
namespace {

// Fetched once: implicit fetching on every call costs a provider lookup under a lock.
const EVP_MD* Md(DigestAlgorithm algorithm) {
  static const EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  static const EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
  static const EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
  const EVP_MD* md = algorithm == DigestAlgorithm::kSha1     ? sha1
                     : algorithm == DigestAlgorithm::kSha256 ? sha256
                     : algorithm == DigestAlgorithm::kSha384 ? sha384
                                                             : sha512;
  if (md == nullptr) abort();
  return md;
}

}  // namespace

size_t DigestSize(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha1:
      return 20;
    case DigestAlgorithm::kSha256:
      return 32;
    case DigestAlgorithm::kSha384:
      return 48;
    case DigestAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

std::string_view DigestName(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha1:
      return "sha-1";
    case DigestAlgorithm::kSha256:
      return "sha-256";
    case DigestAlgorithm::kSha384:
      return "sha-384";
    case DigestAlgorithm::kSha512:
      return "sha-512";
  }
  return "";
}

Bytes Digest(DigestAlgorithm algorithm, ByteView data) {
  Bytes out(DigestSize(algorithm));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, Md(algorithm), nullptr) != 1 ||
      len != out.size()) {
    abort();
  }
  return out;
}

std::string Sha256Id(ByteView data) { return "sha256:" + HexEncode(Sha256(data)); }

struct Hasher::State {
  internal::UniqueEvpMdCtx ctx{EVP_MD_CTX_new()};
  size_t size = 0;
};

Hasher::Hasher(DigestAlgorithm algorithm) : state_(std::make_unique<State>()) {
  state_->size = DigestSize(algorithm);
  if (!state_->ctx || EVP_DigestInit_ex(state_->ctx.get(), Md(algorithm), nullptr) != 1) abort();
}

Hasher::~Hasher() = default;

Hasher& Hasher::Update(ByteView data) {
  if (EVP_DigestUpdate(state_->ctx.get(), data.data(), data.size()) != 1) abort();
  return *this;
}

Bytes Hasher::Finish() {
  Bytes out(state_->size);
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(state_->ctx.get(), out.data(), &len) != 1 || len != out.size()) abort();
  return out;
}

}  // namespace twi::crypto
