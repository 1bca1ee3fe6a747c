#include "libs/verifier/attestation_api.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"

namespace twi::verifier {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::twi::testing::HasReason;

AttestationRequest SampleRequest() {
  AttestationRequest request;
  request.nonce = Bytes(32, 0x4e);
  request.evidence.push_back({"sample", "application/vnd.twi.sample-report", Bytes(240, 0x5a)});
  request.key = {{"kty", "EC"}, {"crv", "P-256"}, {"x", "AAAA"}, {"y", "BBBB"}};
  request.csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\n...";
  request.formats = {"wit"};
  return request;
}

// --- Challenge ----------------------------------------------------------------------------------

TEST(ChallengeJsonTest, RoundTrips) {
  const Challenge in{Bytes(32, 7), absl::FromUnixSeconds(1'790'000'120)};
  const Json json = ToJson(in);
  EXPECT_EQ(json["nonce"], Base64UrlEncode(in.nonce));
  EXPECT_EQ(json["expires_at"], 1'790'000'120);
  ASSERT_OK_AND_ASSIGN(Challenge out, ChallengeFromJson(json));
  EXPECT_EQ(out.nonce, in.nonce);
  EXPECT_EQ(out.expires_at, in.expires_at);
}

TEST(ChallengeJsonTest, MalformedChallengesAreRefused) {
  EXPECT_THAT(ChallengeFromJson({{"nonce", Base64UrlEncode(Bytes(32, 7))}}),
              HasReason(Reason::kRequestInvalid));
  EXPECT_THAT(ChallengeFromJson({{"nonce", Base64UrlEncode(Bytes(32, 7))}, {"expires_at", "x"}}),
              HasReason(Reason::kRequestInvalid));
  EXPECT_THAT(ChallengeFromJson({{"nonce", "not base64url!"}, {"expires_at", 1}}),
              HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(ChallengeFromJson(
                  {{"nonce", Base64UrlEncode(Bytes(kMaxNonceSize + 1, 7))}, {"expires_at", 1}}),
              HasReason(Reason::kRequestInvalid));
  EXPECT_THAT(ChallengeFromJson(
                  {{"nonce", Base64UrlEncode(Bytes(kMinNonceSize - 1, 7))}, {"expires_at", 1}}),
              HasReason(Reason::kRequestInvalid));
}

// --- AttestationRequest -------------------------------------------------------------------------

TEST(AttestationRequestJsonTest, RoundTrips) {
  const AttestationRequest in = SampleRequest();
  ASSERT_OK_AND_ASSIGN(AttestationRequest out, AttestationRequestFromJson(ToJson(in)));
  EXPECT_EQ(out.nonce, in.nonce);
  ASSERT_EQ(out.evidence.size(), 1u);
  EXPECT_EQ(out.evidence[0].tee, "sample");
  EXPECT_EQ(out.evidence[0].media_type, "application/vnd.twi.sample-report");
  EXPECT_EQ(out.evidence[0].data, in.evidence[0].data);
  EXPECT_EQ(out.key, in.key);
  EXPECT_EQ(out.csr_pem, in.csr_pem);
  EXPECT_TRUE(out.wants_credentials());
  EXPECT_THAT(out.formats, ElementsAre("wit"));
}

TEST(AttestationRequestJsonTest, MechanismBRequestHasNoCsr) {
  AttestationRequest in = SampleRequest();
  in.csr_pem.clear();
  in.formats.clear();
  const Json json = ToJson(in);
  EXPECT_FALSE(json.contains("csr"));
  EXPECT_FALSE(json.contains("formats"));
  ASSERT_OK_AND_ASSIGN(AttestationRequest out, AttestationRequestFromJson(json));
  EXPECT_FALSE(out.wants_credentials());
  EXPECT_THAT(out.formats, IsEmpty());
}

TEST(AttestationRequestJsonTest, MechanismDAttestsAnEncryptionKeyWithoutCsr) {
  AttestationRequest in = SampleRequest();
  in.csr_pem.clear();
  in.purpose = evidence::BindingPurpose::kEncryptionKey;
  const Json json = ToJson(in);
  EXPECT_EQ(json["purpose"], "encryption-key");
  ASSERT_OK_AND_ASSIGN(AttestationRequest out, AttestationRequestFromJson(json));
  EXPECT_EQ(out.purpose, evidence::BindingPurpose::kEncryptionKey);
  // The default is not written, and reads back as the default.
  EXPECT_FALSE(ToJson(SampleRequest()).contains("purpose"));
  ASSERT_OK_AND_ASSIGN(out, AttestationRequestFromJson(ToJson(SampleRequest())));
  EXPECT_EQ(out.purpose, evidence::BindingPurpose::kCredentialKey);

  Json with_csr = json;
  with_csr["csr"] = "-----BEGIN CERTIFICATE REQUEST-----\n...";
  EXPECT_THAT(AttestationRequestFromJson(with_csr), HasReason(Reason::kRequestInvalid));
  Json unknown = json;
  unknown["purpose"] = "signing-key";
  EXPECT_THAT(AttestationRequestFromJson(unknown), HasReason(Reason::kRequestInvalid));
  unknown["purpose"] = 2;
  EXPECT_THAT(AttestationRequestFromJson(unknown), HasReason(Reason::kRequestInvalid));
}

TEST(AttestationRequestJsonTest, MissingOrMistypedMembersAreInvalid) {
  for (const char* field : {"nonce", "evidence", "key"}) {
    Json missing = ToJson(SampleRequest());
    missing.erase(field);
    EXPECT_THAT(AttestationRequestFromJson(missing), HasReason(Reason::kRequestInvalid)) << field;
  }
  for (const char* field : {"nonce", "evidence", "key", "csr", "formats"}) {
    Json mistyped = ToJson(SampleRequest());
    mistyped[field] = 7;
    EXPECT_THAT(AttestationRequestFromJson(mistyped), HasReason(Reason::kRequestInvalid)) << field;
  }
  for (const char* field : {"tee", "media_type", "data"}) {
    Json item_missing = ToJson(SampleRequest());
    item_missing["evidence"][0].erase(field);
    EXPECT_THAT(AttestationRequestFromJson(item_missing), HasReason(Reason::kRequestInvalid))
        << field;
  }
  Json format_not_string = ToJson(SampleRequest());
  format_not_string["formats"] = {1};
  EXPECT_THAT(AttestationRequestFromJson(format_not_string), HasReason(Reason::kRequestInvalid));
}

TEST(AttestationRequestJsonTest, BadBase64UrlIsAnEncodingError) {
  Json nonce = ToJson(SampleRequest());
  nonce["nonce"] = "a+b/";
  EXPECT_THAT(AttestationRequestFromJson(nonce), HasReason(Reason::kEncodingInvalid));
  Json data = ToJson(SampleRequest());
  data["evidence"][0]["data"] = "!!!!";
  EXPECT_THAT(AttestationRequestFromJson(data), HasReason(Reason::kEncodingInvalid));
}

TEST(AttestationRequestJsonTest, CountsAndSizesAreBounded) {
  Json no_evidence = ToJson(SampleRequest());
  no_evidence["evidence"] = Json::array();
  EXPECT_THAT(AttestationRequestFromJson(no_evidence), HasReason(Reason::kRequestInvalid));

  Json too_much = ToJson(SampleRequest());
  for (size_t i = 1; i <= kMaxEvidenceItems; ++i)
    too_much["evidence"].push_back(too_much["evidence"][0]);
  EXPECT_THAT(AttestationRequestFromJson(too_much), HasReason(Reason::kRequestInvalid));

  Json big_item = ToJson(SampleRequest());
  big_item["evidence"][0]["data"] = Base64UrlEncode(Bytes(kMaxEvidenceBytes + 1, 1));
  EXPECT_THAT(AttestationRequestFromJson(big_item), HasReason(Reason::kRequestInvalid));
  Json item_at_limit = ToJson(SampleRequest());
  item_at_limit["evidence"][0]["data"] = Base64UrlEncode(Bytes(kMaxEvidenceBytes, 1));
  EXPECT_OK(AttestationRequestFromJson(item_at_limit));

  Json long_nonce = ToJson(SampleRequest());
  long_nonce["nonce"] = Base64UrlEncode(Bytes(kMaxNonceSize + 1, 1));
  EXPECT_THAT(AttestationRequestFromJson(long_nonce), HasReason(Reason::kRequestInvalid));
  Json short_nonce = ToJson(SampleRequest());
  short_nonce["nonce"] = Base64UrlEncode(Bytes(kMinNonceSize - 1, 1));
  EXPECT_THAT(AttestationRequestFromJson(short_nonce), HasReason(Reason::kRequestInvalid));

  Json many_formats = ToJson(SampleRequest());
  many_formats["formats"] = {"a", "b", "c", "d", "e"};
  EXPECT_THAT(AttestationRequestFromJson(many_formats), HasReason(Reason::kRequestInvalid));
}

// --- AttestationResponse ------------------------------------------------------------------------

TEST(AttestationResponseJsonTest, RoundTripsWithAndWithoutCredentials) {
  AttestationResponse without{.ear = "h.p.s", .credentials = std::nullopt};
  ASSERT_OK_AND_ASSIGN(AttestationResponse out, AttestationResponseFromJson(ToJson(without)));
  EXPECT_EQ(out.ear, "h.p.s");
  EXPECT_FALSE(out.credentials.has_value());

  issuer::IssuedCredentials credentials;
  credentials.spiffe_id = "spiffe://example.org/workload/payroll";
  credentials.wit = "w.i.t";
  credentials.wit_jti = "jti";
  credentials.bundle = issuer::EncodedBundle::Create("pem", {{"keys", Json::array()}});
  AttestationResponse with{.ear = "h.p.s", .credentials = credentials};
  ASSERT_OK_AND_ASSIGN(out, AttestationResponseFromJson(ToJson(with)));
  ASSERT_TRUE(out.credentials.has_value());
  EXPECT_EQ(out.credentials->spiffe_id, credentials.spiffe_id);
  EXPECT_EQ(out.credentials->wit, "w.i.t");
}

// The attest route's fast path must put on the wire exactly what the DOM path did.
TEST(AttestationResponseJsonTest, TextIsTheDumpedDom) {
  issuer::IssuedCredentials credentials;
  credentials.spiffe_id = "spiffe://example.org/workload/payroll";
  credentials.x509_svid_pem =
      "-----BEGIN CERTIFICATE-----\nMIIBleaf\n-----END CERTIFICATE-----\n"
      "-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n";
  credentials.x509_serial = "7f01";
  credentials.x509_not_after = absl::FromUnixSeconds(1'790'003'600);
  credentials.wit = "eyJ0eXAiOiJ3aXQrand0In0.eyJzdWIiOiJzcGlmZmUifQ.c2ln";
  credentials.wit_jti = "AAECAwQFBgcICQoLDA0ODw";
  credentials.wit_expires_at = absl::FromUnixSeconds(1'790'001'800);
  credentials.ear_digest = "sha256:9f86d081884c7d659a2feaa0c55ad015";
  const Json jwks = {
      {"keys",
       Json::array({{{"use", "x509-svid"}, {"kty", "EC"}, {"crv", "P-256"}, {"x5c", {"MIIB"}}},
                    {{"use", "wit-svid"}, {"kty", "EC"}, {"kid", "k1"}, {"x", "AA"}}})},
      {"spiffe_sequence", 7},
      {"spiffe_refresh_hint", 300}};
  credentials.bundle =
      issuer::EncodedBundle::Create("-----BEGIN CERTIFICATE-----\nMIIBroot\n", jwks);

  for (const AttestationResponse& response :
       {AttestationResponse{.ear = "h.p.s", .credentials = credentials},
        AttestationResponse{.ear = "h.p.s", .credentials = std::nullopt}}) {
    const std::string text = ToJsonText(response);
    ASSERT_OK_AND_ASSIGN(Json parsed, ParseJsonObject(text));
    EXPECT_EQ(parsed, ToJson(response)) << text;
    EXPECT_EQ(text, DumpJson(ToJson(response)));
    ASSERT_OK_AND_ASSIGN(AttestationResponse back, AttestationResponseFromJson(parsed));
    EXPECT_EQ(back.credentials.has_value(), response.credentials.has_value());
  }
}

TEST(AttestationResponseJsonTest, MalformedResponsesAreRefused) {
  EXPECT_THAT(AttestationResponseFromJson(Json::object()), HasReason(Reason::kRequestInvalid));
  EXPECT_THAT(AttestationResponseFromJson({{"ear", 1}}), HasReason(Reason::kRequestInvalid));
  EXPECT_THAT(AttestationResponseFromJson({{"ear", "e"}, {"credentials", Json::object()}}),
              HasReason(Reason::kRequestInvalid));
}

}  // namespace
}  // namespace twi::verifier
