#include "libs/provenance/credential_record.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/json.h"
#include "testing/status_matchers.h"

namespace twi::provenance {
namespace {

using ::twi::testing::HasReason;
using ::twi::testing::IsOkAndHolds;

CredentialRecord X509Record() {
  CredentialRecord r;
  r.issuer = "spiffe://example.org";
  r.issuance_policy = "sha256:" + std::string(64, '1');
  r.mechanism = "A";
  r.issued_at = absl::FromUnixSeconds(1'790'000'000);
  r.format = "x509-svid";
  r.credential_id = "x509:0123abcd";
  r.subject_id = "spiffe://example.org/payments";
  r.x509_issuer_sha256 = std::string(64, 'e');
  r.serial = "0123abcd";
  r.key_thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
  r.not_before = r.issued_at - absl::Seconds(10);
  r.not_after = r.issued_at + absl::Hours(1);
  r.subject_digest = Bytes(32, 0x5a);
  r.appraisals.push_back(
      {.tee = "sample",
       .verifier = "twi/0.1",
       .verifier_key = "abc",
       .policy_ids = {"sha256:" + std::string(64, '2'), "sha256:" + std::string(64, '3')},
       .evidence_digests = {"sha256:" + std::string(64, '4')},
       .result_digest = "sha256:" + std::string(64, '5'),
       .status = "affirming",
       .time_verified = r.issued_at - absl::Milliseconds(1500)});
  r.workload = "payments";
  r.release = "v1";
  r.workload_documents.push_back({.digest = "sha256:" + std::string(64, '6'),
                                  .kind = "cyclonedx",
                                  .media_type = "application/vnd.cyclonedx+json",
                                  .spec_version = "1.6",
                                  .name = "payments"});
  r.salt = Bytes(32, 0x77);
  return r;
}

TEST(CredentialRecordTest, RoundTripsBothFormats) {
  const CredentialRecord x509 = X509Record();
  ASSERT_OK_AND_ASSIGN(const std::string payload, EncodeCredentialRecord(x509));
  EXPECT_THAT(ParseCredentialRecord(payload), IsOkAndHolds(x509));
  ASSERT_OK_AND_ASSIGN(const Statement statement, ParseStatement(payload));
  EXPECT_EQ(statement.predicate_type, kCredentialProvenancePredicate);
  EXPECT_EQ(statement.subject[0].digest.at("sha256"), HexEncode(Bytes(32, 0x5a)));
  EXPECT_EQ(statement.predicate["credential"]["digestOf"], kX509DigestOf);

  CredentialRecord wit = X509Record();
  wit.format = "wit";
  wit.credential_id = "wit:0190-aa";
  wit.x509_issuer_sha256 = wit.serial = "";
  wit.jwt_issuer = "spiffe://example.org";
  wit.jti = "0190-aa";
  wit.mechanism = "D";
  wit.provisioned_by = "spiffe://example.org/twi/owner/alice";
  wit.appraisals.clear();
  ASSERT_OK_AND_ASSIGN(const std::string wit_payload, EncodeCredentialRecord(wit));
  EXPECT_THAT(ParseCredentialRecord(wit_payload), IsOkAndHolds(wit));
}

TEST(CredentialRecordTest, TwoIssuancesOfOneIdentityDifferBySalt) {
  CredentialRecord a = X509Record();
  CredentialRecord b = X509Record();
  b.salt[0] ^= 1;
  EXPECT_NE(*EncodeCredentialRecord(a), *EncodeCredentialRecord(b));
}

TEST(CredentialRecordTest, RefusesIncompleteRecords) {
  for (auto mutate : std::vector<std::function<void(CredentialRecord&)>>{
           [](CredentialRecord& r) { r.issuer.clear(); },
           [](CredentialRecord& r) { r.issuance_policy = "md5:00"; },
           [](CredentialRecord& r) { r.format = "jwt"; },
           [](CredentialRecord& r) { r.subject_digest.pop_back(); },
           [](CredentialRecord& r) { r.salt.clear(); },
           [](CredentialRecord& r) { r.serial.clear(); },
           [](CredentialRecord& r) { r.not_after = r.not_before; }}) {
    CredentialRecord r = X509Record();
    mutate(r);
    EXPECT_THAT(EncodeCredentialRecord(r), HasReason(Reason::kInvalidArgument));
  }
}

TEST(CredentialRecordTest, RefusesForeignOrBrokenPayloads) {
  ASSERT_OK_AND_ASSIGN(const std::string payload, EncodeCredentialRecord(X509Record()));
  ASSERT_OK_AND_ASSIGN(Json json, ParseJson(payload));
  Json other_type = json;
  other_type["predicateType"] = "https://slsa.dev/provenance/v1";
  EXPECT_THAT(ParseCredentialRecord(DumpJson(other_type)),
              HasReason(Reason::kProvenanceDocumentInvalid));
  Json renamed = json;
  renamed["subject"][0]["name"] = "x509:ffff";
  EXPECT_THAT(ParseCredentialRecord(DumpJson(renamed)),
              HasReason(Reason::kProvenanceDocumentInvalid));
  Json no_salt = json;
  no_salt["predicate"].erase("salt");
  EXPECT_THAT(ParseCredentialRecord(DumpJson(no_salt)),
              HasReason(Reason::kProvenanceDocumentInvalid));
  Json bad_time = json;
  bad_time["predicate"]["issuedAt"] = "yesterday";
  EXPECT_THAT(ParseCredentialRecord(DumpJson(bad_time)),
              HasReason(Reason::kProvenanceDocumentInvalid));
}

}  // namespace
}  // namespace twi::provenance
