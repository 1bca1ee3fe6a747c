#include "libs/issuer/credential_api.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"

namespace twi::issuer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::twi::testing::HasReason;

CredentialRequest SampleRequest() {
  return {.ear = "h.p.s",
          .csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\n...",
          .formats = {"x509-svid", "wit"},
          .mechanism = "A"};
}

IssuedCredentials SampleCredentials() {
  IssuedCredentials c;
  c.spiffe_id = "spiffe://example.org/workload/payroll";
  c.x509_svid_pem = "-----BEGIN CERTIFICATE-----\n...";
  c.x509_serial = "0a1b";
  c.x509_not_after = absl::FromUnixSeconds(1'790'003'600);
  c.wit = "h.p.s";
  c.wit_jti = "jti-1";
  c.wit_expires_at = absl::FromUnixSeconds(1'790'001'800);
  c.bundle = EncodedBundle::Create(
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      {{"keys",
        Json::array({{{"use", "x509-svid"}, {"kty", "EC"}, {"x5c", Json::array({"MIIB"})}}})},
       {"spiffe_sequence", 1},
       {"spiffe_refresh_hint", 300}});
  c.ear_digest = "sha256:00";
  return c;
}

// --- CredentialRequest --------------------------------------------------------------------------

TEST(CredentialRequestJsonTest, RoundTrips) {
  ASSERT_OK_AND_ASSIGN(CredentialRequest back, CredentialRequestFromJson(ToJson(SampleRequest())));
  EXPECT_EQ(back.ear, "h.p.s");
  EXPECT_EQ(back.csr_pem, SampleRequest().csr_pem);
  EXPECT_THAT(back.formats, ElementsAre("x509-svid", "wit"));
  EXPECT_EQ(back.mechanism, "A");
}

TEST(CredentialRequestJsonTest, OptionalMembersMayBeAbsent) {
  ASSERT_OK_AND_ASSIGN(CredentialRequest back,
                       CredentialRequestFromJson({{"ear", "e"}, {"csr", "c"}}));
  EXPECT_THAT(back.formats, IsEmpty());
  EXPECT_EQ(back.mechanism, "");
}

TEST(CredentialRequestJsonTest, MissingRequiredMembersAreInvalid) {
  Json no_ear = ToJson(SampleRequest());
  no_ear.erase("ear");
  EXPECT_THAT(CredentialRequestFromJson(no_ear), HasReason(Reason::kRequestInvalid));
  Json no_csr = ToJson(SampleRequest());
  no_csr.erase("csr");
  EXPECT_THAT(CredentialRequestFromJson(no_csr), HasReason(Reason::kRequestInvalid));
  EXPECT_THAT(CredentialRequestFromJson(Json::array()), HasReason(Reason::kRequestInvalid));
  EXPECT_THAT(CredentialRequestFromJson("ear"), HasReason(Reason::kRequestInvalid));
}

TEST(CredentialRequestJsonTest, MistypedMembersAreInvalid) {
  for (const char* field : {"ear", "csr", "formats", "mechanism"}) {
    Json json = ToJson(SampleRequest());
    json[field] = 7;
    EXPECT_THAT(CredentialRequestFromJson(json), HasReason(Reason::kRequestInvalid)) << field;
  }
  Json format_not_string = ToJson(SampleRequest());
  format_not_string["formats"] = {"wit", 1};
  EXPECT_THAT(CredentialRequestFromJson(format_not_string), HasReason(Reason::kRequestInvalid));
}

TEST(CredentialRequestJsonTest, OversizeMembersAreInvalid) {
  Json big_ear = ToJson(SampleRequest());
  big_ear["ear"] = std::string(64 * 1024 + 1, 'e');
  EXPECT_THAT(CredentialRequestFromJson(big_ear), HasReason(Reason::kRequestInvalid));
  Json ear_at_limit = ToJson(SampleRequest());
  ear_at_limit["ear"] = std::string(64 * 1024, 'e');
  EXPECT_OK(CredentialRequestFromJson(ear_at_limit));

  Json big_csr = ToJson(SampleRequest());
  big_csr["csr"] = std::string(16 * 1024 + 1, 'c');
  EXPECT_THAT(CredentialRequestFromJson(big_csr), HasReason(Reason::kRequestInvalid));

  Json many_formats = ToJson(SampleRequest());
  many_formats["formats"] = {"a", "b", "c", "d", "e"};
  EXPECT_THAT(CredentialRequestFromJson(many_formats), HasReason(Reason::kRequestInvalid));

  Json long_mechanism = ToJson(SampleRequest());
  long_mechanism["mechanism"] = "mechanism-a";
  EXPECT_THAT(CredentialRequestFromJson(long_mechanism), HasReason(Reason::kRequestInvalid));
}

// --- IssuedCredentials --------------------------------------------------------------------------

TEST(IssuedCredentialsJsonTest, RoundTrips) {
  const IssuedCredentials in = SampleCredentials();
  ASSERT_OK_AND_ASSIGN(IssuedCredentials out, IssuedCredentialsFromJson(ToJson(in)));
  EXPECT_EQ(out.spiffe_id, in.spiffe_id);
  EXPECT_EQ(out.x509_svid_pem, in.x509_svid_pem);
  EXPECT_EQ(out.x509_serial, in.x509_serial);
  EXPECT_EQ(out.x509_not_after, in.x509_not_after);
  EXPECT_EQ(out.wit, in.wit);
  EXPECT_EQ(out.wit_jti, in.wit_jti);
  EXPECT_EQ(out.wit_expires_at, in.wit_expires_at);
  EXPECT_EQ(out.bundle->pem(), in.bundle->pem());
  EXPECT_EQ(out.bundle->jwks(), in.bundle->jwks());
  EXPECT_EQ(out.ear_digest, in.ear_digest);
}

// The response text is what the DOM path printed: same members, values and types, and, with
// members in nlohmann's order, the same bytes.
TEST(IssuedCredentialsJsonTest, TextIsTheDumpedDom) {
  IssuedCredentials all = SampleCredentials();
  all.spiffe_id = "spiffe://example.org/\"q\"/back\\slash/\x01/caf\xc3\xa9";
  for (bool x509 : {true, false}) {
    for (bool wit : {true, false}) {
      IssuedCredentials c = all;
      if (!x509) c.x509_svid_pem.clear();
      if (!wit) c.wit.clear();
      const std::string text = ToJsonText(c);
      ASSERT_OK_AND_ASSIGN(Json parsed, ParseJson(text));
      EXPECT_EQ(parsed, ToJson(c)) << text;
      EXPECT_EQ(text, DumpJson(ToJson(c)));
    }
  }
}

TEST(IssuedCredentialsJsonTest, ParsedBundleIsEncodedForTheNextHop) {
  const IssuedCredentials in = SampleCredentials();
  ASSERT_OK_AND_ASSIGN(IssuedCredentials out, IssuedCredentialsFromJson(ToJson(in)));
  EXPECT_EQ(out.bundle->pem_json(), in.bundle->pem_json());
  EXPECT_EQ(out.bundle->jwks_json(), in.bundle->jwks_json());
}

TEST(IssuedCredentialsJsonTest, DefaultBundleIsEmptyButWellFormed) {
  IssuedCredentials c;
  c.wit = "h.p.s";
  EXPECT_EQ(c.bundle->pem(), "");
  EXPECT_EQ(c.bundle->jwks(), Json::object());
  EXPECT_OK(IssuedCredentialsFromJson(ToJson(c)));
}

TEST(IssuedCredentialsJsonTest, OneFormatOnlyRoundTrips) {
  IssuedCredentials wit_only = SampleCredentials();
  wit_only.x509_svid_pem.clear();
  const Json json = ToJson(wit_only);
  EXPECT_FALSE(json.contains("x509_svid"));
  ASSERT_OK_AND_ASSIGN(IssuedCredentials out, IssuedCredentialsFromJson(json));
  EXPECT_TRUE(out.x509_svid_pem.empty());
  EXPECT_EQ(out.wit, wit_only.wit);

  IssuedCredentials x509_only = SampleCredentials();
  x509_only.wit.clear();
  ASSERT_OK_AND_ASSIGN(out, IssuedCredentialsFromJson(ToJson(x509_only)));
  EXPECT_TRUE(out.wit.empty());
  EXPECT_EQ(out.x509_svid_pem, x509_only.x509_svid_pem);
}

TEST(IssuedCredentialsJsonTest, ResponseWithoutCredentialIsInvalid) {
  IssuedCredentials none = SampleCredentials();
  none.x509_svid_pem.clear();
  none.wit.clear();
  EXPECT_THAT(IssuedCredentialsFromJson(ToJson(none)), HasReason(Reason::kRequestInvalid));
}

TEST(IssuedCredentialsJsonTest, MissingOrMistypedMembersAreInvalid) {
  for (const char* field : {"spiffe_id", "bundle_pem", "bundle_jwks"}) {
    Json missing = ToJson(SampleCredentials());
    missing.erase(field);
    EXPECT_THAT(IssuedCredentialsFromJson(missing), HasReason(Reason::kRequestInvalid)) << field;
    Json mistyped = ToJson(SampleCredentials());
    mistyped[field] = 7;
    EXPECT_THAT(IssuedCredentialsFromJson(mistyped), HasReason(Reason::kRequestInvalid)) << field;
  }
  Json no_chain = ToJson(SampleCredentials());
  no_chain["x509_svid"].erase("chain_pem");
  EXPECT_THAT(IssuedCredentialsFromJson(no_chain), HasReason(Reason::kRequestInvalid));
  Json wit_not_object = ToJson(SampleCredentials());
  wit_not_object["wit"] = "h.p.s";
  EXPECT_THAT(IssuedCredentialsFromJson(wit_not_object), HasReason(Reason::kRequestInvalid));
}

}  // namespace
}  // namespace twi::issuer
