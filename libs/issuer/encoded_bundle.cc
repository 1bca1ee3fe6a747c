#include "libs/issuer/encoded_bundle.h"

#include <utility>

#include "libs/core/json_writer.h"

namespace twi::issuer {

EncodedBundle::EncodedBundle(std::string pem, Json jwks)
    : pem_(std::move(pem)),
      jwks_(std::move(jwks)),
      pem_json_(JsonQuote(pem_)),
      jwks_json_(DumpJson(jwks_)) {}

std::shared_ptr<const EncodedBundle> EncodedBundle::Create(std::string pem, Json jwks) {
  return std::shared_ptr<const EncodedBundle>(new EncodedBundle(std::move(pem), std::move(jwks)));
}

const std::shared_ptr<const EncodedBundle>& EncodedBundle::Empty() {
  static const auto* const empty =
      new std::shared_ptr<const EncodedBundle>(Create("", Json::object()));
  return *empty;
}

}  // namespace twi::issuer
