#include "libs/keystore/testing/softhsm_token.h"

#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/keystore/backends/pkcs11/softhsm.h"

namespace twi::keystore::testing {

absl::StatusOr<std::unique_ptr<SoftHsmToken>> SoftHsmToken::Create() {
  std::unique_ptr<SoftHsmToken> token(new SoftHsmToken());
  token->token_dir_ = token->dir_.File("tokens");
  TWI_RETURN_IF_ERROR(MakeDirs(token->token_dir_, 0700));
  const std::string conf = token->dir_.File("softhsm2.conf");
  TWI_RETURN_IF_ERROR(WriteSoftHsmConfig(conf, token->token_dir_));
  UseSoftHsmConfig(conf);
  TWI_RETURN_IF_ERROR(InitPkcs11Token(DefaultSoftHsmModule(), kLabel, SecretBytes(AsBytes(kSoPin)),
                                      SecretBytes(AsBytes(kUserPin))));
  return token;
}

Pkcs11Options SoftHsmToken::Options() const {
  Pkcs11Options options;
  options.module_path = DefaultSoftHsmModule();
  options.token_label = kLabel;
  options.pin = SecretBytes(AsBytes(kUserPin));
  return options;
}

}  // namespace twi::keystore::testing
