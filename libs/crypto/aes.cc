#include "libs/crypto/aes.h"

#include <openssl/evp.h>

#include <climits>
#include <cstdlib>
#include <memory>

#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"

namespace twi::crypto {
namespace {

using internal::Deleter;
using internal::OpenSslError;

using UniqueCipherCtx =
    std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;

constexpr size_t kWrapBlockSize = 8;  // RFC 3394 §2: 64-bit blocks
constexpr char kUnwrapFailed[] = "AES key unwrap failed";

// Fetched once: implicit fetching (EVP_aes_256_wrap() and friends) costs a provider lookup under
// a lock on every call. Never freed.
const EVP_CIPHER* FetchCipher(const char* name) {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, name, nullptr);
  if (cipher == nullptr) abort();  // the default provider lacks AES: OpenSSL is broken
  return cipher;
}

// The RFC 3394 (or, with `pad`, RFC 5649) cipher for a KEK of `kek_size` bytes; null for a size
// that is not an AES key size.
const EVP_CIPHER* WrapCipher(size_t kek_size, bool pad) {
  static const EVP_CIPHER* const wrap[3] = {
      FetchCipher("AES-128-WRAP"), FetchCipher("AES-192-WRAP"), FetchCipher("AES-256-WRAP")};
  static const EVP_CIPHER* const wrap_pad[3] = {FetchCipher("AES-128-WRAP-PAD"),
                                                FetchCipher("AES-192-WRAP-PAD"),
                                                FetchCipher("AES-256-WRAP-PAD")};
  const EVP_CIPHER* const* table = pad ? wrap_pad : wrap;
  switch (kek_size) {
    case 16:
      return table[0];
    case 24:
      return table[1];
    case 32:
      return table[2];
    default:
      return nullptr;
  }
}

const EVP_CIPHER* Aes256Gcm() {
  static const EVP_CIPHER* const cipher = FetchCipher("AES-256-GCM");
  return cipher;
}

// One wrap or unwrap of `in` into `out` (capacity `out_capacity`); the number of bytes written,
// or 0 on any failure (the error queue is left to the caller). OpenSSL's unwrap wipes `out`
// when the integrity check fails.
size_t RunWrap(const EVP_CIPHER* cipher, const SecretBytes& kek, bool encrypt, ByteView in,
               uint8_t* out, size_t out_capacity) {
  UniqueCipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return 0;
  // Wrap modes are refused unless asked for: their output is not a stream of blocks.
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  int len = 0;
  if (EVP_CipherInit_ex2(ctx.get(), cipher, kek.view().data(), nullptr, encrypt ? 1 : 0, nullptr) !=
          1 ||
      EVP_CipherUpdate(ctx.get(), out, &len, in.data(), static_cast<int>(in.size())) != 1) {
    return 0;
  }
  // Checked, not trusted: OpenSSL 3.0's wrap provider can report a failure as a huge length.
  if (len <= 0 || static_cast<size_t>(len) > out_capacity) return 0;
  int final_len = 0;  // wrap modes have no final block; called to end the operation cleanly
  if (EVP_CipherFinal_ex(ctx.get(), out + len, &final_len) != 1 || final_len != 0) return 0;
  return static_cast<size_t>(len);
}

absl::StatusOr<Bytes> Wrap(const SecretBytes& kek, const SecretBytes& key, bool pad) {
  const EVP_CIPHER* cipher = WrapCipher(kek.size(), pad);
  if (cipher == nullptr) {
    return Error(Reason::kInvalidArgument, "AES key wrap: the KEK must be 16, 24 or 32 bytes");
  }
  if (pad) {
    // RFC 5649 §4.1: any length from one byte.
    if (key.empty() || key.size() > kMaxWrappedKeySize) {
      return Error(Reason::kInvalidArgument, "AES key wrap with padding: bad key size");
    }
  } else if (key.size() < 2 * kWrapBlockSize || key.size() % kWrapBlockSize != 0 ||
             key.size() > kMaxWrappedKeySize) {
    // RFC 3394 §2: n >= 2 blocks of 64 bits.
    return Error(Reason::kInvalidArgument,
                 "AES key wrap: the key must be a multiple of 8 bytes, at least 16");
  }
  const size_t padded = (key.size() + kWrapBlockSize - 1) / kWrapBlockSize * kWrapBlockSize;
  Bytes out(padded + kWrapBlockSize);
  const size_t len = RunWrap(cipher, kek, /*encrypt=*/true, key.view(), out.data(), out.size());
  if (len != out.size()) return OpenSslError(Reason::kCryptoFailure, "AES key wrap failed");
  return out;
}

absl::StatusOr<SecretBytes> Unwrap(const SecretBytes& kek, ByteView wrapped, bool pad) {
  const EVP_CIPHER* cipher = WrapCipher(kek.size(), pad);
  if (cipher == nullptr) {
    return Error(Reason::kInvalidArgument, "AES key unwrap: the KEK must be 16, 24 or 32 bytes");
  }
  // RFC 3394 §2.2.2 wants n >= 2 blocks plus the integrity block; RFC 5649 §4.2 one block plus
  // the AIV. A bad length is reported like a failed check: both mean "not a wrapped key".
  const size_t min_size = pad ? 2 * kWrapBlockSize : 3 * kWrapBlockSize;
  if (wrapped.size() < min_size || wrapped.size() % kWrapBlockSize != 0 ||
      wrapped.size() > kMaxWrappedKeySize + kWrapBlockSize) {
    return Error(Reason::kDecryptionFailed, kUnwrapFailed);
  }
  SecretBytes out(wrapped.size());
  const size_t len = RunWrap(cipher, kek, /*encrypt=*/false, wrapped, out.data(), out.size());
  // Nothing from the error queue: which check failed is not the caller's business.
  internal::ClearOpenSslErrors();
  if (len == 0 || (!pad && len != wrapped.size() - kWrapBlockSize)) {
    return Error(Reason::kDecryptionFailed, kUnwrapFailed);
  }
  if (len == out.size()) return out;
  return SecretBytes(out.view().first(len));
}

absl::Status CheckGcmSizes(const SecretBytes& key, ByteView iv, ByteView aad, size_t text_size) {
  if (key.size() != kAes256KeySize) {
    return Error(Reason::kInvalidArgument, "AES-256-GCM: the key must be 32 bytes");
  }
  if (iv.size() != kAesGcmIvSize) {
    return Error(Reason::kInvalidArgument, "AES-256-GCM: the IV must be 12 bytes");
  }
  if (aad.size() > INT_MAX || text_size > INT_MAX) {
    return Error(Reason::kInvalidArgument, "AES-256-GCM: input too large");
  }
  return absl::OkStatus();
}

// Starts a GCM operation and feeds the additional authenticated data.
bool StartGcm(EVP_CIPHER_CTX* ctx, const SecretBytes& key, ByteView iv, ByteView aad,
              bool encrypt) {
  int len = 0;
  return EVP_CipherInit_ex2(ctx, Aes256Gcm(), key.view().data(), iv.data(), encrypt ? 1 : 0,
                            nullptr) == 1 &&
         (aad.empty() ||
          EVP_CipherUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1);
}

}  // namespace

absl::StatusOr<Bytes> AesKeyWrap(const SecretBytes& kek, const SecretBytes& key) {
  return Wrap(kek, key, /*pad=*/false);
}

absl::StatusOr<SecretBytes> AesKeyUnwrap(const SecretBytes& kek, ByteView wrapped) {
  return Unwrap(kek, wrapped, /*pad=*/false);
}

absl::StatusOr<Bytes> AesKeyWrapPad(const SecretBytes& kek, const SecretBytes& key) {
  return Wrap(kek, key, /*pad=*/true);
}

absl::StatusOr<SecretBytes> AesKeyUnwrapPad(const SecretBytes& kek, ByteView wrapped) {
  return Unwrap(kek, wrapped, /*pad=*/true);
}

absl::StatusOr<AesGcmSealed> AesGcmSeal(const SecretBytes& key, ByteView iv, ByteView aad,
                                        ByteView plaintext) {
  TWI_RETURN_IF_ERROR(CheckGcmSizes(key, iv, aad, plaintext.size()));
  UniqueCipherCtx ctx(EVP_CIPHER_CTX_new());
  AesGcmSealed sealed{Bytes(plaintext.size()), Bytes(kAesGcmTagSize)};
  int len = 0;
  int final_len = 0;
  if (!ctx || !StartGcm(ctx.get(), key, iv, aad, /*encrypt=*/true) ||
      (!plaintext.empty() &&
       EVP_CipherUpdate(ctx.get(), sealed.ciphertext.data(), &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1) ||
      EVP_CipherFinal_ex(ctx.get(), sealed.ciphertext.data() + len, &final_len) != 1 ||
      static_cast<size_t>(len) + static_cast<size_t>(final_len) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kAesGcmTagSize),
                          sealed.tag.data()) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "AES-256-GCM encryption failed");
  }
  return sealed;
}

absl::StatusOr<SecretBytes> AesGcmOpen(const SecretBytes& key, ByteView iv, ByteView aad,
                                       ByteView ciphertext, ByteView tag) {
  TWI_RETURN_IF_ERROR(CheckGcmSizes(key, iv, aad, ciphertext.size()));
  if (tag.size() != kAesGcmTagSize) {
    return Error(Reason::kInvalidArgument, "AES-256-GCM: the tag must be 16 bytes");
  }
  UniqueCipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || !StartGcm(ctx.get(), key, iv, aad, /*encrypt=*/false) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<uint8_t*>(tag.data())) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "AES-256-GCM decryption failed");
  }
  // OpenSSL writes the plaintext before it checks the tag; on a mismatch `plaintext` is wiped
  // when it goes out of scope and never returned (SP 800-38D §7.2 step 8: FAIL, no output).
  SecretBytes plaintext(ciphertext.size());
  int len = 0;
  int final_len = 0;
  if (!ciphertext.empty() && EVP_CipherUpdate(ctx.get(), plaintext.data(), &len, ciphertext.data(),
                                              static_cast<int>(ciphertext.size())) != 1) {
    return OpenSslError(Reason::kCryptoFailure, "AES-256-GCM decryption failed");
  }
  const bool tag_ok = EVP_CipherFinal_ex(ctx.get(), plaintext.data() + len, &final_len) == 1;
  internal::ClearOpenSslErrors();
  if (!tag_ok || static_cast<size_t>(len) + static_cast<size_t>(final_len) != ciphertext.size()) {
    return Error(Reason::kDecryptionFailed, "AES-256-GCM: authentication failed");
  }
  return plaintext;
}

}  // namespace twi::crypto
