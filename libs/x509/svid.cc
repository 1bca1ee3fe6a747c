#include "libs/x509/svid.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/x509/verify.h"

namespace twi::x509 {
namespace {

absl::StatusOr<spiffe::SpiffeId> LeafSpiffeId(const Certificate& leaf,
                                              std::string_view trust_domain) {
  // X509-SVID §2: "An X.509 SVID MUST contain exactly one URI SAN".
  const std::vector<std::string> uris = leaf.UriSans();
  if (uris.size() != 1) {
    return Error(Reason::kSpiffeIdInvalid,
                 absl::StrFormat("an X509-SVID has exactly one URI SAN, found %d", uris.size()));
  }
  TWI_ASSIGN_OR_RETURN(spiffe::SpiffeId id, spiffe::SpiffeId::Parse(uris.front()));
  // X509-SVID §5.2 / SPIFFE-ID §2.3: the ID belongs to the trust domain whose bundle validated
  // it, and a leaf identifies a workload, never the trust domain itself.
  if (id.trust_domain() != trust_domain) {
    return Error(Reason::kSpiffeIdInvalid, absl::StrFormat("SPIFFE ID %s is not in trust domain %s",
                                                           id.ToString(), trust_domain));
  }
  if (id.is_root()) {
    return Error(Reason::kSpiffeIdInvalid, "a leaf X509-SVID's SPIFFE ID must have a path");
  }
  return id;
}

absl::Status CheckLeafProfile(const Certificate& leaf) {
  // X509-SVID §4.1: leaf SVIDs set cA to false.
  if (leaf.IsCa()) return Error(Reason::kCertificateInvalid, "leaf X509-SVID is a CA");
  // X509-SVID §4.3: digitalSignature is required; keyCertSign and cRLSign are forbidden.
  const Certificate::KeyUsage usage = leaf.key_usage();
  if (!usage.present || !usage.digital_signature) {
    return Error(Reason::kCertificateInvalid, "leaf X509-SVID lacks keyUsage digitalSignature");
  }
  if (usage.key_cert_sign || usage.crl_sign) {
    return Error(Reason::kCertificateInvalid, "leaf X509-SVID has keyCertSign or cRLSign");
  }
  // X509-SVID §4.4: when extKeyUsage is present it names both TLS purposes.
  if (leaf.HasExtendedKeyUsage() && !(leaf.HasServerAuth() && leaf.HasClientAuth())) {
    return Error(Reason::kCertificateInvalid,
                 "leaf X509-SVID extKeyUsage lacks serverAuth or clientAuth");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<spiffe::SpiffeId> ValidateX509Svid(const std::vector<Certificate>& chain,
                                                  std::string_view trust_domain,
                                                  const std::vector<Certificate>& bundle,
                                                  absl::Time at) {
  TWI_RETURN_IF_ERROR(spiffe::ValidateTrustDomain(trust_domain));
  if (chain.empty()) return Error(Reason::kChainInvalid, "empty X509-SVID chain");
  const Certificate& leaf = chain.front();
  TWI_ASSIGN_OR_RETURN(spiffe::SpiffeId id, LeafSpiffeId(leaf, trust_domain));
  TWI_RETURN_IF_ERROR(CheckLeafProfile(leaf));
  const std::vector<Certificate> intermediates(chain.begin() + 1, chain.end());
  TWI_RETURN_IF_ERROR(VerifyChain(leaf, intermediates, bundle, at).status());
  return id;
}

}  // namespace twi::x509
