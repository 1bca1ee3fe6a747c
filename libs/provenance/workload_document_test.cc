#include "libs/provenance/workload_document.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/keys.h"
#include "libs/provenance/dsse.h"
#include "libs/provenance/in_toto.h"
#include "libs/provenance/provenance_test_util.h"
#include "libs/provenance/slsa.h"
#include "testing/status_matchers.h"

namespace twi::provenance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::twi::provenance::testing::ReadTestdata;
using ::twi::testing::HasReason;

// sha256sum of the files in testdata/, computed outside twi.
constexpr char kCycloneDxSha256[] =
    "sha256:3485a51574388626a7c04d37862fb67fb513d663d525ff57faa42b9c3adaf61b";
constexpr char kSpdxSha256[] =
    "sha256:90827b9af0a49ab3d72964f4e178f5e203f5dbce79fe5539250dffa1013ffffa";
constexpr char kSlsaSha256[] =
    "sha256:6fa148539f3cf354efe6fc9c315a282eaa7a7aa2496efdef92a73eb7500c2530";
constexpr char kSlsaDsseSha256[] =
    "sha256:9aae2575647540ad3e45c3f2e8c7b30822b0b53175bba5a1d95ec45f582c4bc1";
// The package tarball the SPDX document and the SLSA statement describe (npm pack output).
constexpr char kTarballSha256[] =
    "sha256:d537cb1bb9f3aa14d6bb1fc8a4556990cd0721264469dd4dfa7ad1b772af4138";
constexpr char kTarballSha1[] = "sha1:665bdc3fada8fb371a72bd74d02d94142b3032fa";
constexpr char kTarballSha512[] =
    "sha512:52ae087996970094c7a5ea7a5403b2c22fd55273f4965717c8868004227c7c61857a8873fb8e9df1ac48a6"
    "4ab5970272de2f9ca1ce99cbec4b008c7b1aa9958e";

absl::StatusOr<WorkloadDocument> Ingest(std::string_view text, IngestOptions options = {}) {
  return IngestDocument(AsBytes(text), options);
}

absl::StatusOr<WorkloadDocument> IngestJson(const Json& json, IngestOptions options = {}) {
  return IngestDocument(AsBytes(DumpJson(json)), options);
}

class TestdataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(cyclonedx_, ReadTestdata("cyclonedx-npm-1.6.json"));
    ASSERT_OK_AND_ASSIGN(spdx_, ReadTestdata("spdx-2.3.json"));
    ASSERT_OK_AND_ASSIGN(slsa_, ReadTestdata("slsa-provenance-v1.json"));
    ASSERT_OK_AND_ASSIGN(slsa_dsse_, ReadTestdata("slsa-provenance-v1.dsse.json"));
  }

  Json CycloneDx() const { return Json::parse(cyclonedx_); }
  Json Spdx() const { return Json::parse(spdx_); }
  Json Slsa() const { return Json::parse(slsa_); }

  std::string cyclonedx_;
  std::string spdx_;
  std::string slsa_;
  std::string slsa_dsse_;
};

TEST(DocumentKindTest, NamesAreStable) {
  EXPECT_EQ(DocumentKindName(DocumentKind::kCycloneDx), "cyclonedx");
  EXPECT_EQ(DocumentKindName(DocumentKind::kSpdx), "spdx");
  EXPECT_EQ(DocumentKindName(DocumentKind::kInTotoStatement), "in-toto");
  EXPECT_EQ(DocumentKindName(DocumentKind::kSlsaProvenance), "slsa-provenance");
  EXPECT_EQ(DocumentKindName(DocumentKind::kCompliance), "compliance");
  EXPECT_EQ(DocumentKindFromName("slsa-provenance"), DocumentKind::kSlsaProvenance);
  EXPECT_EQ(DocumentKindFromName("SPDX"), std::nullopt);
}

// The SBOM @cyclonedx/cyclonedx-npm 6.0.1 wrote for a one-dependency project (testdata/README).
TEST_F(TestdataTest, RealCycloneDxSbom) {
  for (const std::optional<DocumentKind> declared :
       {std::optional<DocumentKind>(), std::optional(DocumentKind::kCycloneDx)}) {
    ASSERT_OK_AND_ASSIGN(const WorkloadDocument document,
                         Ingest(cyclonedx_, {.declared_kind = declared}));
    EXPECT_EQ(document.kind, DocumentKind::kCycloneDx);
    EXPECT_EQ(document.media_type, "application/vnd.cyclonedx+json");
    EXPECT_EQ(document.spec_version, "1.6");
    EXPECT_EQ(document.digest, kCycloneDxSha256);
    EXPECT_EQ(document.name, "twi-sbom-demo");
    EXPECT_FALSE(document.enveloped);
    // The generator records no hash for the project itself (its lock file names none).
    EXPECT_THAT(document.subject_digests, IsEmpty());
  }
}

TEST_F(TestdataTest, CycloneDxMetadataComponentHashesAreTheSubject) {
  Json bom = CycloneDx();
  bom["metadata"]["component"]["hashes"] =
      Json::array({{{"alg", "SHA-256"}, {"content", std::string(kTarballSha256).substr(7)}},
                   {{"alg", "SHA-1"}, {"content", "665BDC3FADA8FB371A72BD74D02D94142B3032FA"}},
                   {{"alg", "BLAKE2b-256"}, {"content", std::string(64, 'b')}}});
  ASSERT_OK_AND_ASSIGN(const WorkloadDocument document, IngestJson(bom));
  EXPECT_THAT(document.subject_digests,
              ElementsAre(kTarballSha256, kTarballSha1, "blake2b_256:" + std::string(64, 'b')));
}

TEST_F(TestdataTest, CycloneDxOneChangeAtATime) {
  struct Case {
    std::string name;
    Json::json_pointer pointer;
    Json value;  // null: remove the member
    Reason reason;
    bool declare = false;
  };
  const Json sha256 = {{"alg", "SHA-256"}, {"content", std::string(64, 'a')}};
  const Case cases[] = {
      {"missing bomFormat (declared)", Json::json_pointer("/bomFormat"), nullptr,
       Reason::kProvenanceDocumentInvalid, true},
      {"missing bomFormat (detected)", Json::json_pointer("/bomFormat"), nullptr,
       Reason::kProvenanceTypeUnsupported},
      {"other bomFormat", Json::json_pointer("/bomFormat"), "SPDX",
       Reason::kProvenanceDocumentInvalid},
      {"specVersion 1.2", Json::json_pointer("/specVersion"), "1.2",
       Reason::kProvenanceTypeUnsupported},
      {"missing specVersion", Json::json_pointer("/specVersion"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"version 0", Json::json_pointer("/version"), 0, Reason::kProvenanceDocumentInvalid},
      {"serialNumber not urn:uuid", Json::json_pointer("/serialNumber"), "12345",
       Reason::kProvenanceDocumentInvalid},
      {"component without name", Json::json_pointer("/components/0/name"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"component without type", Json::json_pointer("/components/0/type"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"component of unknown type", Json::json_pointer("/components/0/type"), "gadget",
       Reason::kProvenanceDocumentInvalid},
      {"metadata.component without name", Json::json_pointer("/metadata/component/name"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"tool component without name", Json::json_pointer("/metadata/tools/components/0/name"),
       nullptr, Reason::kProvenanceDocumentInvalid},
      {"nested component without name", Json::json_pointer("/components/0/components"),
       Json::array({{{"type", "library"}}}), Reason::kProvenanceDocumentInvalid},
      {"components not array", Json::json_pointer("/components"), Json::object(),
       Reason::kProvenanceDocumentInvalid},
      {"hash of wrong length", Json::json_pointer("/components/0/hashes"),
       Json::array({{{"alg", "SHA-256"}, {"content", std::string(40, 'a')}}}),
       Reason::kProvenanceDigestMismatch},
      {"hash not hex", Json::json_pointer("/components/0/hashes"),
       Json::array({{{"alg", "SHA-1"}, {"content", std::string(39, 'a') + "g"}}}),
       Reason::kProvenanceDigestMismatch},
      {"hash of unknown alg", Json::json_pointer("/components/0/hashes"),
       Json::array({{{"alg", "SHA-255"}, {"content", std::string(64, 'a')}}}),
       Reason::kProvenanceDocumentInvalid},
      {"hash without content", Json::json_pointer("/components/0/hashes"),
       Json::array({{{"alg", "SHA-256"}}}), Reason::kProvenanceDocumentInvalid},
      {"bad hash in externalReferences",
       Json::json_pointer("/components/0/externalReferences/0/hashes"),
       Json::array({{{"alg", "MD5"}, {"content", std::string(31, 'a')}}}),
       Reason::kProvenanceDigestMismatch},
      {"timestamp not a date-time", Json::json_pointer("/metadata/timestamp"), "yesterday",
       Reason::kProvenanceDocumentInvalid},
      {"externalReference without url",
       Json::json_pointer("/components/0/externalReferences/0/url"), nullptr,
       Reason::kProvenanceDocumentInvalid},
  };
  for (const Case& c : cases) {
    Json bom = CycloneDx();
    if (c.value.is_null()) {
      bom[c.pointer.parent_pointer()].erase(c.pointer.back());
    } else {
      bom[c.pointer] = c.value;
    }
    const IngestOptions options{.declared_kind = c.declare ? std::optional(DocumentKind::kCycloneDx)
                                                           : std::nullopt};
    EXPECT_THAT(IngestJson(bom, options), HasReason(c.reason)) << c.name;
  }
  // The valid hash used above passes, so each refusal is the one change.
  Json bom = CycloneDx();
  bom["components"][0]["hashes"] = Json::array({sha256});
  EXPECT_OK(IngestJson(bom));
}

TEST_F(TestdataTest, CycloneDxComponentTypesFollowTheVersion) {
  Json bom = CycloneDx();
  bom["components"][0]["type"] = "cryptographic-asset";
  EXPECT_OK(IngestJson(bom));
  bom["specVersion"] = "1.5";
  EXPECT_THAT(IngestJson(bom), HasReason(Reason::kProvenanceDocumentInvalid));
  bom["components"][0]["type"] = "library";
  ASSERT_OK_AND_ASSIGN(const WorkloadDocument document, IngestJson(bom));
  EXPECT_EQ(document.spec_version, "1.5");
}

TEST_F(TestdataTest, CycloneDxMessageNamesTheMember) {
  Json bom = CycloneDx();
  bom["components"][0].erase("name");
  const absl::Status status = IngestJson(bom).status();
  EXPECT_NE(std::string(status.message()).find("components[0]"), std::string::npos) << status;
  EXPECT_NE(std::string(status.message()).find("\"name\""), std::string::npos) << status;
}

TEST_F(TestdataTest, HandWrittenSpdx) {
  ASSERT_OK_AND_ASSIGN(const WorkloadDocument document, Ingest(spdx_));
  EXPECT_EQ(document.kind, DocumentKind::kSpdx);
  EXPECT_EQ(document.media_type, "application/spdx+json");
  EXPECT_EQ(document.spec_version, "SPDX-2.3");
  EXPECT_EQ(document.digest, kSpdxSha256);
  EXPECT_EQ(document.name, "twi-sbom-demo-1.0.0");
  // Only the package the document DESCRIBES, not its dependency.
  EXPECT_THAT(document.subject_digests, ElementsAre(kTarballSha256, kTarballSha1));
}

TEST_F(TestdataTest, SpdxDescribedByDocumentDescribesOrDescribedBy) {
  Json document = Spdx();
  document.erase("relationships");
  ASSERT_OK_AND_ASSIGN(WorkloadDocument described, IngestJson(document));
  EXPECT_THAT(described.subject_digests, IsEmpty());

  document["documentDescribes"] = Json::array({"SPDXRef-Package-is-number"});
  ASSERT_OK_AND_ASSIGN(described, IngestJson(document));
  EXPECT_THAT(described.subject_digests,
              ElementsAre("sha512:e350a27e483a7bc4f2952a5db53a5e2d532abd20445734edb47bc4443ef8d7ea"
                          "6767c00dbf4d34e0c44be3740a3c394af5c1af369e8d6566540656c65d8c719e"));

  document.erase("documentDescribes");
  document["relationships"] = Json::array({{{"spdxElementId", "SPDXRef-Package-twi-sbom-demo"},
                                            {"relationshipType", "DESCRIBED_BY"},
                                            {"relatedSpdxElement", "SPDXRef-DOCUMENT"}}});
  ASSERT_OK_AND_ASSIGN(described, IngestJson(document));
  EXPECT_THAT(described.subject_digests, ElementsAre(kTarballSha256, kTarballSha1));
}

TEST_F(TestdataTest, SpdxOneChangeAtATime) {
  struct Case {
    std::string name;
    Json::json_pointer pointer;
    Json value;  // null: remove the member
    Reason reason;
  };
  const Case cases[] = {
      {"without documentNamespace", Json::json_pointer("/documentNamespace"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"documentNamespace with #", Json::json_pointer("/documentNamespace"),
       "https://twi.example/spdx#1", Reason::kProvenanceDocumentInvalid},
      {"SPDX-2.2", Json::json_pointer("/spdxVersion"), "SPDX-2.2",
       Reason::kProvenanceTypeUnsupported},
      {"without dataLicense", Json::json_pointer("/dataLicense"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"other dataLicense", Json::json_pointer("/dataLicense"), "MIT",
       Reason::kProvenanceDocumentInvalid},
      {"other SPDXID", Json::json_pointer("/SPDXID"), "SPDXRef-DOC",
       Reason::kProvenanceDocumentInvalid},
      {"without name", Json::json_pointer("/name"), nullptr, Reason::kProvenanceDocumentInvalid},
      {"without creationInfo", Json::json_pointer("/creationInfo"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"without created", Json::json_pointer("/creationInfo/created"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"no creators", Json::json_pointer("/creationInfo/creators"), Json::array(),
       Reason::kProvenanceDocumentInvalid},
      {"package without SPDXID", Json::json_pointer("/packages/0/SPDXID"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"package with a bad SPDXID", Json::json_pointer("/packages/0/SPDXID"), "Package-1",
       Reason::kProvenanceDocumentInvalid},
      {"package without name", Json::json_pointer("/packages/0/name"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"package without downloadLocation", Json::json_pointer("/packages/0/downloadLocation"),
       nullptr, Reason::kProvenanceDocumentInvalid},
      {"checksum non-hex", Json::json_pointer("/packages/0/checksums/0/checksumValue"),
       std::string(63, 'a') + "z", Reason::kProvenanceDigestMismatch},
      {"checksum upper case", Json::json_pointer("/packages/0/checksums/0/checksumValue"),
       std::string(64, 'A'), Reason::kProvenanceDigestMismatch},
      {"checksum of wrong length", Json::json_pointer("/packages/1/checksums/0/checksumValue"),
       std::string(64, 'a'), Reason::kProvenanceDigestMismatch},
      {"checksum of unknown algorithm", Json::json_pointer("/packages/0/checksums/0/algorithm"),
       "SHA-256", Reason::kProvenanceDocumentInvalid},
      {"file without fileName", Json::json_pointer("/files"),
       Json::array({{{"SPDXID", "SPDXRef-File-1"}}}), Reason::kProvenanceDocumentInvalid},
      {"relationship without type", Json::json_pointer("/relationships/0/relationshipType"),
       nullptr, Reason::kProvenanceDocumentInvalid},
      {"created not a date", Json::json_pointer("/creationInfo/created"), "3 December 2026",
       Reason::kProvenanceDocumentInvalid},
  };
  for (const Case& c : cases) {
    Json document = Spdx();
    if (c.value.is_null()) {
      document[c.pointer.parent_pointer()].erase(c.pointer.back());
    } else {
      document[c.pointer] = c.value;
    }
    EXPECT_THAT(IngestJson(document), HasReason(c.reason)) << c.name;
  }
}

TEST_F(TestdataTest, PlainSlsaProvenance) {
  ASSERT_OK_AND_ASSIGN(const WorkloadDocument document, Ingest(slsa_));
  EXPECT_EQ(document.kind, DocumentKind::kSlsaProvenance);
  EXPECT_EQ(document.media_type, "application/vnd.in-toto+json");
  EXPECT_EQ(document.spec_version, "https://slsa.dev/provenance/v1");
  EXPECT_EQ(document.digest, kSlsaSha256);
  EXPECT_EQ(document.name, "twi-sbom-demo-1.0.0.tgz");
  EXPECT_FALSE(document.enveloped);
  EXPECT_THAT(document.keyids, IsEmpty());
  EXPECT_THAT(document.subject_digests, ElementsAre(kTarballSha256, kTarballSha512));

  // Declared as a plain in-toto Statement: that kind, and the SLSA check still applies.
  ASSERT_OK_AND_ASSIGN(const WorkloadDocument declared,
                       Ingest(slsa_, {.declared_kind = DocumentKind::kInTotoStatement}));
  EXPECT_EQ(declared.kind, DocumentKind::kInTotoStatement);
  Json broken = Slsa();
  broken["predicate"]["runDetails"]["builder"].erase("id");
  EXPECT_THAT(IngestJson(broken, {.declared_kind = DocumentKind::kInTotoStatement}),
              HasReason(Reason::kProvenanceDocumentInvalid));
}

// Signed with python3-cryptography by testdata/dsse_interop.py sign-file; the payload is the
// plain statement's bytes.
TEST_F(TestdataTest, EnvelopedSlsaProvenance) {
  ASSERT_OK_AND_ASSIGN(const WorkloadDocument document, Ingest(slsa_dsse_));
  EXPECT_EQ(document.kind, DocumentKind::kSlsaProvenance);
  EXPECT_EQ(document.media_type, "application/vnd.dsse.envelope.v1+json");
  EXPECT_EQ(document.spec_version, "https://slsa.dev/provenance/v1");
  EXPECT_EQ(document.digest, kSlsaDsseSha256);
  EXPECT_TRUE(document.enveloped);
  EXPECT_THAT(document.keyids, ElementsAre("twi-test-builder-p256"));
  EXPECT_THAT(document.subject_digests, ElementsAre(kTarballSha256, kTarballSha512));

  // Ingestion does not verify; a caller that knows the builder's key can.
  ASSERT_OK_AND_ASSIGN(const DsseEnvelope envelope, ParseDsse(slsa_dsse_));
  EXPECT_EQ(AsString(envelope.payload), slsa_);
  ASSERT_OK_AND_ASSIGN(const std::string pem, ReadTestdata("slsa-provenance-v1.dsse.pub.pem"));
  ASSERT_OK_AND_ASSIGN(const crypto::PublicKey key, crypto::PublicKey::FromPem(pem));
  EXPECT_OK(VerifyDsse(envelope, key, crypto::SignatureAlgorithm::kEcdsaP256Sha256));
}

TEST_F(TestdataTest, InTotoOneChangeAtATime) {
  struct Case {
    std::string name;
    Json::json_pointer pointer;
    Json value;  // null: remove the member
    Reason reason;
  };
  const Case cases[] = {
      {"statement without subject", Json::json_pointer("/subject"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"subject without digest", Json::json_pointer("/subject/0/digest"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"statement v0.1", Json::json_pointer("/_type"), kStatementTypeV01,
       Reason::kProvenanceTypeUnsupported},
      {"SLSA without builder.id", Json::json_pointer("/predicate/runDetails/builder/id"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"SLSA without buildType", Json::json_pointer("/predicate/buildDefinition/buildType"),
       nullptr, Reason::kProvenanceDocumentInvalid},
      {"SLSA without externalParameters",
       Json::json_pointer("/predicate/buildDefinition/externalParameters"), nullptr,
       Reason::kProvenanceDocumentInvalid},
      {"SLSA startedOn not UTC", Json::json_pointer("/predicate/runDetails/metadata/startedOn"),
       "2026-12-03T14:25:00+01:00", Reason::kProvenanceDocumentInvalid},
      {"SLSA byproduct with a short digest",
       Json::json_pointer("/predicate/runDetails/byproducts/0/digest/sha256"), "abc",
       Reason::kProvenanceDocumentInvalid},
  };
  for (const Case& c : cases) {
    Json statement = Slsa();
    if (c.value.is_null()) {
      statement[c.pointer.parent_pointer()].erase(c.pointer.back());
    } else {
      statement[c.pointer] = c.value;
    }
    EXPECT_THAT(IngestJson(statement), HasReason(c.reason)) << c.name << " (plain)";
    // The same Statement in an envelope fails the same way.
    const DsseEnvelope envelope{.payload_type = kInTotoPayloadType,
                                .payload = ToBytes(DumpJson(statement)),
                                .signatures = {{.keyid = "k", .sig = {1}}}};
    EXPECT_THAT(Ingest(EncodeDsse(envelope)), HasReason(c.reason)) << c.name << " (enveloped)";
  }
}

TEST_F(TestdataTest, DeclaredSlsaNeedsTheSlsaPredicateType) {
  Json statement = Slsa();
  statement["predicateType"] = "https://slsa.dev/provenance/v0.2";
  ASSERT_OK_AND_ASSIGN(const WorkloadDocument document, IngestJson(statement));
  EXPECT_EQ(document.kind, DocumentKind::kInTotoStatement);
  EXPECT_EQ(document.spec_version, "https://slsa.dev/provenance/v0.2");
  EXPECT_THAT(IngestJson(statement, {.declared_kind = DocumentKind::kSlsaProvenance}),
              HasReason(Reason::kProvenanceTypeUnsupported));
}

TEST_F(TestdataTest, DsseWithAnotherPayloadType) {
  Json envelope = Json::parse(slsa_dsse_);
  envelope["payloadType"] = "application/vnd.cyclonedx+json";
  EXPECT_THAT(IngestJson(envelope), HasReason(Reason::kProvenanceTypeUnsupported));
  envelope["payloadType"] = kInTotoPayloadType;
  EXPECT_OK(IngestJson(envelope));
  envelope["signatures"] = Json::array();
  EXPECT_THAT(IngestJson(envelope), HasReason(Reason::kDsseMalformed));
}

TEST(ComplianceTest, NeedsADeclaredType) {
  const std::string report = R"({"name":"SOC 2 Type II","period":"2026","controls":[1,2]})";
  ASSERT_OK_AND_ASSIGN(
      const WorkloadDocument document,
      Ingest(report, {.declared_kind = DocumentKind::kCompliance,
                      .compliance_type = "https://twi.example/compliance/soc2/v1"}));
  EXPECT_EQ(document.kind, DocumentKind::kCompliance);
  EXPECT_EQ(document.media_type, "application/json");
  EXPECT_EQ(document.spec_version, "https://twi.example/compliance/soc2/v1");
  EXPECT_EQ(document.name, "SOC 2 Type II");
  EXPECT_EQ(document.digest, crypto::Sha256Id(AsBytes(report)));
  EXPECT_THAT(document.subject_digests, IsEmpty());

  EXPECT_THAT(Ingest(report, {.declared_kind = DocumentKind::kCompliance}),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(
      Ingest(report, {.declared_kind = DocumentKind::kCompliance, .compliance_type = "two words"}),
      HasReason(Reason::kInvalidArgument));
  // Never detected: without the declaration it is an unknown document.
  EXPECT_THAT(Ingest(report, {.compliance_type = "soc2"}),
              HasReason(Reason::kProvenanceTypeUnsupported));
  // Any JSON object, but a JSON object.
  EXPECT_THAT(
      Ingest("[1]", {.declared_kind = DocumentKind::kCompliance, .compliance_type = "soc2"}),
      HasReason(Reason::kMalformedJson));
}

TEST_F(TestdataTest, LimitsAndNonJson) {
  EXPECT_THAT(Ingest(cyclonedx_, {.max_bytes = cyclonedx_.size() - 1}),
              HasReason(Reason::kBodyTooLarge));
  EXPECT_OK(Ingest(cyclonedx_, {.max_bytes = cyclonedx_.size()}));
  EXPECT_THAT(Ingest("SBOM: not JSON"), HasReason(Reason::kMalformedJson));
  EXPECT_THAT(Ingest(R"({"bomFormat":"CycloneDX","bomFormat":"CycloneDX","specVersion":"1.6"})"),
              HasReason(Reason::kMalformedJson));
  std::string deep = std::string(70, '[') + std::string(70, ']');
  EXPECT_THAT(Ingest(R"({"bomFormat":"CycloneDX","specVersion":"1.6","x":)" + deep + "}"),
              HasReason(Reason::kMalformedJson));
  EXPECT_THAT(
      Ingest(R"({"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]})"),
      HasReason(Reason::kProvenanceTypeUnsupported));
  EXPECT_THAT(Ingest(R"({"hello":"world"})"), HasReason(Reason::kProvenanceTypeUnsupported));
}

}  // namespace
}  // namespace twi::provenance
