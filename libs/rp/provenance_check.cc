#include "libs/rp/provenance_check.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/signature.h"
#include "libs/jose/jwk.h"
#include "libs/jose/jws.h"
#include "libs/provenance/dsse.h"
#include "libs/tlog/merkle.h"
#include "libs/tlog/proof_bundle.h"
#include "libs/x509/certificate.h"
#include "libs/x509/precert.h"
#include "libs/x509/provenance_pointer.h"

namespace twi::rp {
namespace {

absl::Status Mismatch(std::string_view what) {
  return Error(Reason::kProvenanceRecordMismatch, absl::StrCat("provenance: ", std::string(what)));
}

}  // namespace

absl::StatusOr<CredentialFacts> X509CredentialFacts(ByteView certificate_der) {
  TWI_ASSIGN_OR_RETURN(const x509::Certificate certificate,
                       x509::Certificate::FromDer(certificate_der));
  CredentialFacts facts;
  facts.credential_id = "x509:" + certificate.SerialHex();
  facts.key_thumbprint = jose::Jwk::FromPublicKey(certificate.public_key()).Thumbprint();
  // The record names the certificate as it was before the pointer was added (precert.h).
  TWI_ASSIGN_OR_RETURN(const Bytes tbs,
                       x509::TbsWithoutExtension(certificate_der, x509::ProvenancePointerOidDer()));
  facts.subject_digest = crypto::Sha256(tbs);
  TWI_ASSIGN_OR_RETURN(const std::optional<x509::RawExtension> extension,
                       x509::FindExtension(certificate_der, x509::ProvenancePointerOidDer()));
  if (extension.has_value()) {
    if (extension->critical) {
      return Error(Reason::kCertificateInvalid, "the provenance pointer must not be critical");
    }
    TWI_ASSIGN_OR_RETURN(const x509::ProvenancePointer pointer,
                         x509::ParseProvenancePointer(extension->value));
    facts.pointer = ProvenancePointerView{.record_digest = pointer.record_digest,
                                          .log_origin = pointer.log_origin,
                                          .log_index = pointer.log_index};
  }
  return facts;
}

absl::StatusOr<CredentialFacts> WitCredentialFacts(std::string_view wit) {
  TWI_ASSIGN_OR_RETURN(const jose::ParsedJws jws, jose::ParseCompact(wit));
  absl::StatusOr<Json> claims = ParseJsonObject(AsString(jws.payload));
  if (!claims.ok()) return Error(Reason::kJoseMalformed, "the WIT payload is not a JSON object");
  CredentialFacts facts;
  const auto jti = claims->find("jti");
  const auto cnf = claims->find("cnf");
  if (jti == claims->end() || !jti->is_string() || cnf == claims->end() || !cnf->is_object() ||
      !cnf->contains("jwk")) {
    return Error(Reason::kJoseMalformed, "the WIT lacks jti or cnf.jwk");
  }
  facts.credential_id = "wit:" + jti->get<std::string>();
  TWI_ASSIGN_OR_RETURN(const jose::Jwk key, jose::Jwk::FromJson((*cnf)["jwk"]));
  facts.key_thumbprint = key.Thumbprint();
  facts.subject_digest = provenance::WitPreClaimsDigest(*claims);
  if (const auto prov = claims->find(provenance::kWitProvenanceClaim); prov != claims->end()) {
    if (!prov->is_object() || prov->value("alg", "") != "sha-256" ||
        !prov->value("digest", Json()).is_string() || !prov->value("log", Json()).is_string() ||
        !prov->value("index", Json()).is_number_unsigned()) {
      return Error(Reason::kJoseMalformed, "the WIT's twi_prov claim is malformed");
    }
    ProvenancePointerView pointer;
    TWI_ASSIGN_OR_RETURN(pointer.record_digest,
                         Base64UrlDecode((*prov)["digest"].get<std::string>()));
    pointer.log_origin = (*prov)["log"].get<std::string>();
    pointer.log_index = (*prov)["index"].get<uint64_t>();
    facts.pointer = std::move(pointer);
  }
  return facts;
}

absl::StatusOr<VerifiedProvenance> VerifyProvenance(const CredentialFacts& facts,
                                                    std::string_view envelope,
                                                    const crypto::PublicKey& record_signer,
                                                    std::string_view proof_bundle,
                                                    const tlog::NoteVerifier& log_key) {
  TWI_ASSIGN_OR_RETURN(const provenance::DsseEnvelope parsed, provenance::ParseDsse(envelope));
  TWI_ASSIGN_OR_RETURN(const crypto::SignatureAlgorithm algorithm,
                       crypto::DefaultSignatureAlgorithm(record_signer.type()));
  TWI_RETURN_IF_ERROR(provenance::VerifyDsse(parsed, record_signer, algorithm));
  if (parsed.payload_type != provenance::kInTotoPayloadType) {
    return Error(Reason::kProvenanceDocumentInvalid, "provenance: not an in-toto payload");
  }
  VerifiedProvenance out;
  TWI_ASSIGN_OR_RETURN(out.record, provenance::ParseCredentialRecord(AsString(parsed.payload)));
  out.record_digest = crypto::Sha256(AsBytes(envelope));

  // External binding: the record names this credential.
  if (out.record.credential_id != facts.credential_id) {
    return Mismatch(
        absl::StrCat("the record is of ", out.record.credential_id, ", not ", facts.credential_id));
  }
  if (out.record.key_thumbprint != facts.key_thumbprint) {
    return Mismatch("the record names another credential key");
  }
  if (out.record.subject_digest != facts.subject_digest) {
    return Mismatch("the record's subject digest is not the credential's");
  }

  TWI_ASSIGN_OR_RETURN(const tlog::ProofBundle bundle, tlog::ParseProofBundle(proof_bundle));
  // Internal binding: the credential points at this record, at this place in this log.
  if (facts.pointer.has_value()) {
    if (facts.pointer->record_digest != out.record_digest) {
      return Mismatch("the credential points at another record");
    }
    if (facts.pointer->log_origin != log_key.name()) {
      return Error(Reason::kLogOriginMismatch, absl::StrCat("provenance: the credential names log ",
                                                            facts.pointer->log_origin));
    }
    if (facts.pointer->log_index != bundle.index) {
      return Mismatch("the proof is for another log index than the credential names");
    }
  }
  TWI_ASSIGN_OR_RETURN(
      out.checkpoint,
      tlog::VerifyProofBundle(bundle, tlog::LeafHash(out.record_digest), log_key, log_key.name()));
  out.log_index = bundle.index;
  return out;
}

}  // namespace twi::rp
