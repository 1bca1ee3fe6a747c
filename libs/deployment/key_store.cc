#include "libs/deployment/key_store.h"

#include <filesystem>

#include "absl/strings/str_format.h"
#include "libs/core/bytes.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/random.h"
#include "libs/deployment/secrets.h"
#include "libs/keystore/backends/pkcs11/softhsm.h"
#include "libs/keystore/pkcs11_uri.h"

namespace twi::deployment {
namespace {

std::string Resolve(const Layout& layout, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return layout.dir() + "/" + path;
}

// Paths inside the deployment are recorded relative to it, so the directory can move.
std::string Relative(const Layout& layout, const std::string& path) {
  return std::filesystem::path(path).lexically_relative(layout.dir()).string();
}

}  // namespace

KeyStoreConfig NewSoftHsmKeyStoreConfig(const Layout& layout, std::string module_path) {
  KeyStoreConfig config;
  config.pkcs11_module = std::move(module_path);
  config.token = "twi-" + HexEncode(crypto::RandomBytes(4));
  config.pin_file = Relative(layout, layout.key_store_pin());
  config.softhsm2_conf = Relative(layout, layout.softhsm_conf());
  return config;
}

absl::Status CreateSoftHsmKeyStore(const Layout& layout, const KeyStoreConfig& config) {
  const std::string conf = Resolve(layout, config.softhsm2_conf);
  const std::string tokens = std::filesystem::absolute(layout.softhsm_tokens()).string();
  TWI_RETURN_IF_ERROR(MakeDirs(layout.key_store(), 0700));
  TWI_RETURN_IF_ERROR(MakeDirs(tokens, 0700));
  TWI_RETURN_IF_ERROR(keystore::WriteSoftHsmConfig(conf, tokens));
  const std::string pin_file = Resolve(layout, config.pin_file);
  TWI_RETURN_IF_ERROR(NewSecretFile(pin_file));
  TWI_RETURN_IF_ERROR(NewSecretFile(layout.key_store_so_pin()));
  keystore::UseSoftHsmConfig(conf);
  TWI_ASSIGN_OR_RETURN(const SecretBytes so_pin, LoadSecretLine(layout.key_store_so_pin()));
  TWI_ASSIGN_OR_RETURN(const SecretBytes user_pin, LoadSecretLine(pin_file));
  return keystore::InitPkcs11Token(config.pkcs11_module, config.token, so_pin, user_pin);
}

absl::StatusOr<std::unique_ptr<keystore::Pkcs11KeyStore>> OpenKeyStore(
    const Layout& layout, const KeyStoreConfig& config) {
  keystore::Pkcs11Options options;
  options.module_path = config.pkcs11_module;
  options.token_label = config.token;
  TWI_ASSIGN_OR_RETURN(options.pin, LoadSecretLine(Resolve(layout, config.pin_file)));
  if (!config.softhsm2_conf.empty()) {
    const std::string conf = Resolve(layout, config.softhsm2_conf);
    if (!std::filesystem::exists(conf)) {
      return Error(Reason::kConfigInvalid,
                   absl::StrFormat("key_store.softhsm2_conf: %s does not exist", conf));
    }
    keystore::UseSoftHsmConfig(conf);
  }
  auto store = keystore::Pkcs11KeyStore::Open(std::move(options));
  if (!store.ok()) return Annotate(store.status(), "the deployment's Key Store");
  return store;
}

absl::StatusOr<std::unique_ptr<crypto::Signer>> OpenDeploymentRoleSigner(const Layout& layout,
                                                                         std::string_view name) {
  TWI_ASSIGN_OR_RETURN(const DeploymentConfig config, ReadConfigFile(layout));
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<keystore::Pkcs11KeyStore> store,
                       OpenKeyStore(layout, config.key_store));
  return OpenRoleSigner(*store, config.key_store, name);
}

std::string RoleKeyUri(const KeyStoreConfig& config, std::string_view name) {
  keystore::Pkcs11Uri uri;
  uri.token = config.token;
  uri.object = std::string(name);
  uri.type = "private";
  return keystore::FormatPkcs11Uri(uri);
}

absl::StatusOr<std::unique_ptr<crypto::Signer>> OpenRoleSigner(keystore::KeyStore& store,
                                                               const KeyStoreConfig& config,
                                                               std::string_view name) {
  auto signer = store.OpenSigner(RoleKeyUri(config, name));
  if (!signer.ok()) return Annotate(signer.status(), absl::StrFormat("role key \"%s\"", name));
  return signer;
}

}  // namespace twi::deployment
