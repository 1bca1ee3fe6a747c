// The trust bundle as each issuance hands it out: PEM and SPIFFE JWKS, each with its JSON
// encoding made once. A CA returns the same bundle with every credential, so issuances share
// one immutable copy instead of copying a JWKS DOM and re-escaping PEM per response.
#pragma once

#include <memory>
#include <string>

#include "libs/core/json.h"

namespace twi::issuer {

class EncodedBundle {
 public:
  // Thread-safe to share once made.
  static std::shared_ptr<const EncodedBundle> Create(std::string pem, Json jwks);
  // No trust anchors: pem "", jwks {}. One shared instance.
  static const std::shared_ptr<const EncodedBundle>& Empty();

  const std::string& pem() const { return pem_; }
  const Json& jwks() const { return jwks_; }
  // The JSON texts of pem() (a string literal) and jwks() (an object), as DumpJson prints them.
  const std::string& pem_json() const { return pem_json_; }
  const std::string& jwks_json() const { return jwks_json_; }

 private:
  EncodedBundle(std::string pem, Json jwks);

  const std::string pem_;
  const Json jwks_;
  const std::string pem_json_;
  const std::string jwks_json_;
};

}  // namespace twi::issuer
