#include "libs/provenance/in_toto.h"

#include <string>

#include "gtest/gtest.h"
#include "libs/provenance/slsa.h"
#include "testing/status_matchers.h"

namespace twi::provenance {
namespace {

using ::twi::testing::HasReason;

constexpr char kSha256[] = "d537cb1bb9f3aa14d6bb1fc8a4556990cd0721264469dd4dfa7ad1b772af4138";

// A valid Statement to change one member of at a time.
Json ValidStatement() {
  return {{"_type", kStatementType},
          {"subject", Json::array({{{"name", "app.tgz"}, {"digest", {{"sha256", kSha256}}}}})},
          {"predicateType", "https://example.org/predicate/v1"},
          {"predicate", {{"k", "v"}}}};
}

absl::StatusOr<Statement> Parse(const Json& json) { return ParseStatement(DumpJson(json)); }

TEST(StatementTest, EncodesCompactAndSorted) {
  Statement statement{.subject = {{.name = "app.tgz",
                                   .uri = "",
                                   .digest = {{"sha256", kSha256}},
                                   .media_type = "application/gzip"}},
                      .predicate_type = "https://example.org/predicate/v1",
                      .predicate = {{"z", 1}, {"a", "b"}}};
  EXPECT_EQ(EncodeStatement(statement),
            std::string(R"({"_type":"https://in-toto.io/Statement/v1","predicate":{"a":"b","z":1},)"
                        R"("predicateType":"https://example.org/predicate/v1","subject":[)"
                        R"({"digest":{"sha256":")") +
                kSha256 + R"("},"mediaType":"application/gzip","name":"app.tgz"}]})");
}

TEST(StatementTest, RoundTrips) {
  Statement statement{
      .subject = {{.name = "a",
                   .uri = "pkg:npm/a@1.0.0",
                   .digest = {{"sha256", kSha256}, {"gitCommit", std::string(40, 'a')}},
                   .media_type = "",
                   .download_location = "https://example.org/a.tgz",
                   .content = ToBytes("inline"),
                   .annotations = {{"note", true}}}},
      .predicate_type = "https://example.org/p/v1",
      .predicate = {{"list", Json::array({1, 2})}}};
  const std::string encoded = EncodeStatement(statement);
  ASSERT_OK_AND_ASSIGN(const Statement parsed, ParseStatement(encoded));
  EXPECT_EQ(EncodeStatement(parsed), encoded);
  ASSERT_EQ(parsed.subject.size(), 1u);
  EXPECT_EQ(parsed.subject[0].content, ToBytes("inline"));
  EXPECT_EQ(parsed.subject[0].annotations, (Json{{"note", true}}));
  EXPECT_EQ(DigestStrings(parsed.subject[0].digest),
            (std::vector<std::string>{"gitCommit:" + std::string(40, 'a'),
                                      std::string("sha256:") + kSha256}));
}

TEST(StatementTest, AbsentPredicateIsEmptyAndUnknownMembersAreIgnored) {
  Json json = ValidStatement();
  json.erase("predicate");
  json["extension.example.org"] = {{"anything", 1}};
  json["subject"][0]["futureField"] = "x";
  ASSERT_OK_AND_ASSIGN(const Statement statement, Parse(json));
  EXPECT_EQ(statement.predicate, Json::object());
  EXPECT_EQ(statement.predicate_type, "https://example.org/predicate/v1");
  EXPECT_EQ(statement.subject[0].name, "app.tgz");
}

TEST(StatementTest, RefusesV01AsUnsupported) {
  Json json = ValidStatement();
  json["_type"] = kStatementTypeV01;
  EXPECT_THAT(Parse(json), HasReason(Reason::kProvenanceTypeUnsupported));
}

TEST(StatementTest, RefusesOneWrongMemberAtATime) {
  struct Case {
    std::string name;
    Json json;
  };
  std::vector<Case> cases;
  auto with = [&](std::string name, auto change) {
    Json json = ValidStatement();
    change(json);
    cases.push_back({std::move(name), std::move(json)});
  };
  with("no _type", [](Json& j) { j.erase("_type"); });
  with("other _type", [](Json& j) { j["_type"] = "https://in-toto.io/Statement/v2"; });
  with("no subject", [](Json& j) { j.erase("subject"); });
  with("empty subject", [](Json& j) { j["subject"] = Json::array(); });
  with("subject not array", [](Json& j) { j["subject"] = Json::object(); });
  with("subject without digest", [](Json& j) { j["subject"][0].erase("digest"); });
  with("subject with uri only", [](Json& j) {
    j["subject"][0] = {{"uri", "https://example.org/a"}};
  });
  with("empty digest", [](Json& j) { j["subject"][0]["digest"] = Json::object(); });
  with("uppercase hex",
       [](Json& j) { j["subject"][0]["digest"]["sha256"] = std::string(64, 'A'); });
  with("short sha256", [](Json& j) { j["subject"][0]["digest"]["sha256"] = "abcd"; });
  with("non-hex custom digest", [](Json& j) {
    j["subject"][0]["digest"] = {{"myhash", "not-hex"}};
  });
  with("digest value not string", [](Json& j) { j["subject"][0]["digest"]["sha256"] = 1; });
  with("name not string", [](Json& j) { j["subject"][0]["name"] = 1; });
  with("no predicateType", [](Json& j) { j.erase("predicateType"); });
  with("predicateType not URI", [](Json& j) { j["predicateType"] = "provenance"; });
  with("predicate not object", [](Json& j) { j["predicate"] = "x"; });
  for (const Case& c : cases) {
    EXPECT_THAT(Parse(c.json), HasReason(Reason::kProvenanceDocumentInvalid)) << c.name;
  }
}

TEST(StatementTest, RefusesTextThatIsNoObject) {
  EXPECT_THAT(ParseStatement("{"), HasReason(Reason::kMalformedJson));
  EXPECT_THAT(ParseStatement("[1]"), HasReason(Reason::kMalformedJson));
  // Two readers must not see two _types.
  EXPECT_THAT(ParseStatement(R"({"_type":"a","_type":"b"})"), HasReason(Reason::kMalformedJson));
}

TEST(ResourceDescriptorTest, NeedsUriDigestOrContent) {
  EXPECT_OK(ParseResourceDescriptor(Json{{"uri", "https://example.org/builder"}}));
  EXPECT_OK(ParseResourceDescriptor(Json{{"content", "aGk="}}));
  EXPECT_THAT(ParseResourceDescriptor(Json{{"name", "x"}, {"mediaType", "text/plain"}}),
              HasReason(Reason::kProvenanceDocumentInvalid));
  EXPECT_THAT(ParseResourceDescriptor(Json{{"content", "not base64!"}}),
              HasReason(Reason::kProvenanceDocumentInvalid));
  EXPECT_THAT(ParseResourceDescriptor(Json{{"uri", "u"}, {"annotations", 1}}),
              HasReason(Reason::kProvenanceDocumentInvalid));
}

TEST(ResourceDescriptorTest, JsonOmitsEmptyFields) {
  EXPECT_EQ(ResourceDescriptorJson(
                {.name = "", .uri = "https://example.org/x", .digest = {}, .media_type = ""}),
            (Json{{"uri", "https://example.org/x"}}));
}

TEST(ResourceDescriptorTest, GitDigestsMayBeSha1OrSha256Length) {
  EXPECT_OK(ParseResourceDescriptor(Json{{"digest", {{"gitCommit", std::string(40, 'a')}}}}));
  EXPECT_OK(ParseResourceDescriptor(Json{{"digest", {{"gitCommit", std::string(64, 'a')}}}}));
  EXPECT_THAT(ParseResourceDescriptor(Json{{"digest", {{"gitCommit", std::string(41, 'a')}}}}),
              HasReason(Reason::kProvenanceDocumentInvalid));
}

// A minimal SLSA v1 predicate, then one member removed or mistyped at a time.
Json SlsaPredicate() {
  return {{"buildDefinition",
           {{"buildType", "https://example.org/build/v1"},
            {"externalParameters", {{"source", "git+https://example.org/repo"}}}}},
          {"runDetails", {{"builder", {{"id", "https://example.org/builder"}}}}}};
}

TEST(SlsaTest, AcceptsMinimalPredicate) {
  ASSERT_OK_AND_ASSIGN(const SlsaProvenanceSummary summary, CheckSlsaProvenance(SlsaPredicate()));
  EXPECT_EQ(summary.build_type, "https://example.org/build/v1");
  EXPECT_EQ(summary.builder_id, "https://example.org/builder");
  EXPECT_EQ(summary.invocation_id, "");
}

TEST(SlsaTest, RefusesOneWrongMemberAtATime) {
  struct Case {
    const char* name;
    Json::json_pointer pointer;
    Json value;  // null: remove the member
  };
  const Case cases[] = {
      {"no buildDefinition", Json::json_pointer("/buildDefinition"), nullptr},
      {"no buildType", Json::json_pointer("/buildDefinition/buildType"), nullptr},
      {"buildType not URI", Json::json_pointer("/buildDefinition/buildType"), "npm"},
      {"no externalParameters", Json::json_pointer("/buildDefinition/externalParameters"), nullptr},
      {"externalParameters not object", Json::json_pointer("/buildDefinition/externalParameters"),
       "x"},
      {"bad resolvedDependency", Json::json_pointer("/buildDefinition/resolvedDependencies"),
       Json::array({{{"name", "no uri or digest"}}})},
      {"no runDetails", Json::json_pointer("/runDetails"), nullptr},
      {"no builder", Json::json_pointer("/runDetails/builder"), nullptr},
      {"no builder.id", Json::json_pointer("/runDetails/builder/id"), nullptr},
      {"builder.id not string", Json::json_pointer("/runDetails/builder/id"), 5},
      {"builder.version not strings",
       Json::json_pointer("/runDetails/builder/version"),
       {{"v", 1}}},
      {"metadata not object", Json::json_pointer("/runDetails/metadata"), 1},
      {"byproducts not array", Json::json_pointer("/runDetails/byproducts"), "x"},
  };
  for (const Case& c : cases) {
    Json predicate = SlsaPredicate();
    if (c.value.is_null()) {
      predicate[c.pointer.parent_pointer()].erase(c.pointer.back());
    } else {
      predicate[c.pointer] = c.value;
    }
    EXPECT_THAT(CheckSlsaProvenance(predicate), HasReason(Reason::kProvenanceDocumentInvalid))
        << c.name;
  }
}

TEST(SlsaTest, MessageNamesTheMissingMember) {
  Json predicate = SlsaPredicate();
  predicate["runDetails"]["builder"].erase("id");
  const absl::Status status = CheckSlsaProvenance(predicate).status();
  EXPECT_NE(std::string(status.message()).find("predicate.runDetails.builder"), std::string::npos)
      << status;
}

}  // namespace
}  // namespace twi::provenance
