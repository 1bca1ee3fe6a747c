#include "libs/verifier/tpm_enrollment.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/ak_certificate.h"
#include "libs/evidence/backends/tpm/credential.h"
#include "libs/evidence/backends/tpm/quote.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"
#include "libs/x509/verify.h"

namespace twi::verifier {

namespace tpm = evidence::tpm;

struct TpmEnrollment::Checked {
  tpm::TpmPublic ak;
  Bytes ak_name;
  crypto::PublicKey ek;
  Bytes ek_digest;
};

namespace {

constexpr std::string_view kSecretContext = "twi-tpm-enrollment-v1";
constexpr size_t kMaxCertificates = 4;
constexpr size_t kMaxCertificateSize = 16 << 10;

absl::StatusOr<Bytes> ReadBytes(const Json& json, std::string_view field, size_t max_size) {
  TWI_ASSIGN_OR_RETURN(const std::string text, GetString(json, field));
  absl::StatusOr<Bytes> bytes = Base64UrlDecode(text);
  if (!bytes.ok() || bytes->empty() || bytes->size() > max_size) {
    return Error(Reason::kRequestInvalid,
                 absl::StrFormat("%s is not base64url of at most %d bytes", field, max_size));
  }
  return bytes;
}

// Seconds since the epoch, as the Verifier's nonce challenges carry their expiry.
absl::StatusOr<absl::Time> ReadTime(const Json& json, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const int64_t seconds, GetInt(json, field));
  return absl::FromUnixSeconds(seconds);
}

void PutU64(Bytes& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TpmEnrollment>> TpmEnrollment::Create(
    TpmEnrollmentConfig config, x509::Certificate ak_ca, const crypto::Signer* ak_ca_signer,
    const SecretBytes& key, const Clock* clock) {
  if (config.ek_roots.empty()) {
    return Error(Reason::kConfigInvalid, "TPM enrollment needs at least one EK root");
  }
  TWI_ASSIGN_OR_RETURN(crypto::HmacSha256 mac, crypto::HmacSha256::Create(key));
  return std::unique_ptr<TpmEnrollment>(
      new TpmEnrollment(std::move(config), std::move(ak_ca), ak_ca_signer, std::move(mac), clock));
}

absl::StatusOr<TpmEnrollment::Checked> TpmEnrollment::Check(
    const TpmEnrollmentRequest& request) const {
  TWI_ASSIGN_OR_RETURN(tpm::TpmPublic ak, tpm::ParsePublic(request.ak_public));
  TWI_RETURN_IF_ERROR(tpm::CheckAttestationKey(ak));
  TWI_ASSIGN_OR_RETURN(Bytes ak_name, ak.Name());
  if (request.ek_certificates.empty()) {
    return Error(Reason::kTpmEkUntrusted, "no EK certificate");
  }
  std::vector<x509::Certificate> chain;
  for (const Bytes& der : request.ek_certificates) {
    absl::StatusOr<x509::Certificate> certificate = x509::Certificate::FromDer(der);
    if (!certificate.ok()) {
      return Error(
          Reason::kEvidenceMalformed,
          absl::StrFormat("an EK certificate does not parse: %s", certificate.status().message()));
    }
    chain.push_back(*std::move(certificate));
  }
  std::vector<x509::Certificate> intermediates(chain.begin() + 1, chain.end());
  intermediates.insert(intermediates.end(), config_.ek_intermediates.begin(),
                       config_.ek_intermediates.end());
  if (auto path = x509::VerifyChain(chain[0], intermediates, config_.ek_roots, clock_->Now());
      !path.ok()) {
    return Error(Reason::kTpmEkUntrusted,
                 absl::StrFormat("the EK certificate does not chain to a trusted EK root: %s",
                                 path.status().message()));
  }
  if (chain[0].public_key().type() != crypto::KeyType::kRsa) {
    return Error(Reason::kTpmEkUntrusted, "only RSA-2048 EKs (template L-1) are enrolled");
  }
  return Checked{std::move(ak), std::move(ak_name), chain[0].public_key(),
                 crypto::Sha256(request.ek_certificates[0])};
}

Bytes TpmEnrollment::Secret(const Checked& checked, absl::Time expires_at) const {
  Bytes input(kSecretContext.begin(), kSecretContext.end());
  input.push_back(0);
  input.push_back(static_cast<uint8_t>(checked.ak_name.size()));
  input.insert(input.end(), checked.ak_name.begin(), checked.ak_name.end());
  input.insert(input.end(), checked.ek_digest.begin(), checked.ek_digest.end());
  PutU64(input, static_cast<uint64_t>(absl::ToUnixSeconds(expires_at)));
  return input;
}

absl::StatusOr<TpmEnrollmentChallenge> TpmEnrollment::Challenge(
    const TpmEnrollmentRequest& request) const {
  TWI_ASSIGN_OR_RETURN(const Checked checked, Check(request));
  TpmEnrollmentChallenge challenge;
  challenge.expires_at =
      absl::FromUnixSeconds(absl::ToUnixSeconds(clock_->Now() + config_.challenge_ttl));
  const SecretBytes secret =
      SecretBytes::Adopt(mac_.Compute(Secret(checked, challenge.expires_at)));
  TWI_ASSIGN_OR_RETURN(tpm::MadeCredential made,
                       tpm::MakeCredential(checked.ek, checked.ak_name, secret));
  challenge.credential_blob = std::move(made.credential_blob);
  challenge.encrypted_secret = std::move(made.encrypted_secret);
  return challenge;
}

absl::StatusOr<std::vector<Bytes>> TpmEnrollment::Activate(const TpmActivation& activation) const {
  const absl::Time now = clock_->Now();
  if (now >= activation.expires_at || activation.expires_at > now + config_.challenge_ttl) {
    return Error(Reason::kNonceExpired, "the enrollment challenge expired");
  }
  TWI_ASSIGN_OR_RETURN(const Checked checked, Check(activation.request));
  if (!mac_.Verify(Secret(checked, activation.expires_at), activation.secret)) {
    return Error(Reason::kTpmEkUntrusted,
                 "the TPM did not recover the enrollment credential: not the TPM of this EK, or "
                 "not this AK");
  }
  TWI_ASSIGN_OR_RETURN(
      const x509::Certificate certificate,
      tpm::IssueAkCertificate(checked.ak, ak_ca_, *ak_ca_signer_, now, config_.ak_certificate_ttl));
  return std::vector<Bytes>{certificate.ToDer(), ak_ca_.ToDer()};
}

Json ToJson(const TpmEnrollmentRequest& request) {
  Json certificates = Json::array();
  for (const Bytes& der : request.ek_certificates) certificates.push_back(Base64UrlEncode(der));
  return {{"ak_public", Base64UrlEncode(request.ak_public)}, {"ek_certificates", certificates}};
}

absl::StatusOr<TpmEnrollmentRequest> TpmEnrollmentRequestFromJson(const Json& json) {
  TpmEnrollmentRequest request;
  TWI_ASSIGN_OR_RETURN(request.ak_public, ReadBytes(json, "ak_public", 1024));
  TWI_ASSIGN_OR_RETURN(const Json* certificates, GetArray(json, "ek_certificates"));
  if (certificates->empty() || certificates->size() > kMaxCertificates) {
    return Error(Reason::kRequestInvalid, "ek_certificates: 1 to 4 certificates");
  }
  for (const Json& entry : *certificates) {
    TWI_ASSIGN_OR_RETURN(Bytes der, ReadBytes(Json{{"c", entry}}, "c", kMaxCertificateSize));
    request.ek_certificates.push_back(std::move(der));
  }
  return request;
}

Json ToJson(const TpmEnrollmentChallenge& challenge) {
  return {{"credential_blob", Base64UrlEncode(challenge.credential_blob)},
          {"encrypted_secret", Base64UrlEncode(challenge.encrypted_secret)},
          {"expires_at", absl::ToUnixSeconds(challenge.expires_at)}};
}

absl::StatusOr<TpmEnrollmentChallenge> TpmEnrollmentChallengeFromJson(const Json& json) {
  TpmEnrollmentChallenge challenge;
  TWI_ASSIGN_OR_RETURN(challenge.credential_blob, ReadBytes(json, "credential_blob", 1024));
  TWI_ASSIGN_OR_RETURN(challenge.encrypted_secret, ReadBytes(json, "encrypted_secret", 1024));
  TWI_ASSIGN_OR_RETURN(challenge.expires_at, ReadTime(json, "expires_at"));
  return challenge;
}

Json ToJson(const TpmActivation& activation) {
  Json json = ToJson(activation.request);
  json["expires_at"] = absl::ToUnixSeconds(activation.expires_at);
  json["secret"] = Base64UrlEncode(activation.secret);
  return json;
}

absl::StatusOr<TpmActivation> TpmActivationFromJson(const Json& json) {
  TpmActivation activation;
  TWI_ASSIGN_OR_RETURN(activation.request, TpmEnrollmentRequestFromJson(json));
  TWI_ASSIGN_OR_RETURN(activation.expires_at, ReadTime(json, "expires_at"));
  TWI_ASSIGN_OR_RETURN(activation.secret, ReadBytes(json, "secret", 64));
  return activation;
}

Json AkCertificatesToJson(const std::vector<Bytes>& chain) {
  Json certificates = Json::array();
  for (const Bytes& der : chain) certificates.push_back(Base64UrlEncode(der));
  return {{"ak_certificates", std::move(certificates)}};
}

absl::StatusOr<std::vector<Bytes>> AkCertificatesFromJson(const Json& json) {
  TWI_ASSIGN_OR_RETURN(const Json* list, GetArray(json, "ak_certificates"));
  if (list->empty() || list->size() > kMaxCertificates) {
    return Error(Reason::kRequestInvalid, "ak_certificates: 1 to 4 certificates");
  }
  std::vector<Bytes> chain;
  for (const Json& entry : *list) {
    TWI_ASSIGN_OR_RETURN(Bytes der, ReadBytes(Json{{"c", entry}}, "c", kMaxCertificateSize));
    chain.push_back(std::move(der));
  }
  return chain;
}

}  // namespace twi::verifier
