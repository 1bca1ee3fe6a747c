#include "libs/storage/testing/provenance_store_conformance.h"

#include <utility>

#include "gmock/gmock.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "testing/status_matchers.h"

namespace twi::storage::testing {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::twi::testing::HasReason;
using ::twi::testing::IsOkAndHolds;

ProvenanceStoreBackend::ProvenanceStoreBackend(std::string name, ProvenanceStoreFactory factory)
    : name_(std::move(name)), factory_(std::move(factory)) {}

void ProvenanceStoreConformanceTest::SetUp() {
  store_ = GetParam().Make();
  ASSERT_NE(store_, nullptr);
}

namespace {

const absl::Time kT0 = absl::FromUnixMicros(1'790'000'000'123'456);

ProvenanceDocument Document(std::string text, std::string kind = "cyclonedx") {
  ProvenanceDocument document;
  document.content = ToBytes(text);
  document.digest = crypto::Sha256Id(document.content);
  document.kind = std::move(kind);
  document.media_type = "application/vnd.cyclonedx+json";
  document.spec_version = "1.6";
  document.name = "payments";
  document.subject_digests = {"sha256:" + std::string(64, 'a'), "sha512:" + std::string(128, 'b')};
  document.added_at = kT0;
  return document;
}

CredentialProvenanceRecord Record(std::string text, std::string credential_id, uint64_t index) {
  CredentialProvenanceRecord record;
  record.content = ToBytes(text);
  record.digest = crypto::Sha256Id(record.content);
  record.credential_id = std::move(credential_id);
  record.log_index = index;
  record.content_type = kRecordPlainType;
  record.created_at = kT0;
  return record;
}

std::vector<std::string> Digests(const std::vector<ProvenanceDocument>& documents) {
  std::vector<std::string> digests;
  for (const ProvenanceDocument& document : documents) digests.push_back(document.digest);
  return digests;
}

TEST_P(ProvenanceStoreConformanceTest, DocumentsAreContentAddressed) {
  const ProvenanceDocument sbom = Document(R"({"bomFormat":"CycloneDX"})");
  ASSERT_OK(store_->PutDocument(sbom));
  ASSERT_OK(store_->PutDocument(sbom));  // the same bytes again
  EXPECT_THAT(store_->GetDocument(sbom.digest), IsOkAndHolds(std::optional(sbom)));
  EXPECT_THAT(store_->GetDocument(crypto::Sha256Id(ToBytes("x"))),
              IsOkAndHolds(std::optional<ProvenanceDocument>()));
  ProvenanceDocument lying = Document("other");
  lying.digest = sbom.digest;
  EXPECT_THAT(store_->PutDocument(lying), HasReason(Reason::kInvalidArgument));
  ProvenanceDocument no_kind = Document("k");
  no_kind.kind = "";
  EXPECT_THAT(store_->PutDocument(no_kind), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->GetDocument(no_kind.digest),
              IsOkAndHolds(std::optional<ProvenanceDocument>()));
}

TEST_P(ProvenanceStoreConformanceTest, LinksListDocumentsPerRelease) {
  const ProvenanceDocument sbom = Document("sbom");
  const ProvenanceDocument slsa = Document("slsa", "slsa-provenance");
  ASSERT_OK(store_->PutDocument(sbom));
  ASSERT_OK(store_->PutDocument(slsa));
  ASSERT_OK(store_->LinkDocument("payments", "v1", sbom.digest));
  ASSERT_OK(store_->LinkDocument("payments", "v1", slsa.digest));
  ASSERT_OK(store_->LinkDocument("payments", "v1", sbom.digest));  // no-op
  ASSERT_OK(store_->LinkDocument("payments", "v2", slsa.digest));
  ASSERT_OK_AND_ASSIGN(const std::vector<ProvenanceDocument> v1,
                       store_->LinkedDocuments("payments", "v1"));
  EXPECT_THAT(Digests(v1), ElementsAre(sbom.digest, slsa.digest));
  EXPECT_TRUE(v1[0].content.empty());
  EXPECT_EQ(v1[0].subject_digests, sbom.subject_digests);
  EXPECT_EQ(v1[1].kind, "slsa-provenance");
  EXPECT_THAT(store_->LinkedDocuments("payments", "v3"), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(store_->LinkDocument("payments", "v1", crypto::Sha256Id(ToBytes("absent"))),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->LinkDocument("", "v1", sbom.digest), HasReason(Reason::kInvalidArgument));
}

TEST_P(ProvenanceStoreConformanceTest, RecordsAreUniqueByDigestCredentialAndIndex) {
  const CredentialProvenanceRecord first = Record("envelope-1", "x509:01", 0);
  ASSERT_OK(store_->PutRecord(first));
  EXPECT_THAT(store_->FindRecord(first.digest), IsOkAndHolds(std::optional(first)));
  EXPECT_THAT(store_->FindRecordByCredential("x509:01"), IsOkAndHolds(std::optional(first)));
  EXPECT_THAT(store_->PutRecord(first), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->PutRecord(Record("envelope-2", "x509:01", 1)),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->PutRecord(Record("envelope-3", "wit:a", 0)),
              HasReason(Reason::kInvalidArgument));
  CredentialProvenanceRecord tampered = Record("envelope-4", "wit:b", 4);
  tampered.content.push_back('!');
  EXPECT_THAT(store_->PutRecord(tampered), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->FindRecordByCredential("wit:b"),
              IsOkAndHolds(std::optional<CredentialProvenanceRecord>()));
  ASSERT_OK(store_->PutRecord(Record("envelope-5", "wit:c", 5)));
  ASSERT_OK_AND_ASSIGN(const auto found, store_->FindRecordByCredential("wit:c"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->log_index, 5u);
}

TEST_P(ProvenanceStoreConformanceTest, SealedRecordsKeepThePlaintextDigest) {
  // A sealed record's digest names the envelope inside, not the stored bytes.
  CredentialProvenanceRecord sealed = Record("envelope-6", "x509:06", 6);
  sealed.content_type = kRecordSealedType;
  sealed.content = ToBytes(R"({"recipients":[]})");
  ASSERT_OK(store_->PutRecord(sealed));
  EXPECT_THAT(store_->FindRecordByCredential("x509:06"), IsOkAndHolds(std::optional(sealed)));
  for (const std::string& digest : {std::string("sha256:abc"), "sha512:" + std::string(64, 'a'),
                                    "sha256:" + std::string(64, 'A')}) {
    CredentialProvenanceRecord bad = Record("envelope-7", "x509:07", 7);
    bad.content_type = kRecordSealedType;
    bad.digest = digest;
    EXPECT_THAT(store_->PutRecord(bad), HasReason(Reason::kInvalidArgument)) << digest;
  }
  CredentialProvenanceRecord other = Record("envelope-8", "x509:08", 8);
  other.content_type = "application/json";
  EXPECT_THAT(store_->PutRecord(other), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(store_->FindRecordByCredential("x509:07"),
              IsOkAndHolds(std::optional<CredentialProvenanceRecord>()));
  EXPECT_THAT(store_->FindRecordByCredential("x509:08"),
              IsOkAndHolds(std::optional<CredentialProvenanceRecord>()));
}

}  // namespace
}  // namespace twi::storage::testing
