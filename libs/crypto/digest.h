// SHA-2 digests. Infallible in practice: an OpenSSL failure here means the process is broken,
// so it aborts rather than returning a Status every caller would have to plumb.
#pragma once

#include <string>
#include <string_view>

#include "libs/core/bytes.h"

namespace twi::crypto {

// kSha1 only to replay and compare TPM SHA-1 PCR banks (measurements made by firmware);
// never for a signature, a MAC or an identifier twi makes.
enum class DigestAlgorithm { kSha1, kSha256, kSha384, kSha512 };

size_t DigestSize(DigestAlgorithm algorithm);
// "sha-256", "sha-384", "sha-512" (IANA Named Information names).
std::string_view DigestName(DigestAlgorithm algorithm);

Bytes Digest(DigestAlgorithm algorithm, ByteView data);
inline Bytes Sha256(ByteView data) { return Digest(DigestAlgorithm::kSha256, data); }
inline Bytes Sha384(ByteView data) { return Digest(DigestAlgorithm::kSha384, data); }
inline Bytes Sha512(ByteView data) { return Digest(DigestAlgorithm::kSha512, data); }

// "sha256:<lower hex>" — the content-address form used for policy ids, EAR and credential
// digests throughout twi.
std::string Sha256Id(ByteView data);

// Incremental hashing. Not thread-safe.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  Hasher& Update(ByteView data);
  Hasher& Update(std::string_view data) { return Update(AsBytes(data)); }
  // Returns the digest; the hasher must not be updated afterwards.
  Bytes Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace twi::crypto
