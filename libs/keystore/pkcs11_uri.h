// RFC 7512 PKCS#11 URIs, the names by which configuration refers to keys in a token:
//
//   pkcs11:token=twi;object=ca-issuing;type=private
//
// Only the path attributes twi needs are accepted (token, object, id, type); a query part is
// refused, so a PIN never travels inside a URI ("pin-value"). Values are percent-decoded.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

namespace twi::keystore {

struct Pkcs11Uri {
  std::string token;   // CKA_LABEL of the token (CK_TOKEN_INFO.label, unpadded)
  std::string object;  // CKA_LABEL of the object
  Bytes id;            // CKA_ID, empty if not given
  std::string type;    // "private", "public", "cert", "secret-key", "data" or "" (any)

  bool operator==(const Pkcs11Uri&) const = default;
};

// kInvalidArgument naming what is wrong (never echoing more than the attribute name).
absl::StatusOr<Pkcs11Uri> ParsePkcs11Uri(std::string_view uri);
// Canonical text: attributes in the order token, object, id, type; unreserved characters as
// they are, everything else percent-encoded (upper-case hex).
std::string FormatPkcs11Uri(const Pkcs11Uri& uri);

}  // namespace twi::keystore
