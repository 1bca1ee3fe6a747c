#include "libs/rp/spiffe_bundle.h"

#include <set>

#include "absl/strings/str_format.h"
#include "libs/core/json.h"
#include "libs/core/status.h"

namespace twi::rp {
namespace {

absl::StatusOr<x509::Certificate> X509Authority(const jose::Jwk& jwk) {
  // SPIFFE bundle §4.2.1: kid MUST NOT be set; x5c holds exactly one certificate.
  if (jwk.kid().has_value()) {
    return Error(Reason::kJoseMalformed, "an x509-svid bundle entry must not have a kid");
  }
  if (jwk.x5c().size() != 1) {
    return Error(Reason::kJoseMalformed, "an x509-svid bundle entry needs exactly one x5c");
  }
  TWI_ASSIGN_OR_RETURN(Bytes der, Base64Decode(jwk.x5c()[0]));
  TWI_ASSIGN_OR_RETURN(x509::Certificate cert, x509::Certificate::FromDer(der));
  if (!cert.public_key().Equals(jwk.key())) {
    return Error(Reason::kCertificateInvalid, "x5c certificate does not match the bundle key");
  }
  return cert;
}

}  // namespace

absl::StatusOr<SpiffeBundle> ParseSpiffeBundle(std::string_view json) {
  TWI_ASSIGN_OR_RETURN(jose::Jwks jwks, jose::Jwks::Parse(json));
  SpiffeBundle bundle;
  std::set<std::string> kids;
  for (const jose::Jwk& jwk : jwks.keys()) {
    const std::string use = jwk.use().value_or("");
    if (use == "x509-svid") {
      TWI_ASSIGN_OR_RETURN(x509::Certificate cert, X509Authority(jwk));
      bundle.x509_authorities.push_back(std::move(cert));
    } else if (use == "wit-svid") {
      // WIT-SVID §5: kid is required and unique across the bundle.
      if (!jwk.kid().has_value() || !kids.insert(*jwk.kid()).second) {
        return Error(Reason::kJoseMalformed, "a wit-svid bundle entry needs a unique kid");
      }
      bundle.wit_keys.Add(jwk);
    }
  }
  const Json& extra = jwks.extra();
  if (auto it = extra.find("spiffe_sequence"); it != extra.end()) {
    if (!it->is_number_integer()) {
      return Error(Reason::kJoseMalformed, "spiffe_sequence must be an integer");
    }
    bundle.sequence = it->get<int64_t>();
  }
  if (auto it = extra.find("spiffe_refresh_hint"); it != extra.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
      return Error(Reason::kJoseMalformed, "spiffe_refresh_hint must be a positive integer");
    }
    bundle.refresh_hint = absl::Seconds(it->get<int64_t>());
  }
  return bundle;
}

}  // namespace twi::rp
