// End to end for mechanisms C and D and the Workload Owner's control plane, with real
// processes: `twi server` serves one deployment; the owner acts through `twi owner` over mTLS
// with an identity from `twi server mint-tls`; the workload acquires with `twi agent acquire`.
// The refusals that need a hand-made request (an EAR for another key, an old EAR, an EAR of a
// release revoked after appraisal) are sent by this test over TLS to the same server process.
#include <unistd.h>

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/agent/acquire.h"
#include "libs/agent/attesters.h"
#include "libs/agent/https_transport.h"
#include "libs/agent/measurement.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/deployment/config.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/ear/ear.h"
#include "libs/jose/jwe.h"
#include "libs/keyrelease/key_release.h"
#include "libs/keystore/wrapped_key.h"
#include "libs/net/client.h"
#include "libs/x509/certificate.h"
#include "testing/status_matchers.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"
#include "tests/e2e/deployment_fixture.h"

namespace twi::e2e {
namespace {

using ::testing::HasSubstr;
using ::twi::testing::HasReason;

class MechanismsCdTest : public DeploymentTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(DeploymentTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(MintOwner());
  }

  void SetPolicyAndProvision(const std::vector<std::string>& policy_flags = {}) {
    std::vector<std::string> args = {"set-release-policy", "--workload", "orders"};
    args.insert(args.end(), policy_flags.begin(), policy_flags.end());
    const testing::CommandResult policy = Owner(args);
    ASSERT_TRUE(policy.ok()) << policy.out << policy.err;
    const testing::CommandResult provisioned = Owner({"provision", "--workload", "orders"});
    ASSERT_TRUE(provisioned.ok()) << provisioned.out << provisioned.err;
    ASSERT_OK_AND_ASSIGN(provisioned_, ParseJsonObject(provisioned.out));
  }

  std::string Reason(const testing::CommandResult& r) const {
    auto json = ParseJsonObject(r.out);
    return json.ok() ? json->value("/error/reason"_json_pointer, "") : "";
  }

  Json provisioned_ = Json::object();
};

TEST_F(MechanismsCdTest, MechanismCTalksOnlyToTheCaAndItsArtifactsVerify) {
  const std::string o = out("C");
  const testing::CommandResult r = Acquire("C", o, kImageV1, {"--json"});
  ASSERT_TRUE(r.ok()) << r.out << r.err;
  ASSERT_OK_AND_ASSIGN(const Json result, ParseJsonObject(r.out));
  EXPECT_EQ(result.value("mechanism", ""), "C");
  EXPECT_EQ(result.value("spiffe_id", ""), kWorkloadId);
  const testing::CommandResult svid =
      Twi({"verify", "x509-svid", "--svid", o + "/svid.pem", "--bundle", o + "/bundle.jwks",
           "--trust-domain", kTrustDomain});
  EXPECT_TRUE(svid.ok()) << svid.err;
  const testing::CommandResult ear =
      Twi({"verify", "ear", "--token", o + "/ear.jwt", "--jwks", dir() + "/pki/verifier-ear.jwks"});
  EXPECT_TRUE(ear.ok()) << ear.err;
  EXPECT_THAT(ear.out, HasSubstr("affirming"));

  const testing::CommandResult refused = Acquire("C", out("C-refused"), kImageUnknown, {"--json"});
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(Reason(refused), "UNKNOWN_MEASUREMENT");
  EXPECT_FALSE(std::filesystem::exists(out("C-refused")));
}

TEST_F(MechanismsCdTest, MechanismDReleasesTheProvisionedKeyThatTheCredentialsCertify) {
  ASSERT_NO_FATAL_FAILURE(SetPolicyAndProvision({"--claim", "location=DE"}));
  std::string first_serial;
  for (const std::string& image : {std::string(kImageV1), std::string(kImageV2)}) {
    SCOPED_TRACE(image);
    const std::string o = out("D-" + image.substr(7, 1));
    const testing::CommandResult r = Acquire("D", o, image, {"--json"});
    ASSERT_TRUE(r.ok()) << r.out << r.err;
    ASSERT_OK_AND_ASSIGN(const Json result, ParseJsonObject(r.out));
    EXPECT_EQ(result.value("mechanism", ""), "D");
    EXPECT_EQ(result.value("spiffe_id", ""), kWorkloadId);
    // Every release of the workload gets the one provisioned credential.
    EXPECT_EQ(result.value("x509_serial", ""), provisioned_.value("x509_serial", "?"));
    // svid.key is the released key: it matches the certificate.
    ASSERT_OK_AND_ASSIGN(const std::string key_pem, ReadFile(o + "/svid.key"));
    ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey key, crypto::PrivateKey::FromPem(key_pem));
    ASSERT_OK_AND_ASSIGN(const std::string chain, ReadFile(o + "/svid.pem"));
    ASSERT_OK_AND_ASSIGN(const auto certs, x509::Certificate::ChainFromPem(chain));
    EXPECT_TRUE(certs[0].public_key().Equals(key.public_key()));
    const testing::CommandResult svid =
        Twi({"verify", "x509-svid", "--svid", o + "/svid.pem", "--bundle", o + "/bundle.jwks",
             "--trust-domain", kTrustDomain});
    EXPECT_TRUE(svid.ok()) << svid.err;
    const testing::CommandResult wit = Twi({"verify", "wit", "--token", o + "/wit.jwt", "--bundle",
                                            o + "/bundle.jwks", "--trust-domain", kTrustDomain});
    EXPECT_TRUE(wit.ok()) << wit.err;
  }
  // Provisioning again replaces the key: the old one leaves the token, the next release is of
  // the new one.
  const std::string old_uri = provisioned_.value("key_uri", "");
  const testing::CommandResult again = Owner({"provision", "--workload", "orders"});
  ASSERT_TRUE(again.ok()) << again.err;
  ASSERT_OK_AND_ASSIGN(const Json renewed, ParseJsonObject(again.out));
  EXPECT_NE(renewed.value("key_uri", ""), old_uri);
  {
    const deployment::Layout layout(dir());
    ASSERT_OK_AND_ASSIGN(const deployment::DeploymentConfig config,
                         deployment::ReadConfigFile(layout));
    ASSERT_OK_AND_ASSIGN(auto store, deployment::OpenKeyStore(layout, config.key_store));
    EXPECT_THAT(store->OpenSigner(old_uri), HasReason(Reason::kKeyStoreKeyNotFound));
    ASSERT_OK_AND_ASSIGN(const keystore::Pkcs11KeyProtection protection,
                         store->Protection(renewed.value("key_uri", "")));
    EXPECT_TRUE(protection.sensitive);
    EXPECT_TRUE(protection.always_sensitive);
  }
  const testing::CommandResult renewed_acquire =
      Acquire("D", out("D-renewed"), kImageV1, {"--json"});
  ASSERT_TRUE(renewed_acquire.ok()) << renewed_acquire.err;
  EXPECT_THAT(renewed_acquire.out, HasSubstr(renewed.value("x509_serial", "?")));

  // The token holds the credential key sensitive; no private key file is in the deployment.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir())) {
    if (!entry.is_regular_file()) continue;
    ASSERT_OK_AND_ASSIGN(const std::string text, ReadFile(entry.path().string(), 1 << 24));
    EXPECT_EQ(text.find("PRIVATE KEY"), std::string::npos) << entry.path();
  }
}

TEST_F(MechanismsCdTest, NothingIsReleasedForAKeyNeverProvisionedOrAPolicyNotMet) {
  // No policy, no key.
  testing::CommandResult r = Acquire("D", out("none"), kImageV1, {"--json"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Reason(r), "KEY_RELEASE_DENIED");
  // A policy, but no key provisioned.
  const testing::CommandResult policy = Owner({"set-release-policy", "--workload", "orders"});
  ASSERT_TRUE(policy.ok()) << policy.err;
  r = Acquire("D", out("unprovisioned"), kImageV1, {"--json"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Reason(r), "KEY_NOT_PROVISIONED");
  // Provisioned, but the policy wants a claim the workload does not have.
  ASSERT_NO_FATAL_FAILURE(SetPolicyAndProvision({"--claim", "location=US"}));
  r = Acquire("D", out("mismatch"), kImageV1, {"--json"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Reason(r), "KEY_RELEASE_DENIED");
  EXPECT_THAT(r.err, HasSubstr("location"));
  for (const char* dir : {"none", "unprovisioned", "mismatch"}) {
    EXPECT_FALSE(std::filesystem::exists(out(dir))) << dir;
  }
}

TEST_F(MechanismsCdTest, OwnerApiRequiresAnOwnerCertificate) {
  // A service identity that is not an owner's.
  const testing::CommandResult minted =
      Twi({"server", "mint-tls", "--dir", dir(), "--service", "verifier", "--out", out("other")});
  ASSERT_TRUE(minted.ok()) << minted.err;
  const testing::CommandResult r =
      Owner({"provision", "--workload", "orders"}, out("other") + "/verifier.pem",
            out("other") + "/verifier.key");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Reason(r), "PERMISSION_DENIED");

  // No client certificate at all: the internal listener refuses the handshake.
  ASSERT_OK_AND_ASSIGN(const net::Endpoint endpoint, net::ParseHttpsUrl(server_.internal_url()));
  net::TlsClientConfig tls;
  ASSERT_OK_AND_ASSIGN(tls.ca_pem, ReadFile(dir() + "/pki/internal-ca.pem"));
  net::HttpsClient anonymous(endpoint.host, endpoint.port, std::move(tls));
  const auto answer =
      anonymous.Request("POST", "/v1/owner/credentials/provision", R"({"workload":"orders"})");
  EXPECT_FALSE(answer.ok() && answer->status == 200);

  // Neither call provisioned anything.
  const auto published = Twi({"agent", "acquire", "--mechanism", "D", "--deployment", dir(),
                              "--image", kImageV1, "--svn", "2", "--out", out("D"), "--json"});
  EXPECT_FALSE(published.ok());
  EXPECT_EQ(Reason(published), "KEY_RELEASE_DENIED");
}

TEST_F(MechanismsCdTest, OwnerRegistersAndEndorsesWithoutChangingTheIdentifier) {
  // A new release of the workload through the control plane, in force at once.
  const testing::CommandResult measured = Twi({"agent", "measure"});
  ASSERT_TRUE(measured.ok());
  const std::string agent(absl::StripAsciiWhitespace(measured.out));
  EXPECT_FALSE(Acquire("A", out("before"), kImageUnknown).ok());
  const testing::CommandResult added =
      Owner({"add-release", "--workload", "orders", "--release", "9", "--measurement",
             std::string("image=") + kImageUnknown, "--agent", agent, "--min-svn", "2"});
  ASSERT_TRUE(added.ok()) << added.out << added.err;
  const testing::CommandResult after = Acquire("A", out("after"), kImageUnknown, {"--json"});
  ASSERT_TRUE(after.ok()) << after.err;
  EXPECT_THAT(after.out, HasSubstr(kWorkloadId));
  ASSERT_OK_AND_ASSIGN(const std::string file, ReadFile(dir() + "/policies/workloads/orders.yaml"));
  EXPECT_THAT(file, HasSubstr("name: \"9\""));

  // Revoked: the next evidence of that release is refused, the identifier unchanged.
  const testing::CommandResult revoked =
      Owner({"revoke-release", "--workload", "orders", "--release", "9"});
  ASSERT_TRUE(revoked.ok()) << revoked.err;
  const testing::CommandResult refused = Acquire("A", out("revoked"), kImageUnknown, {"--json"});
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(Reason(refused), "UNKNOWN_MEASUREMENT");
  const testing::CommandResult still = Acquire("A", out("still"), kImageV1, {"--json"});
  EXPECT_THAT(still.out, HasSubstr(kWorkloadId));

  // Refusals of the control plane: a taken name, an unknown workload, a malformed release.
  EXPECT_EQ(Reason(Owner({"revoke-release", "--workload", "nope", "--release", "1"})),
            "WORKLOAD_UNKNOWN");
  EXPECT_EQ(Reason(Owner({"add-release", "--workload", "orders", "--release", "1", "--measurement",
                          std::string("image=") + kImageV1, "--agent", agent})),
            "WORKLOAD_EXISTS");
  EXPECT_EQ(Reason(Owner({"add-release", "--workload", "orders", "--release", "x", "--measurement",
                          "image=sha256:12", "--agent", agent})),
            "REQUEST_INVALID");
  const std::string billing = out("billing.yaml");
  ASSERT_OK(WriteFileAtomic(billing, absl::StrFormat("version: 1\nkind: workload\nname: billing\n"
                                                     "identifier: \"%s\"\ncredentials:\n"
                                                     "  formats: [x509-svid]\nreleases: []\n",
                                                     kWorkloadId)));
  // Another workload may not take this one's identifier, nor one of another trust domain.
  EXPECT_EQ(Reason(Owner({"register", "--file", billing})), "REQUEST_INVALID");
  ASSERT_OK(WriteFileAtomic(billing,
                            "version: 1\nkind: workload\nname: billing\n"
                            "identifier: \"spiffe://elsewhere.test/billing\"\n"
                            "credentials:\n  formats: [x509-svid]\nreleases: []\n"));
  const testing::CommandResult foreign = Owner({"register", "--file", billing});
  EXPECT_EQ(Reason(foreign), "REQUEST_INVALID");
  EXPECT_THAT(foreign.err, HasSubstr("outside trust domain"));
  EXPECT_FALSE(std::filesystem::exists(dir() + "/policies/workloads/billing.yaml"));
}

// The refusals below need requests the agent never sends: this test acts as the workload.
class KeyReleaseRefusalsTest : public MechanismsCdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MechanismsCdTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(SetPolicyAndProvision({"--max-ear-age", "60"}));
    // The sample TEE reports the measurement of the process that attests: here this test, not
    // twi, so the owner endorses it for both images as releases "t1" and "t2".
    ASSERT_OK_AND_ASSIGN(const Bytes self, agent::MeasureSelf());
    agent_ = "sha256:" + HexEncode(self);
    for (const auto& [release, image] : {std::pair{"t1", kImageV1}, std::pair{"t2", kImageV2}}) {
      const testing::CommandResult added =
          Owner({"add-release", "--workload", "orders", "--release", release, "--measurement",
                 std::string("image=") + image, "--agent", agent_, "--min-svn", "2"});
      ASSERT_TRUE(added.ok()) << added.out << added.err;
    }
    ASSERT_OK_AND_ASSIGN(server_ca_, ReadFile(dir() + "/pki/internal-ca.pem"));
    ASSERT_OK_AND_ASSIGN(endpoint_, net::ParseHttpsUrl(server_.public_url()));
  }

  std::unique_ptr<net::HttpsClient> Connect() const {
    net::TlsClientConfig tls;
    tls.ca_pem = server_ca_;
    return std::make_unique<net::HttpsClient>(endpoint_.host, endpoint_.port, std::move(tls));
  }

  // An EAR from the server's Verifier for `key`, bound with `purpose`.
  absl::StatusOr<std::string> EarFor(const agent::CredentialKey& key, const std::string& image,
                                     evidence::BindingPurpose purpose) const {
    agent::SampleTeeOptions tee;
    TWI_ASSIGN_OR_RETURN(tee.platform_key,
                         deployment::OpenDeploymentRoleSigner(deployment::Layout(dir()),
                                                              deployment::kSamplePlatform));
    TWI_ASSIGN_OR_RETURN(tee.image_digest, agent::DigestFromSpec(image));
    tee.svn = 2;
    TWI_ASSIGN_OR_RETURN(auto attester, agent::NewSampleTeeAttester(std::move(tee)));
    agent::HttpsVerifierTransport verifier(Connect());
    TWI_ASSIGN_OR_RETURN(const verifier::Challenge challenge, verifier.NewChallenge());
    TWI_ASSIGN_OR_RETURN(const Bytes exporter, verifier.TlsExporter());
    TWI_ASSIGN_OR_RETURN(const verifier::AttestationRequest request,
                         agent::BuildAttestationRequest(*attester, key, challenge.nonce, exporter,
                                                        false, {}, purpose));
    TWI_ASSIGN_OR_RETURN(const verifier::AttestationResponse response, verifier.Attest(request));
    return response.ear;
  }

  absl::StatusOr<keyrelease::ReleaseResponse> Release(const std::string& ear,
                                                      const agent::CredentialKey& key) const {
    agent::HttpsKeyStoreTransport key_store(Connect());
    return key_store.Release({.ear = ear, .key = key.jwk.ToJson()});
  }

  std::string agent_;  // this test's own agent measurement
  std::string server_ca_;
  net::Endpoint endpoint_;
};

TEST_F(KeyReleaseRefusalsTest, TheKeyGoesOnlyToTheKeyTheEvidenceBound) {
  ASSERT_OK_AND_ASSIGN(const agent::CredentialKey mine, agent::NewCredentialKey());
  ASSERT_OK_AND_ASSIGN(const agent::CredentialKey other,
                       agent::NewCredentialKey(crypto::KeyType::kEcP384));
  ASSERT_OK_AND_ASSIGN(const std::string ear,
                       EarFor(mine, kImageV1, evidence::BindingPurpose::kEncryptionKey));
  // The EAR presented with another key as the JWE recipient.
  EXPECT_THAT(Release(ear, other), HasReason(Reason::kKeyMismatch));
  // An EAR for a credential key (mechanism B's) is not one for key release.
  ASSERT_OK_AND_ASSIGN(const std::string b_ear,
                       EarFor(other, kImageV1, evidence::BindingPurpose::kCredentialKey));
  EXPECT_THAT(Release(b_ear, other), HasReason(Reason::kKeyMismatch));
  // The right pair works, and only its key opens the JWE.
  ASSERT_OK_AND_ASSIGN(const keyrelease::ReleaseResponse released, Release(ear, mine));
  EXPECT_EQ(released.identifier, kWorkloadId);
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey key,
                       keyrelease::OpenReleasedKey(released.jwe, mine.private_key));
  EXPECT_THAT(keyrelease::OpenReleasedKey(released.jwe, other.private_key),
              HasReason(Reason::kKeyInvalid));
  // An independent JWE implementation reads the release too: python3-jwcrypto decrypts it with
  // the encryption key, and the payload it finds unwraps to the same credential key.
  if (access("/usr/bin/python3", X_OK) == 0 &&
      testing::RunCommand({"/usr/bin/python3", "-c", "import jwcrypto"}).ok()) {
    const std::string jwe_dir = out("jwcrypto");
    ASSERT_OK(MakeDirs(jwe_dir, 0700));
    ASSERT_OK(WriteFileAtomic(jwe_dir + "/released.jwe", released.jwe));
    ASSERT_OK(WriteFileAtomic(jwe_dir + "/released.key.pem",
                              mine.private_key.ToPkcs8Pem().as_string(), 0600));
    const testing::CommandResult decrypted = testing::RunCommand(
        {"/usr/bin/python3", testing::SourceDir() + "/libs/jose/testdata/jwcrypto_jwe.py",
         "decrypt", jwe_dir});
    ASSERT_TRUE(decrypted.ok()) << decrypted.err;
    ASSERT_OK_AND_ASSIGN(const Json result, ParseJsonObject(decrypted.out));
    EXPECT_EQ(result["released"]["header"]["alg"], "ECDH-ES+A256KW");
    EXPECT_EQ(result["released"]["header"]["cty"], keyrelease::kWrappedKeyContentType);
    ASSERT_OK_AND_ASSIGN(const Bytes plaintext,
                         HexDecode(result["released"]["plaintext_hex"].get<std::string>()));
    ASSERT_OK_AND_ASSIGN(const Json payload, ParseJsonObject(AsString(plaintext)));
    ASSERT_OK_AND_ASSIGN(const jose::Jwk epk, jose::Jwk::FromJson(payload["epk"]));
    ASSERT_OK_AND_ASSIGN(const Bytes wrapped,
                         Base64UrlDecode(payload["wrapped"].get<std::string>()));
    ASSERT_OK_AND_ASSIGN(
        const crypto::PrivateKey unwrapped,
        keystore::UnwrapKey({.ephemeral = epk.key(), .encrypted_kek = {}, .wrapped = wrapped},
                            mine.private_key));
    EXPECT_TRUE(unwrapped.public_key().Equals(key.public_key()));
  }
  // P-384 encryption keys work as well.
  ASSERT_OK_AND_ASSIGN(const std::string p384_ear,
                       EarFor(other, kImageV2, evidence::BindingPurpose::kEncryptionKey));
  ASSERT_OK_AND_ASSIGN(const keyrelease::ReleaseResponse p384, Release(p384_ear, other));
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey same,
                       keyrelease::OpenReleasedKey(p384.jwe, other.private_key));
  EXPECT_TRUE(same.public_key().Equals(key.public_key()));
}

// An RSA encryption key gets an RSA-OAEP-256 JWE, and inside it the key wrapped by the token.
TEST_F(KeyReleaseRefusalsTest, RsaEncryptionKeysGetAnRsaOaep256Release) {
  ASSERT_OK_AND_ASSIGN(const agent::CredentialKey rsa,
                       agent::NewEncryptionKey(crypto::KeyType::kRsa));
  ASSERT_OK_AND_ASSIGN(const std::string ear,
                       EarFor(rsa, kImageV1, evidence::BindingPurpose::kEncryptionKey));
  ASSERT_OK_AND_ASSIGN(const keyrelease::ReleaseResponse released, Release(ear, rsa));
  ASSERT_OK_AND_ASSIGN(const jose::JweDecrypted jwe,
                       jose::JweDecrypt(released.jwe, rsa.private_key));
  EXPECT_EQ(jwe.protected_header["alg"], "RSA-OAEP-256");
  ASSERT_OK_AND_ASSIGN(const crypto::PrivateKey key,
                       keyrelease::OpenReleasedKey(released.jwe, rsa.private_key));
  ASSERT_OK_AND_ASSIGN(const std::string published,
                       ReadFile(dir() + "/data/provisioned/orders.json"));
  ASSERT_OK_AND_ASSIGN(const Json record, ParseJsonObject(published));
  ASSERT_OK_AND_ASSIGN(const auto chain,
                       x509::Certificate::ChainFromPem(
                           record["credentials"]["x509_svid"]["chain_pem"].get<std::string>()));
  EXPECT_TRUE(chain[0].public_key().Equals(key.public_key()));
}

TEST_F(KeyReleaseRefusalsTest, AnEarOlderThanThePolicyAllowsIsAReplay) {
  ASSERT_OK_AND_ASSIGN(const agent::CredentialKey key, agent::NewCredentialKey());
  ASSERT_OK_AND_ASSIGN(const std::string fresh,
                       EarFor(key, kImageV1, evidence::BindingPurpose::kEncryptionKey));
  // The same result re-signed by the Verifier's key as if appraised ten minutes ago (still
  // unexpired): what a replay of a captured EAR looks like once the policy's 60 s have passed.
  ASSERT_OK_AND_ASSIGN(const std::string jwks, ReadFile(dir() + "/pki/verifier-ear.jwks"));
  ASSERT_OK_AND_ASSIGN(const jose::Jwks keys, jose::Jwks::Parse(jwks));
  ASSERT_OK_AND_ASSIGN(ear::Ear result, ear::Verify(fresh, keys, absl::Now()));
  result.issued_at = absl::Now() - absl::Minutes(10);
  result.expires_at = absl::Now() + absl::Minutes(5);
  ASSERT_OK_AND_ASSIGN(auto signer, deployment::OpenDeploymentRoleSigner(deployment::Layout(dir()),
                                                                         deployment::kVerifierEar));
  ASSERT_OK_AND_ASSIGN(const std::string old,
                       ear::Sign(result, *signer, keys.keys()[0].kid().value_or("")));
  EXPECT_THAT(Release(old, key), HasReason(Reason::kEarTooOld));
  EXPECT_OK(Release(fresh, key).status());
}

TEST_F(KeyReleaseRefusalsTest, AReleaseRevokedAfterAppraisalReleasesNothing) {
  ASSERT_OK_AND_ASSIGN(const agent::CredentialKey key, agent::NewCredentialKey());
  ASSERT_OK_AND_ASSIGN(const std::string ear,
                       EarFor(key, kImageV2, evidence::BindingPurpose::kEncryptionKey));
  const testing::CommandResult revoked =
      Owner({"revoke-release", "--workload", "orders", "--release", "t2"});
  ASSERT_TRUE(revoked.ok()) << revoked.err;
  EXPECT_THAT(Release(ear, key), HasReason(Reason::kReleaseRevoked));
}

TEST_F(KeyReleaseRefusalsTest, AnotherWorkloadsEarNeverOpensThisWorkloadsKey) {
  const std::string billing = out("billing.yaml");
  ASSERT_OK(WriteFileAtomic(
      billing, absl::StrFormat("version: 1\nkind: workload\nname: billing\nidentifier: "
                               "\"spiffe://%s/workload/billing\"\ncredentials:\n  formats: "
                               "[x509-svid]\nreleases:\n  - name: \"1\"\n    tee: sample\n"
                               "    measurements:\n      image: [%s]\n    agents: [%s]\n",
                               kTrustDomain, kImageUnknown, agent_)));
  const testing::CommandResult registered = Owner({"register", "--file", billing});
  ASSERT_TRUE(registered.ok()) << registered.out << registered.err;
  ASSERT_TRUE(Owner({"set-release-policy", "--workload", "billing"}).ok());
  ASSERT_OK_AND_ASSIGN(const agent::CredentialKey key, agent::NewCredentialKey());
  ASSERT_OK_AND_ASSIGN(const std::string ear,
                       EarFor(key, kImageUnknown, evidence::BindingPurpose::kEncryptionKey));
  // Billing's EAR names billing: its (unprovisioned) key, never the orders key.
  EXPECT_THAT(Release(ear, key), HasReason(Reason::kKeyNotProvisioned));
}

}  // namespace
}  // namespace twi::e2e
