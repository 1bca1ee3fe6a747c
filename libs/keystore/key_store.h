// KeyStore: the deployment's long-lived private keys, which the roles use and never read.
//
// Keys are generated inside the store, marked sensitive and non-extractable, and used through
// Signers; configuration names them by RFC 7512 URI (pkcs11_uri.h). Backends are named by
// mechanism (backends/pkcs11: Pkcs11KeyStore over any Cryptoki module, SoftHSM2 by default).
//
// Credential keys (mechanism D) are the one exception to "never leaves": sensitive, they
// leave the store only wrapped by it for one recipient's public key (wrapped_key.h), so the
// clear key exists in the store and in the recipient, never in the process between.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/keystore/wrapped_key.h"

namespace twi::keystore {

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Generates a signing key pair (EC P-256, P-384 or Ed25519) labelled `label`; returns the URI of
  // its private key. kInvalidArgument for another key type or a label already in use; the Key Store
  // reasons (kKeyStoreUnavailable, kKeyStoreLoginFailed) otherwise.
  virtual absl::StatusOr<std::string> GenerateSigningKey(std::string_view label,
                                                         crypto::KeyType type) = 0;

  // A Signer over the private key `uri` names, with its key type's default algorithm.
  // kKeyStoreKeyNotFound if the store has no such key; kInvalidArgument for a malformed URI or
  // one naming another store's token. The Signer may outlive this object.
  virtual absl::StatusOr<std::unique_ptr<crypto::Signer>> OpenSigner(std::string_view uri) = 0;

  // Generates a credential key pair (EC P-256 or P-384) labelled `label`: sensitive, usable for
  // signing (its CSR) and exportable only through WrapKeyFor. Returns the private key's URI.
  // Errors as GenerateSigningKey.
  virtual absl::StatusOr<std::string> GenerateCredentialKey(std::string_view label,
                                                            crypto::KeyType type) = 0;

  // Exports the credential key `uri` names wrapped for `recipient` (an EC P-256 or P-384 public
  // key), as wrapped_key.h describes; a fresh ephemeral key every call. kInvalidArgument for a
  // recipient of another type or a key that may not leave the store (signing keys);
  // kKeyStoreKeyNotFound; the Key Store reasons otherwise.
  virtual absl::StatusOr<WrappedKey> WrapKeyFor(std::string_view uri,
                                                const crypto::PublicKey& recipient) = 0;

  // Destroys the key pair `uri` names (a credential key replaced or never completed).
  // kKeyStoreKeyNotFound if there is none; Signers over it fail from then on.
  virtual absl::Status DestroyKey(std::string_view uri) = 0;
};

}  // namespace twi::keystore
