// The deployment's Key Store (config.yaml `key_store`, architecture §3 "Keys"): the PKCS#11
// token that holds every long-lived key of the roles, created by `twi server init` as a SoftHSM2
// token under keystore/, and opened by the roles with the PIN file.
//
// Role keys are labelled by their names in layout.h and addressed by RFC 7512 URIs
// ("pkcs11:token=<token>;object=ca-issuing;type=private").
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/crypto/signature.h"
#include "libs/deployment/config.h"
#include "libs/deployment/layout.h"
#include "libs/keystore/backends/pkcs11/pkcs11_key_store.h"

namespace twi::deployment {

// The configuration of a new deployment's SoftHSM2 token: keystore/softhsm2.conf, the PIN in
// keys/key-store.pin, and a fresh label ("twi-<8 hex>", so that two deployments can never be
// mistaken for each other).
KeyStoreConfig NewSoftHsmKeyStoreConfig(const Layout& layout, std::string module_path);

// Writes the SoftHSM2 configuration and random user and SO PINs (keys/, 0600) that `config`
// names and initialises its token. kIoError, kKeyStoreUnavailable (module missing, no free
// slot).
absl::Status CreateSoftHsmKeyStore(const Layout& layout, const KeyStoreConfig& config);

// Opens the token the configuration names, logged in with the PIN file (and, for SoftHSM2,
// pointing the module at the deployment's configuration first). kConfigInvalid for a missing or
// malformed PIN file; the Key Store reasons otherwise.
absl::StatusOr<std::unique_ptr<keystore::Pkcs11KeyStore>> OpenKeyStore(
    const Layout& layout, const KeyStoreConfig& config);

// A Signer over role key `name` of the deployment at `layout` (config.yaml's key_store): for
// tools and agents on the deployment's machine. The Signer keeps the token open.
absl::StatusOr<std::unique_ptr<crypto::Signer>> OpenDeploymentRoleSigner(const Layout& layout,
                                                                         std::string_view name);

// The URI of role key `name` (layout.h) in the configured token.
std::string RoleKeyUri(const KeyStoreConfig& config, std::string_view name);

// A Signer over role key `name`. kKeyStoreKeyNotFound naming the key if the token lacks it.
absl::StatusOr<std::unique_ptr<crypto::Signer>> OpenRoleSigner(keystore::KeyStore& store,
                                                               const KeyStoreConfig& config,
                                                               std::string_view name);

}  // namespace twi::deployment
