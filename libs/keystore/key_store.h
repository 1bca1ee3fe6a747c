// KeyStore: the deployment's long-lived private keys, which the roles use and never read.
//
// Keys are generated inside the store, marked sensitive and non-extractable, and used through
// Signers; configuration names them by RFC 7512 URI (pkcs11_uri.h). Backends are named by
// mechanism (backends/pkcs11: Pkcs11KeyStore over any Cryptoki module, SoftHSM2 by default).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"

namespace twi::keystore {

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Generates a signing key pair (EC P-256 or P-384) labelled `label`; returns the URI of its
  // private key. kInvalidArgument for another key type or a label already in use; the Key
  // Store reasons (kKeyStoreUnavailable, kKeyStoreLoginFailed) otherwise.
  virtual absl::StatusOr<std::string> GenerateSigningKey(std::string_view label,
                                                         crypto::KeyType type) = 0;

  // A Signer over the private key `uri` names, with its key type's default algorithm.
  // kKeyStoreKeyNotFound if the store has no such key; kInvalidArgument for a malformed URI or
  // one naming another store's token. The Signer may outlive this object.
  virtual absl::StatusOr<std::unique_ptr<crypto::Signer>> OpenSigner(std::string_view uri) = 0;
};

}  // namespace twi::keystore
