// Workload Provenance through the operator's CLI: the owner links documents to a release with
// `twi owner provenance add` against a real `twi server`, and the record of a credential the
// workload then obtains names exactly the documents that were accepted, as `twi verify
// provenance --json` shows. Refused documents leave nothing behind.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/crypto/digest.h"
#include "libs/deployment/layout.h"
#include "testing/status_matchers.h"
#include "testing/subprocess.h"
#include "tests/e2e/deployment_fixture.h"

namespace twi::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class OwnerProvenanceTest : public DeploymentTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(DeploymentTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(MintOwner());
  }

  testing::CommandResult Add(const std::string& file, const std::string& release = "1",
                             const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"provenance", "add",   "--workload", "orders",
                                     "--release",  release, "--file",     file};
    args.insert(args.end(), extra.begin(), extra.end());
    return Owner(args);
  }

  static std::string ErrorReason(const testing::CommandResult& r) {
    auto json = ParseJsonObject(r.out);
    return json.ok() ? json->value("/error/reason"_json_pointer, "") : "";
  }

  static std::string FileDigest(const std::string& path) {
    absl::StatusOr<std::string> content = ReadFile(path);
    EXPECT_OK(content);
    return "sha256:" + HexEncode(crypto::Sha256(AsBytes(content.value_or(""))));
  }

  // The workload documents named by the record of a fresh mechanism A credential of release 1.
  std::vector<std::string> RecordedDocuments(const std::string& name) {
    const std::string credentials = out(name);
    const testing::CommandResult acquired = Acquire("A", credentials);
    EXPECT_TRUE(acquired.ok()) << acquired.err;
    const deployment::Layout layout(dir());
    const testing::CommandResult verified = Twi(
        {"verify", "provenance", "--credential", credentials + "/svid.pem", "--signer",
         layout.public_key(deployment::kProvenanceSigning), "--vkey", layout.log_vkey(), "--server",
         server_.public_url(), "--server-ca", layout.cert(deployment::kInternalCa), "--json"});
    EXPECT_TRUE(verified.ok()) << verified.err;
    absl::StatusOr<Json> report = ParseJsonObject(verified.out);
    EXPECT_OK(report);
    std::vector<std::string> digests;
    if (!report.ok()) return digests;
    const Json& workload = (*report)["record"]["predicate"]["workload"];
    EXPECT_EQ(workload.value("release", ""), "1") << workload;
    for (const Json& document : workload["documents"]) {
      digests.push_back("sha256:" + document["digest"].value("sha256", ""));
    }
    return digests;
  }
};

TEST_F(OwnerProvenanceTest, AcceptedDocumentsAppearInTheNextRecordAndRefusedOnesNowhere) {
  EXPECT_THAT(RecordedDocuments("before"), ::testing::IsEmpty());

  // An SBOM of the release's image: traced to the endorsed measurement.
  const std::string sbom = out("image-sbom.json");
  const Json image_sbom = {
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.5"},
      {"version", 1},
      {"metadata",
       {{"component",
         {{"type", "container"},
          {"name", "orders"},
          {"hashes", {{{"alg", "SHA-256"}, {"content", std::string(kImageV1).substr(7)}}}}}}}},
      {"components", Json::array({{{"type", "library"}, {"name", "liborders"}}})}};
  ASSERT_OK(WriteFileAtomic(sbom, image_sbom.dump(2)));
  const testing::CommandResult added = Add(sbom);
  ASSERT_TRUE(added.ok()) << added.out << added.err;
  ASSERT_OK_AND_ASSIGN(const Json linked, ParseJsonObject(added.out));
  EXPECT_EQ(linked["kind"], "cyclonedx");
  EXPECT_EQ(linked["spec_version"], "1.5");
  EXPECT_EQ(linked["digest"], FileDigest(sbom));
  EXPECT_THAT(linked["matched_measurements"],
              ElementsAre(Json{{"measurement", "image"}, {"digest", kImageV1}}));

  // A real generator's SBOM (cyclonedx-npm, libs/provenance/testdata/README.md) and an SPDX one.
  const std::string testdata = testing::SourceDir() + "/libs/provenance/testdata/";
  const testing::CommandResult npm = Add(testdata + "cyclonedx-npm-1.6.json");
  ASSERT_TRUE(npm.ok()) << npm.out << npm.err;
  const testing::CommandResult spdx = Add(testdata + "spdx-2.3.json", "1", {"--kind", "spdx"});
  ASSERT_TRUE(spdx.ok()) << spdx.out << spdx.err;
  ASSERT_OK_AND_ASSIGN(const Json spdx_json, ParseJsonObject(spdx.out));
  EXPECT_EQ(spdx_json["kind"], "spdx");

  // Refusals, each with its reason code.
  const std::string broken = out("broken.json");
  ASSERT_OK(
      WriteFileAtomic(broken, R"({"bomFormat":"CycloneDX","specVersion":"1.6","components":7})"));
  const std::string old_spec = out("old.json");
  ASSERT_OK(
      WriteFileAtomic(old_spec, R"({"bomFormat":"CycloneDX","specVersion":"1.2","version":1})"));
  struct Refusal {
    std::string file, release, kind, reason;
  };
  for (const Refusal& refusal : {Refusal{broken, "1", "", "PROVENANCE_DOCUMENT_INVALID"},
                                 Refusal{old_spec, "1", "", "PROVENANCE_TYPE_UNSUPPORTED"},
                                 Refusal{sbom, "7", "", "WORKLOAD_UNKNOWN"},
                                 Refusal{sbom, "1", "spdx", "PROVENANCE_DOCUMENT_INVALID"}}) {
    std::vector<std::string> extra;
    if (!refusal.kind.empty()) extra = {"--kind", refusal.kind};
    const testing::CommandResult refused = Add(refusal.file, refusal.release, extra);
    EXPECT_FALSE(refused.ok()) << refusal.file;
    EXPECT_EQ(ErrorReason(refused), refusal.reason) << refusal.file << ": " << refused.out;
  }

  EXPECT_THAT(
      RecordedDocuments("after"),
      UnorderedElementsAre(FileDigest(sbom), FileDigest(testdata + "cyclonedx-npm-1.6.json"),
                           FileDigest(testdata + "spdx-2.3.json")));
}

}  // namespace
}  // namespace twi::e2e
