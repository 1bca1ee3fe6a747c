// Building X.501 names and GeneralNames from caller-supplied strings, shared by CSR creation
// and certificate issuance. Input here comes from templates and workloads, so every value is
// checked and refused with kInvalidArgument rather than passed to OpenSSL unchecked.
// Internal to libs/x509; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/crypto/openssl_util.h"

namespace twi::x509::internal {

using RelativeNames = std::vector<std::pair<std::string, std::string>>;

// Appends one single-valued RDN per entry, in order, e.g. {{"O", "twi"}, {"CN", "ca"}}. Types are
// short names, long names or dotted OIDs; values are UTF-8 and non-empty (X.520 upper bounds,
// such as 64 characters for CN, are enforced). Errors: kInvalidArgument.
absl::Status AppendRelativeNames(const RelativeNames& entries, X509_NAME* name);

// SubjectAltName GeneralNames (RFC 5280 §4.2.1.6) from URIs (absolute, printable ASCII), DNS
// names (printable ASCII) and IP addresses (IPv4 or IPv6 text). Null if all lists are empty.
// Errors: kInvalidArgument.
absl::StatusOr<crypto::internal::UniqueGeneralNames> BuildSubjectAltNames(
    const std::vector<std::string>& uris, const std::vector<std::string>& dns_names,
    const std::vector<std::string>& ip_addresses);

}  // namespace twi::x509::internal
