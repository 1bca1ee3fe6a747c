// The Credential Provenance record (docs/provenance.md): one in-toto Statement v1 per issued
// credential, whose predicate says who issued it under which policy, on which appraisals of
// which evidence, for which workload release and its provenance documents. The CA signs it as a
// DSSE envelope and logs SHA-256 of the envelope bytes.
//
// This file is the record's format: build, encode, parse. Signing, logging and storage are the
// CA's (libs/issuer/provenance_recorder.h); checking a credential against its record is the
// relying party's (libs/rp/provenance_check.h).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/provenance/in_toto.h"

namespace twi::provenance {

// Under the 2.25 arc twi minted (libs/x509/provenance_pointer.h): .2 names this predicate.
inline constexpr char kCredentialProvenancePredicate[] =
    "urn:oid:2.25.91098881304171676652294184819108632895.2";
// The WIT claim carrying the internal binding: {"alg":"sha-256","digest":b64url,"log":origin,
// "index":n}.
inline constexpr char kWitProvenanceClaim[] = "twi_prov";
// What the subject digest of each format is computed over.
inline constexpr char kX509DigestOf[] = "tbs-without-provenance-pointer";
inline constexpr char kWitDigestOf[] = "claims-without-twi_prov";

struct AppraisalRecord {
  std::string tee{};                      // the EAR submod, e.g. "sample", "tpm"
  std::string verifier{};                 // EAR verifier id "developer/build"
  std::string verifier_key{};             // RFC 7638 thumbprint of the EAR signing key
  std::vector<std::string> policy_ids{};  // "sha256:<hex>" content digests
  std::vector<std::string> evidence_digests{};
  std::string result_digest{};  // "sha256:<hex>" of the EAR JWT
  std::string status{};         // affirming | warning | contraindicated | none
  absl::Time time_verified{};

  friend bool operator==(const AppraisalRecord&, const AppraisalRecord&) = default;
};

struct DocumentReference {
  std::string digest{};  // "sha256:<hex>"
  std::string kind{};
  std::string media_type{};
  std::string spec_version{};
  std::string name{};

  friend bool operator==(const DocumentReference&, const DocumentReference&) = default;
};

struct CredentialRecord {
  // Issuer.
  std::string issuer{};           // the CA: spiffe://<trust domain>
  std::string issuance_policy{};  // "sha256:<hex>"
  std::string mechanism{};        // "A" .. "D"
  std::string provisioned_by{};   // mechanism D: the owner that provisioned; else empty
  absl::Time issued_at{};
  // The credential.
  std::string format{};              // "x509-svid" | "wit"
  std::string credential_id{};       // "x509:<serial hex>" | "wit:<jti>"
  std::string subject_id{};          // SPIFFE ID
  std::string x509_issuer_sha256{};  // hex SHA-256 of the issuer Name DER (X.509 only)
  std::string serial{};              // lower hex (X.509 only)
  std::string jwt_issuer{};          // iss (WIT only)
  std::string jti{};                 // (WIT only)
  std::string key_thumbprint{};      // RFC 7638, base64url
  absl::Time not_before{};
  absl::Time not_after{};
  Bytes subject_digest{};  // 32 bytes: SHA-256 over what kX509DigestOf / kWitDigestOf say
  // What the issuance rested on.
  std::vector<AppraisalRecord> appraisals{};
  std::string workload{};
  std::string release{};
  std::vector<DocumentReference> workload_documents{};
  Bytes salt{};  // 32 random bytes

  friend bool operator==(const CredentialRecord&, const CredentialRecord&) = default;
};

// The Statement; kInvalidArgument for a record missing required fields (issuer, policy,
// format, credential id, subject id, key thumbprint, a 32-byte subject digest, a 32-byte salt,
// times) or with format-specific identifiers missing.
absl::StatusOr<Statement> CredentialRecordStatement(const CredentialRecord& record);
// EncodeStatement of the above: the DSSE payload.
absl::StatusOr<std::string> EncodeCredentialRecord(const CredentialRecord& record);

// The digest a WIT's record names (docs/provenance.md "Binding"): SHA-256 of the claims without
// kWitProvenanceClaim, serialized with members sorted by name and no whitespace (RFC 8785 JCS
// for WIT claims, which hold strings, integers and objects only). A relying party removes the
// claim from the payload it received and computes the same.
Bytes WitPreClaimsDigest(const Json& claims);

// Parses a DSSE payload back. kProvenanceDocumentInvalid naming the member (including a wrong
// predicate type).
absl::StatusOr<CredentialRecord> ParseCredentialRecord(std::string_view payload);

}  // namespace twi::provenance
