// Pkcs11KeyStore: the KeyStore over one token of a Cryptoki module, called directly through the
// PKCS#11 API (SoftHSM2 by default, any PKCS#11 HSM in production).
//
// Sessions are pooled: a call borrows an idle session or opens one, and returns it afterwards.
// The user is logged in once per token (login state is shared by all of the application's
// sessions, so two stores of one token in one process share it). When the token reports the
// session or the login gone (removed and reinserted, its service restarted), the call opens a
// fresh session, logs in again, finds its key again and retries once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/secret.h"
#include "libs/keystore/key_store.h"

namespace twi::keystore {

struct Pkcs11Options {
  std::string module_path;  // e.g. /usr/lib/softhsm/libsofthsm2.so
  std::string token_label;
  SecretBytes pin;  // the token's user PIN; never logged, wiped when the store dies
  size_t max_idle_sessions = 4;
};

// What the token says about a private key's protection (PKCS#11 §4.9 attributes).
struct Pkcs11KeyProtection {
  bool token = false;              // CKA_TOKEN: stored in the token, not per session
  bool sensitive = false;          // CKA_SENSITIVE
  bool extractable = true;         // CKA_EXTRACTABLE
  bool always_sensitive = false;   // CKA_ALWAYS_SENSITIVE
  bool never_extractable = false;  // CKA_NEVER_EXTRACTABLE
};

class Pkcs11KeyStore final : public KeyStore {
 public:
  // Loads the module, finds the token by label and logs in. kKeyStoreUnavailable for a missing
  // module or token, kKeyStoreLoginFailed for a refused PIN.
  static absl::StatusOr<std::unique_ptr<Pkcs11KeyStore>> Open(Pkcs11Options options);
  ~Pkcs11KeyStore() override;

  absl::StatusOr<std::string> GenerateSigningKey(std::string_view label,
                                                 crypto::KeyType type) override;
  absl::StatusOr<std::unique_ptr<crypto::Signer>> OpenSigner(std::string_view uri) override;
  absl::StatusOr<std::string> GenerateCredentialKey(std::string_view label,
                                                    crypto::KeyType type) override;
  absl::StatusOr<WrappedKey> WrapKeyFor(std::string_view uri,
                                        const crypto::PublicKey& recipient) override;
  absl::Status DestroyKey(std::string_view uri) override;

  // The protection attributes of the private key `uri` names. kKeyStoreKeyNotFound.
  absl::StatusOr<Pkcs11KeyProtection> Protection(std::string_view uri);

  struct Token;  // shared with the Signers, which may outlive the store

 private:
  explicit Pkcs11KeyStore(std::shared_ptr<Token> token) : token_(std::move(token)) {}
  absl::StatusOr<std::string> GenerateKeyPair(std::string_view label, crypto::KeyType type,
                                              bool credential);
  std::shared_ptr<Token> token_;
};

// Initialises a token in the first slot that holds none (C_InitToken, then C_InitPIN as the
// security officer): what `twi server init` does for SoftHSM2, and what tests do. For SoftHSM2
// the SOFTHSM2_CONF environment variable must name its configuration before the module is
// first loaded. kInvalidArgument for an empty label or PIN, kKeyStoreUnavailable if no free
// slot is left.
absl::Status InitPkcs11Token(const std::string& module_path, std::string_view label,
                             const SecretBytes& so_pin, const SecretBytes& user_pin);

}  // namespace twi::keystore
