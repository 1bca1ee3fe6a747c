#include "libs/ear/ear.h"

#include "gtest/gtest.h"
#include "libs/crypto/keys.h"
#include "libs/jose/jws.h"
#include "libs/jose/jwt.h"
#include "testing/status_matchers.h"

namespace twi::ear {
namespace {

using ::twi::testing::HasReason;

class EarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(key_, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
    ASSERT_OK_AND_ASSIGN(
        signer_, crypto::NewSoftwareSigner(key_, crypto::SignatureAlgorithm::kEcdsaP256Sha256));
    jose::Jwk jwk = jose::Jwk::FromPublicKey(key_.public_key());
    kid_ = jwk.Thumbprint();
    jwk.set_kid(kid_);
    trusted_.Add(jwk);
    ASSERT_OK_AND_ASSIGN(auto cred, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
    bound_ = jose::Jwk::FromPublicKey(cred.public_key());
  }

  Ear Sample() {
    Ear ear;
    ear.issued_at = now_;
    ear.expires_at = now_ + absl::Minutes(5);
    ear.jti = "abc";
    ear.verifier_id = {"twi", "twi-verifier 0.1.0"};
    Appraisal a;
    a.status = policy::Tier::kAffirming;
    a.vector.hardware = 2;
    a.vector.executables = 2;
    a.vector.configuration = 2;
    a.vector.runtime_opaque = 2;
    a.policy_ids = {"sha256:aa", "sha256:bb"};
    a.attester_claims = {{"svn", 3}};
    a.verifier_claims = {{"release", "r1"}};
    a.nonce = "bm9uY2Vub25jZQ";
    ear.submods["sample"] = a;
    ear.status = policy::Tier::kAffirming;
    WorkloadResult w;
    w.identifier = "spiffe://example.org/payroll";
    w.workload = "payroll";
    w.release = "r1";
    w.claims = {{"location", "DE"}};
    w.formats = {"x509-svid", "wit"};
    w.bound_key = bound_;
    w.bound_key_thumbprint = bound_.Thumbprint();
    w.binding_purpose = "credential-key";
    ear.workload = w;
    return ear;
  }

  absl::Time now_ = absl::FromUnixSeconds(1'790'000'000);
  crypto::PrivateKey key_ = *crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  std::unique_ptr<crypto::Signer> signer_;
  std::string kid_;
  jose::Jwks trusted_;
  jose::Jwk bound_ = jose::Jwk::FromPublicKey(key_.public_key());
};

TEST_F(EarTest, SignVerifyRoundTrip) {
  ASSERT_OK_AND_ASSIGN(std::string token, Sign(Sample(), *signer_, kid_));
  ASSERT_OK_AND_ASSIGN(Ear ear, Verify(token, trusted_, now_ + absl::Seconds(1)));
  EXPECT_EQ(ear.status, policy::Tier::kAffirming);
  EXPECT_EQ(ear.verifier_id.build, "twi-verifier 0.1.0");
  ASSERT_EQ(ear.submods.count("sample"), 1u);
  const Appraisal& a = ear.submods.at("sample");
  EXPECT_EQ(a.vector.hardware, 2);
  EXPECT_EQ(a.policy_ids, (std::vector<std::string>{"sha256:aa", "sha256:bb"}));
  EXPECT_EQ(a.nonce, "bm9uY2Vub25jZQ");
  ASSERT_TRUE(ear.workload.has_value());
  EXPECT_EQ(ear.workload->identifier, "spiffe://example.org/payroll");
  EXPECT_EQ(ear.workload->claims["location"], "DE");
  EXPECT_EQ(ear.workload->bound_key_thumbprint, bound_.Thumbprint());
  EXPECT_TRUE(ear.workload->bound_key->key().Equals(bound_.key()));
}

TEST_F(EarTest, EmitsDraft04NamesAndFullVector) {
  const Json j = ToJson(Sample());
  EXPECT_EQ(j["eat_profile"], "tag:ietf.org,2026:rats/ear#04");
  EXPECT_TRUE(j["iat"].is_number_integer());
  EXPECT_EQ(j["ear_verifier_id"]["developer"], "twi");
  const Json& v = j["submods"]["sample"]["ear_trustworthiness_vector"];
  for (const char* name : {"instance-identity", "configuration", "executables", "file-system",
                           "hardware", "runtime-opaque", "storage-opaque", "sourced-data"}) {
    EXPECT_TRUE(v.contains(name)) << name;
  }
  EXPECT_TRUE(j["submods"]["sample"]["ear_appraisal_policy_ids"].is_array());
  EXPECT_EQ(j["twi_workload"]["cnf"]["jkt"], bound_.Thumbprint());
}

TEST_F(EarTest, TextIsTheDomEncodingByteForByte) {
  Ear full = Sample();
  full.submods["other"] = full.submods["sample"];
  full.submods["other"].nonce.reset();
  full.submods["other"].policy_ids.clear();
  full.submods["other"].attester_claims = {{"quote", "a\"b\\c\n\u00e9"}, {"n", {1, 2}}};
  Ear minimal = Sample();
  minimal.jti.clear();
  minimal.workload.reset();
  minimal.submods["sample"].attester_claims = Json::object();
  minimal.submods["sample"].verifier_claims = Json::object();
  Ear keyless = Sample();
  keyless.workload->bound_key.reset();
  keyless.workload->formats.clear();
  keyless.expires_at = absl::InfiniteFuture();
  for (const Ear& ear : {Sample(), full, minimal, keyless}) {
    EXPECT_EQ(ToJsonText(ear), DumpJson(ToJson(ear)));
  }
}

TEST_F(EarTest, SignedPayloadIsTheClaimsText) {
  ASSERT_OK_AND_ASSIGN(std::string token, Sign(Sample(), *signer_, kid_));
  ASSERT_OK_AND_ASSIGN(jose::ParsedJws jws, jose::ParseCompact(token));
  EXPECT_EQ(AsString(jws.payload), ToJsonText(Sample()));
}

TEST_F(EarTest, ReadsLegacyDottedNames) {
  Json legacy = {
      {"eat_profile", "tag:github.com,2023:veraison/ear"},
      {"iat", 1'790'000'000},
      {"ear.verifier-id", {{"developer", "https://veraison-project.org"}, {"build", "x"}}},
      {"ear.status", "warning"},
      {"submods",
       {{"cpu0",
         {{"ear.status", "warning"},
          {"ear.trustworthiness-vector", {{"hardware", 32}}},
          {"ear.appraisal-policy-id", "policy:cpu"}}}}}};
  ASSERT_OK_AND_ASSIGN(Ear ear, FromJson(legacy));
  EXPECT_EQ(ear.status, policy::Tier::kWarning);
  EXPECT_EQ(ear.submods.at("cpu0").vector.hardware, 32);
  EXPECT_EQ(ear.submods.at("cpu0").policy_ids, std::vector<std::string>{"policy:cpu"});
  EXPECT_FALSE(ear.workload.has_value());
}

TEST_F(EarTest, UntrustedKeyExpiredAndTooOld) {
  ASSERT_OK_AND_ASSIGN(auto other, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto other_signer, crypto::NewSoftwareSigner(
                                              other, crypto::SignatureAlgorithm::kEcdsaP256Sha256));
  ASSERT_OK_AND_ASSIGN(std::string forged, Sign(Sample(), *other_signer, kid_));
  EXPECT_THAT(Verify(forged, trusted_, now_), HasReason(Reason::kEarUntrustedKey));
  ASSERT_OK_AND_ASSIGN(std::string unknown_kid, Sign(Sample(), *other_signer, "other"));
  EXPECT_THAT(Verify(unknown_kid, trusted_, now_), HasReason(Reason::kEarUntrustedKey));

  ASSERT_OK_AND_ASSIGN(std::string token, Sign(Sample(), *signer_, kid_));
  EXPECT_THAT(Verify(token, trusted_, now_ + absl::Minutes(10)), HasReason(Reason::kEarExpired));
  VerifyOptions strict;
  strict.max_age = absl::Seconds(60);
  strict.leeway = absl::Seconds(0);
  EXPECT_OK(Verify(token, trusted_, now_ + absl::Seconds(60), strict));
  EXPECT_THAT(Verify(token, trusted_, now_ + absl::Seconds(61), strict),
              HasReason(Reason::kEarTooOld));
}

TEST_F(EarTest, RejectsInconsistentOrMalformedResults) {
  Json j = ToJson(Sample());
  Json better = j;
  better["ear_status"] = "affirming";
  better["submods"]["sample"]["ear_status"] = "warning";
  EXPECT_THAT(FromJson(better), HasReason(Reason::kEarInvalid));

  Json vector_worse = j;
  vector_worse["submods"]["sample"]["ear_trustworthiness_vector"]["executables"] = 33;
  EXPECT_THAT(FromJson(vector_worse), HasReason(Reason::kEarInvalid));

  Json profile = j;
  profile["eat_profile"] = "tag:example.com,2026:other";
  EXPECT_THAT(FromJson(profile), HasReason(Reason::kEarInvalid));

  Json float_iat = j;
  float_iat["iat"] = 1790000000.5;
  EXPECT_THAT(FromJson(float_iat), HasReason(Reason::kEarInvalid));

  Json no_submods = j;
  no_submods["submods"] = Json::object();
  EXPECT_THAT(FromJson(no_submods), HasReason(Reason::kEarInvalid));

  Json jkt = j;
  jkt["twi_workload"]["cnf"]["jkt"] = "AAAA";
  EXPECT_THAT(FromJson(jkt), HasReason(Reason::kEarInvalid));

  Json claim_range = j;
  claim_range["submods"]["sample"]["ear_trustworthiness_vector"]["hardware"] = 300;
  EXPECT_THAT(FromJson(claim_range), HasReason(Reason::kEarInvalid));
}

TEST_F(EarTest, OverallStatusDefaultsToWorstSubmod) {
  Json j = ToJson(Sample());
  j.erase("ear_status");
  j["submods"]["gpu0"] = {{"ear_status", "warning"}};
  ASSERT_OK_AND_ASSIGN(Ear ear, FromJson(j));
  EXPECT_EQ(ear.status, policy::Tier::kWarning);
}

}  // namespace
}  // namespace twi::ear
