#include "libs/x509/testing/test_pki.h"

#include "libs/core/status.h"
#include "libs/spiffe/spiffe_id.h"

namespace twi::x509::testing {

absl::StatusOr<std::unique_ptr<crypto::Signer>> NewSigner(crypto::KeyType type) {
  TWI_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(type));
  TWI_ASSIGN_OR_RETURN(crypto::SignatureAlgorithm algorithm,
                       crypto::DefaultSignatureAlgorithm(type));
  return crypto::NewSoftwareSigner(std::move(key), algorithm);
}

absl::StatusOr<Party> MakeRoot(absl::Time now, std::string_view trust_domain,
                               crypto::KeyType type) {
  TWI_ASSIGN_OR_RETURN(auto signer, NewSigner(type));
  TWI_ASSIGN_OR_RETURN(
      CertificateTemplate tmpl,
      SpiffeCaTemplate(trust_domain, signer->public_key(), "twi test root",
                       now - absl::Hours(24 * 180), now + absl::Hours(24 * 180), std::nullopt));
  TWI_ASSIGN_OR_RETURN(Certificate certificate, IssueCertificate(tmpl, nullptr, *signer));
  return Party{std::move(signer), std::move(certificate)};
}

absl::StatusOr<Party> MakeIntermediate(const Party& issuer, absl::Time now,
                                       std::string_view trust_domain, crypto::KeyType type) {
  TWI_ASSIGN_OR_RETURN(auto signer, NewSigner(type));
  TWI_ASSIGN_OR_RETURN(CertificateTemplate tmpl,
                       SpiffeCaTemplate(trust_domain, signer->public_key(), "twi test issuing CA",
                                        now - absl::Hours(12), now + absl::Hours(12), 0));
  TWI_ASSIGN_OR_RETURN(Certificate certificate,
                       IssueCertificate(tmpl, &issuer.certificate, *issuer.signer));
  return Party{std::move(signer), std::move(certificate)};
}

absl::StatusOr<Party> MakeLeaf(const Party& issuer, absl::Time now, std::string_view id,
                               const std::function<void(CertificateTemplate&)>& mutate) {
  TWI_ASSIGN_OR_RETURN(auto signer, NewSigner());
  TWI_ASSIGN_OR_RETURN(spiffe::SpiffeId spiffe_id, spiffe::SpiffeId::Parse(id));
  TWI_ASSIGN_OR_RETURN(CertificateTemplate tmpl,
                       X509SvidTemplate(spiffe_id, signer->public_key(), now, kLeafTtl));
  if (mutate) mutate(tmpl);
  TWI_ASSIGN_OR_RETURN(Certificate certificate,
                       IssueCertificate(tmpl, &issuer.certificate, *issuer.signer));
  return Party{std::move(signer), std::move(certificate)};
}

absl::StatusOr<Pki> MakePki(absl::Time now) {
  TWI_ASSIGN_OR_RETURN(Party root, MakeRoot(now));
  TWI_ASSIGN_OR_RETURN(Party intermediate, MakeIntermediate(root, now));
  TWI_ASSIGN_OR_RETURN(Party leaf, MakeLeaf(intermediate, now));
  return Pki{std::move(root), std::move(intermediate), std::move(leaf)};
}

}  // namespace twi::x509::testing
