#include "libs/evidence/backends/tpm/credential.h"

#include <openssl/evp.h>

#include <memory>

#include "libs/core/status.h"
#include "libs/crypto/mac.h"
#include "libs/crypto/random.h"
#include "libs/crypto/rsa_oaep.h"

namespace twi::evidence::tpm {
namespace {

constexpr size_t kSeedSize = 32;        // the EK's nameAlg (SHA-256) digest size
constexpr size_t kSymmetricBits = 128;  // the EK's symmetric definition: AES-128-CFB

void PutU32(Bytes& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
}

void Put2b(Bytes& out, ByteView data) {
  out.push_back(static_cast<uint8_t>(data.size() >> 8));
  out.push_back(static_cast<uint8_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}

absl::StatusOr<Bytes> Aes128CfbEncrypt(const SecretBytes& key, ByteView plaintext) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  const uint8_t iv[16] = {};  // Part 1 §24.4: the IV is zero, the key is used once
  Bytes out(plaintext.size());
  int len = 0;
  int tail = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_cfb128(), nullptr, key.view().data(), iv) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
    return Error(Reason::kCryptoFailure, "AES-128-CFB failed");
  }
  return out;
}

}  // namespace

SecretBytes KdfaSha256(const SecretBytes& key, std::string_view label, ByteView context_u,
                       ByteView context_v, size_t bits) {
  const crypto::HmacSha256 hmac = *crypto::HmacSha256::Create(key);
  Bytes out;
  for (uint32_t counter = 1; out.size() * 8 < bits; ++counter) {
    Bytes input;
    input.reserve(4 + label.size() + 1 + context_u.size() + context_v.size() + 4);
    PutU32(input, counter);
    input.insert(input.end(), label.begin(), label.end());
    input.push_back(0);
    input.insert(input.end(), context_u.begin(), context_u.end());
    input.insert(input.end(), context_v.begin(), context_v.end());
    PutU32(input, static_cast<uint32_t>(bits));
    const Bytes block = hmac.Compute(input);
    out.insert(out.end(), block.begin(), block.end());
  }
  out.resize(bits / 8);
  return SecretBytes::Adopt(std::move(out));
}

absl::StatusOr<MadeCredential> MakeCredential(const crypto::PublicKey& ek, ByteView name,
                                              const SecretBytes& secret) {
  if (ek.type() != crypto::KeyType::kRsa) {
    return Error(Reason::kKeyInvalid, "MakeCredential: the EK must be RSA-2048 (template L-1)");
  }
  if (secret.size() == 0 || secret.size() > 32 || name.empty() || name.size() > 66) {
    return Error(Reason::kInvalidArgument, "MakeCredential: a 1..32-byte secret and a Name");
  }
  const SecretBytes seed = SecretBytes::Adopt(crypto::RandomBytes(kSeedSize));
  // Part 1 §24.4 / B.10.4: the seed is OAEP-encrypted with the label "IDENTITY".
  static constexpr uint8_t kIdentity[] = {'I', 'D', 'E', 'N', 'T', 'I', 'T', 'Y', 0};
  MadeCredential made;
  TWI_ASSIGN_OR_RETURN(made.encrypted_secret,
                       crypto::RsaOaepSha256EncryptWithLabel(ek, seed, ByteView(kIdentity)));
  // Part 1 §24.4: encIdentity = CFB(KDFa(seed, "STORAGE", Name), TPM2B_DIGEST(secret)).
  const SecretBytes storage_key = KdfaSha256(seed, "STORAGE", name, {}, kSymmetricBits);
  Bytes identity;
  Put2b(identity, secret.view());
  TWI_ASSIGN_OR_RETURN(const Bytes enc_identity, Aes128CfbEncrypt(storage_key, identity));
  std::fill(identity.begin(), identity.end(), 0);
  // Part 1 §24.5: outerHMAC = HMAC(KDFa(seed, "INTEGRITY"), encIdentity || Name).
  const SecretBytes integrity_key = KdfaSha256(seed, "INTEGRITY", {}, {}, kSeedSize * 8);
  TWI_ASSIGN_OR_RETURN(const crypto::HmacSha256 hmac, crypto::HmacSha256::Create(integrity_key));
  Bytes mac_input = enc_identity;
  mac_input.insert(mac_input.end(), name.begin(), name.end());
  Put2b(made.credential_blob, hmac.Compute(mac_input));
  made.credential_blob.insert(made.credential_blob.end(), enc_identity.begin(), enc_identity.end());
  return made;
}

}  // namespace twi::evidence::tpm
