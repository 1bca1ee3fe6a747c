#include "libs/storage/nonce_store.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"

namespace twi::storage {

absl::Status ValidateNonce(ByteView nonce) {
  if (nonce.size() < kMinNonceSize || nonce.size() > kMaxNonceSize) {
    return Error(Reason::kInvalidArgument,
                 absl::StrFormat("nonce must be %d..%d bytes, got %d", kMinNonceSize, kMaxNonceSize,
                                 nonce.size()));
  }
  return absl::OkStatus();
}

Bytes NonceKey(ByteView nonce) { return crypto::Sha256(nonce); }

}  // namespace twi::storage
