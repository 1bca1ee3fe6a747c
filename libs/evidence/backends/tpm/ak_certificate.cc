#include "libs/evidence/backends/tpm/ak_certificate.h"

#include "libs/core/status.h"
#include "libs/x509/issue.h"
#include "libs/x509/precert.h"

namespace twi::evidence::tpm {
namespace {

// X.690 §8.19 encoding of kAkNameOid: the provenance pointer's arc with a last arc of 2.
constexpr uint8_t kAkNameOidDer[] = {0x06, 0x15, 0x69, 0x81, 0x89, 0x89, 0x80, 0xe7,
                                     0xf0, 0xe1, 0x82, 0xa7, 0x89, 0xad, 0xfe, 0xea,
                                     0xc9, 0xf4, 0xab, 0xe1, 0xb2, 0x3f, 0x02};
constexpr uint8_t kTagOctetString = 0x04;

}  // namespace

absl::StatusOr<x509::Certificate> IssueAkCertificate(const TpmPublic& ak,
                                                     const x509::Certificate& ca,
                                                     const crypto::Signer& ca_signer,
                                                     absl::Time now, absl::Duration ttl) {
  TWI_ASSIGN_OR_RETURN(const crypto::PublicKey key, ak.Key());
  TWI_ASSIGN_OR_RETURN(const Bytes name, ak.Name());
  // A Name is at most 66 bytes: the short-form length suffices.
  Bytes value = {kTagOctetString, static_cast<uint8_t>(name.size())};
  value.insert(value.end(), name.begin(), name.end());
  x509::CertificateTemplate tmpl{.subject_key = key};
  tmpl.subject = {{"O", "twi"}, {"CN", "TPM attestation key " + HexEncode(name).substr(4, 16)}};
  tmpl.not_before = now - absl::Minutes(5);
  tmpl.not_after = now + ttl;
  tmpl.extra_extensions = {{.oid = kAkNameOid, .critical = false, .der_value = std::move(value)}};
  return x509::IssueCertificate(tmpl, &ca, ca_signer);
}

absl::StatusOr<std::optional<Bytes>> AkNameOf(ByteView certificate_der) {
  TWI_ASSIGN_OR_RETURN(const std::optional<x509::RawExtension> extension,
                       x509::FindExtension(certificate_der, ByteView(kAkNameOidDer)));
  if (!extension.has_value()) return std::optional<Bytes>();
  const Bytes& v = extension->value;
  if (extension->critical || v.size() < 2 || v[0] != kTagOctetString || v[1] != v.size() - 2) {
    return Error(Reason::kCertificateInvalid, "the AK Name extension is malformed");
  }
  return std::optional<Bytes>(Bytes(v.begin() + 2, v.end()));
}

}  // namespace twi::evidence::tpm
