#include "libs/deployment/init.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/crypto/keys.h"
#include "libs/deployment/config.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/deployment/service_tls.h"
#include "libs/jose/jwk.h"
#include "libs/policy/appraisal_policy.h"
#include "libs/policy/issuance_policy.h"
#include "libs/tlog/note.h"
#include "libs/x509/certificate.h"
#include "libs/x509/verify.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::deployment {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::twi::testing::HasReason;

// 2026-01-01T00:00:00Z: a fixed `now` keeps certificate validity deterministic.
const absl::Time kNow = absl::FromUnixSeconds(1767225600);

constexpr const char* kAllKeys[] = {kTrustDomainRoot, kIssuingCa,         kWitSigning,
                                    kVerifierEar,     kInternalCa,        kSamplePlatform,
                                    kTransparencyLog, kProvenanceSigning, kTpmAkCa};
constexpr const char* kCertificates[] = {kTrustDomainRoot, kIssuingCa, kInternalCa, kTpmAkCa};

InitOptions Options(const std::string& dir) {
  InitOptions options;
  options.dir = dir;
  options.trust_domain = "example.org";
  options.profile = Profile::kDevelopment;
  options.allow_insecure_sample_tee = true;
  options.now = kNow;
  return options;
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

// Path relative to `dir` -> contents (directories map to "<dir>" plus their mode).
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string relative = std::filesystem::relative(entry.path(), dir).string();
    if (entry.is_directory()) {
      files[relative] = "<dir " + std::to_string(Mode(entry.path().string())) + ">";
    } else {
      absl::StatusOr<std::string> content = ReadFile(entry.path().string());
      files[relative] = content.ok() ? *content : "<unreadable>";
      files[relative] += " mode " + std::to_string(Mode(entry.path().string()));
    }
  }
  return files;
}

absl::StatusOr<x509::Certificate> LoadCert(const Layout& layout, std::string_view name) {
  TWI_ASSIGN_OR_RETURN(std::string pem, ReadFile(layout.cert(name)));
  return x509::Certificate::FromPem(pem);
}

// The public half of role key `name`, from the deployment's Key Store.
absl::StatusOr<crypto::PublicKey> RoleKey(const Layout& layout, std::string_view name) {
  TWI_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> signer,
                       OpenDeploymentRoleSigner(layout, name));
  return signer->public_key();
}

bool LooksLikePrivateKey(const std::string& content) {
  return content.find("PRIVATE KEY") != std::string::npos ||
         crypto::PrivateKey::FromPkcs8Der(AsBytes(content)).ok();
}

class InitDeploymentTest : public ::testing::Test {
 protected:
  std::string Dir() const { return temp_.path() + "/deployment"; }
  Layout layout() const { return Layout(Dir()); }

  twi::testing::TempDir temp_;
};

TEST_F(InitDeploymentTest, CreatesTheLayout) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  const Layout l = layout();
  EXPECT_TRUE(Exists(l.config()));
  EXPECT_TRUE(Exists(l.policies() + "/appraisal.yaml"));
  EXPECT_TRUE(Exists(l.policies() + "/issuance.yaml"));
  EXPECT_TRUE(std::filesystem::is_directory(l.workloads()));
  EXPECT_TRUE(std::filesystem::is_directory(l.run()));
  EXPECT_TRUE(Exists(l.softhsm_conf()));
  for (const char* name : kAllKeys) EXPECT_OK(RoleKey(l, name)) << name;
  for (const char* name : kCertificates) EXPECT_TRUE(Exists(l.cert(name))) << name;
  EXPECT_TRUE(Exists(l.public_key(kWitSigning)));
  EXPECT_TRUE(Exists(l.verifier_jwks()));
  EXPECT_TRUE(Exists(l.public_key(kProvenanceSigning)));
}

TEST_F(InitDeploymentTest, PublishesTheLogVerifierKeyOfTheTokensEd25519Key) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  const Layout l = layout();
  ASSERT_OK_AND_ASSIGN(const std::string vkey, ReadFile(l.log_vkey()));
  ASSERT_OK_AND_ASSIGN(
      const tlog::NoteVerifier verifier,
      tlog::NoteVerifier::FromVerifierKey(std::string(absl::StripTrailingAsciiWhitespace(vkey))));
  EXPECT_EQ(verifier.name(), "example.org/twi/log");
  ASSERT_OK_AND_ASSIGN(crypto::PublicKey key, RoleKey(l, kTransparencyLog));
  EXPECT_EQ(key.type(), crypto::KeyType::kEd25519);
  EXPECT_TRUE(verifier.public_key().Equals(key));
}

TEST_F(InitDeploymentTest, SecretsArePrivateAndNoPrivateKeyIsAFile) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  const Layout l = layout();
  EXPECT_EQ(Mode(l.keys()), 0700u);
  EXPECT_EQ(Mode(l.data()), 0700u);
  EXPECT_EQ(Mode(l.key_store()), 0700u);
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(l.keys())) {
    EXPECT_TRUE(entry.is_regular_file()) << entry.path();
    EXPECT_EQ(Mode(entry.path().string()), 0600u) << entry.path();
    names.push_back(entry.path().filename().string());
  }
  // The token's PINs and the challenge secret; no temp files left behind.
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("key-store.pin", "key-store-so.pin",
                                                     "verifier-challenge.secret"));
  // Outside the token's own (encrypted) object files, nothing anywhere is a private key.
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(l.dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    ASSERT_OK_AND_ASSIGN(std::string content, ReadFile(entry.path().string()));
    EXPECT_FALSE(LooksLikePrivateKey(content)) << entry.path();
  }
  EXPECT_GT(files, 10u);
}

TEST_F(InitDeploymentTest, RoleKeysAreSensitiveAndNeverExtractable) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config, ReadConfigFile(layout()));
  ASSERT_OK_AND_ASSIGN(auto store, OpenKeyStore(layout(), config.key_store));
  for (const char* name : kAllKeys) {
    ASSERT_OK_AND_ASSIGN(keystore::Pkcs11KeyProtection protection,
                         store->Protection(RoleKeyUri(config.key_store, name)));
    EXPECT_TRUE(protection.token) << name;
    EXPECT_TRUE(protection.sensitive) << name;
    EXPECT_FALSE(protection.extractable) << name;
    EXPECT_TRUE(protection.always_sensitive) << name;
    EXPECT_TRUE(protection.never_extractable) << name;
  }
}

TEST_F(InitDeploymentTest, KeysMatchTheirCertificates) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  const Layout l = layout();
  for (const char* name : kCertificates) {
    ASSERT_OK_AND_ASSIGN(crypto::PublicKey key, RoleKey(l, name));
    ASSERT_OK_AND_ASSIGN(x509::Certificate cert, LoadCert(l, name));
    EXPECT_TRUE(cert.public_key().Equals(key)) << name;
  }
  for (const char* name : {kWitSigning, kSamplePlatform}) {
    ASSERT_OK_AND_ASSIGN(crypto::PublicKey key, RoleKey(l, name));
    ASSERT_OK_AND_ASSIGN(std::string pem, ReadFile(l.public_key(name)));
    ASSERT_OK_AND_ASSIGN(crypto::PublicKey published, crypto::PublicKey::FromPem(pem));
    EXPECT_TRUE(published.Equals(key)) << name;
  }
}

TEST_F(InitDeploymentTest, WrittenConfigParsesAndValidates) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  ASSERT_OK_AND_ASSIGN(std::string yaml, ReadFile(layout().config()));
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config, ParseConfig(yaml));
  EXPECT_OK(Validate(config));
  EXPECT_EQ(config.profile, Profile::kDevelopment);
  EXPECT_EQ(config.trust_domain, "example.org");
  EXPECT_TRUE(config.allow_insecure_sample_tee);
  EXPECT_EQ(config.public_address, DeploymentConfig().public_address);
  EXPECT_EQ(config.internal_address, DeploymentConfig().internal_address);
  EXPECT_EQ(config.key_store.pkcs11_module, keystore::DefaultSoftHsmModule());
  EXPECT_THAT(config.key_store.token, ::testing::MatchesRegex("twi-[0-9a-f]{8}"));
  EXPECT_EQ(config.key_store.pin_file, "keys/key-store.pin");
  EXPECT_EQ(config.key_store.softhsm2_conf, "keystore/softhsm2.conf");
}

TEST_F(InitDeploymentTest, PoliciesParseAndTrustTheVerifierKey) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  const Layout l = layout();
  ASSERT_OK_AND_ASSIGN(std::string appraisal, ReadFile(l.policies() + "/appraisal.yaml"));
  EXPECT_OK(policy::ParseAppraisalPolicy(appraisal));

  ASSERT_OK_AND_ASSIGN(std::string issuance_yaml, ReadFile(l.policies() + "/issuance.yaml"));
  ASSERT_OK_AND_ASSIGN(policy::IssuancePolicy issuance, policy::ParseIssuancePolicy(issuance_yaml));
  ASSERT_EQ(issuance.trusted_verifiers.size(), 1u);

  ASSERT_OK_AND_ASSIGN(std::string jwks_text, ReadFile(l.verifier_jwks()));
  ASSERT_OK_AND_ASSIGN(jose::Jwks jwks, jose::Jwks::Parse(jwks_text));
  ASSERT_EQ(jwks.keys().size(), 1u);
  const jose::Jwk& ear_jwk = jwks.keys()[0];
  EXPECT_EQ(issuance.trusted_verifiers[0].jwk_thumbprint, ear_jwk.Thumbprint());
  EXPECT_EQ(ear_jwk.kid(), ear_jwk.Thumbprint());

  // The published key is the one the Verifier signs with.
  ASSERT_OK_AND_ASSIGN(crypto::PublicKey ear_key, RoleKey(l, kVerifierEar));
  EXPECT_TRUE(ear_jwk.key().Equals(ear_key));
  EXPECT_EQ(jose::Jwk::FromPublicKey(ear_key).Thumbprint(),
            issuance.trusted_verifiers[0].jwk_thumbprint);
}

TEST_F(InitDeploymentTest, IssuingCaChainsToTheRoot) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  const Layout l = layout();
  ASSERT_OK_AND_ASSIGN(x509::Certificate root, LoadCert(l, kTrustDomainRoot));
  ASSERT_OK_AND_ASSIGN(x509::Certificate issuing, LoadCert(l, kIssuingCa));
  EXPECT_TRUE(root.IsCa());
  EXPECT_TRUE(issuing.IsCa());
  EXPECT_THAT(root.UriSans(), Contains("spiffe://example.org"));
  ASSERT_OK_AND_ASSIGN(std::vector<x509::Certificate> path,
                       x509::VerifyChain(issuing, {}, {root}, kNow));
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path.back().Subject(), root.Subject());
  EXPECT_EQ(issuing.not_after(), kNow + Options(Dir()).issuing_validity);
  EXPECT_EQ(root.not_after(), kNow + Options(Dir()).root_validity);
}

TEST_F(InitDeploymentTest, InternalCaCertifiesServiceIdentitiesAtRunTime) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  const Layout l = layout();
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config, ReadConfigFile(l));
  ASSERT_OK_AND_ASSIGN(auto store, OpenKeyStore(l, config.key_store));
  ASSERT_OK_AND_ASSIGN(x509::Certificate internal, LoadCert(l, kInternalCa));
  ASSERT_OK_AND_ASSIGN(x509::Certificate root, LoadCert(l, kTrustDomainRoot));
  ServiceTlsRequest request;
  request.service = "server";
  request.server = true;
  request.now = kNow;
  std::string ca_pem;
  ASSERT_OK_AND_ASSIGN(ServiceTlsIdentity identity,
                       IssueDeploymentServiceTls(request, l, config, *store, &ca_pem));
  EXPECT_EQ(ca_pem, internal.ToPem());
  ASSERT_OK_AND_ASSIGN(x509::Certificate server, x509::Certificate::FromPem(identity.chain_pem));
  ASSERT_OK_AND_ASSIGN(crypto::PrivateKey key,
                       crypto::PrivateKey::FromPem(identity.key_pem.as_string()));
  EXPECT_TRUE(server.public_key().Equals(key.public_key()));
  EXPECT_THAT(server.IpSans(), Contains("127.0.0.1"));
  EXPECT_THAT(server.DnsSans(), Contains("localhost"));
  EXPECT_THAT(server.UriSans(), Contains("spiffe://example.org/twi/server"));
  EXPECT_TRUE(server.HasServerAuth());
  EXPECT_FALSE(server.IsCa());
  EXPECT_EQ(server.not_after(), kNow + kServiceCertValidity);
  EXPECT_OK(x509::VerifyChain(server, {}, {internal}, kNow));
  // Never certified by the trust domain's PKI.
  EXPECT_THAT(x509::VerifyChain(server, {}, {root}, kNow), HasReason(Reason::kChainInvalid));

  request.service = "verifier";
  request.server = false;
  request.validity = absl::Hours(24 * 365 * 50);  // capped at the internal CA's own lifetime
  ASSERT_OK_AND_ASSIGN(ServiceTlsIdentity client_identity,
                       IssueDeploymentServiceTls(request, l, config, *store));
  ASSERT_OK_AND_ASSIGN(x509::Certificate client,
                       x509::Certificate::FromPem(client_identity.chain_pem));
  EXPECT_TRUE(client.HasClientAuth());
  EXPECT_TRUE(client.DnsSans().empty());
  EXPECT_THAT(client.UriSans(), Contains("spiffe://example.org/twi/verifier"));
  EXPECT_EQ(client.not_after(), internal.not_after());
  EXPECT_OK(x509::VerifyChain(client, {}, {internal}, kNow));

  for (const char* bad : {"", "Server", "a b", "/lead", "trail/", "x.y"}) {
    request.service = bad;
    EXPECT_THAT(IssueDeploymentServiceTls(request, l, config, *store),
                HasReason(Reason::kInvalidArgument))
        << bad;
  }
}

TEST_F(InitDeploymentTest, SecondInitIsRefusedAndChangesNothing) {
  ASSERT_OK(InitDeployment(Options(Dir())));
  const std::map<std::string, std::string> before = Snapshot(Dir());
  InitOptions again = Options(Dir());
  again.now = kNow + absl::Hours(1);
  const absl::Status status = InitDeployment(again);
  EXPECT_THAT(status, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(status.message(), HasSubstr("already"));
  EXPECT_EQ(Snapshot(Dir()), before);
}

TEST_F(InitDeploymentTest, ProductionRefusesSampleTeeAndWritesNothing) {
  InitOptions options = Options(Dir());
  options.profile = Profile::kProduction;
  options.allow_insecure_sample_tee = true;
  const absl::Status status = InitDeployment(options);
  EXPECT_THAT(status, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(status.message(), HasSubstr("allow_insecure_sample_tee"));
  EXPECT_FALSE(Exists(Dir()));
  EXPECT_TRUE(std::filesystem::is_empty(temp_.path()));
}

TEST_F(InitDeploymentTest, BadTrustDomainIsConfigInvalidAndWritesNothing) {
  InitOptions options = Options(Dir());
  options.trust_domain = "Not A Domain";
  EXPECT_THAT(InitDeployment(options), HasReason(Reason::kConfigInvalid));
  EXPECT_FALSE(Exists(Dir()));
}

TEST_F(InitDeploymentTest, SamplePlatformKeyOnlyWhenAllowed) {
  {
    InitOptions options = Options(Dir());
    options.profile = Profile::kProduction;
    options.allow_insecure_sample_tee = false;
    ASSERT_OK(InitDeployment(options));
    EXPECT_THAT(RoleKey(layout(), kSamplePlatform), HasReason(Reason::kKeyStoreKeyNotFound));
    EXPECT_FALSE(Exists(layout().public_key(kSamplePlatform)));
    ASSERT_OK_AND_ASSIGN(std::string yaml, ReadFile(layout().config()));
    ASSERT_OK_AND_ASSIGN(DeploymentConfig config, ParseConfig(yaml));
    EXPECT_EQ(config.profile, Profile::kProduction);
    EXPECT_FALSE(config.allow_insecure_sample_tee);
    EXPECT_OK(Validate(config));
  }
  {
    const Layout dev(temp_.path() + "/dev");
    InitOptions options = Options(dev.dir());
    ASSERT_OK(InitDeployment(options));
    ASSERT_OK_AND_ASSIGN(crypto::PublicKey key, RoleKey(dev, kSamplePlatform));
    ASSERT_OK_AND_ASSIGN(std::string pub_pem, ReadFile(dev.public_key(kSamplePlatform)));
    ASSERT_OK_AND_ASSIGN(crypto::PublicKey pub, crypto::PublicKey::FromPem(pub_pem));
    EXPECT_TRUE(pub.Equals(key));
  }
}

TEST_F(InitDeploymentTest, EachDeploymentHasItsOwnKeys) {
  const Layout a(temp_.path() + "/a");
  const Layout b(temp_.path() + "/b");
  ASSERT_OK(InitDeployment(Options(a.dir())));
  ASSERT_OK(InitDeployment(Options(b.dir())));
  ASSERT_OK_AND_ASSIGN(crypto::PublicKey key_a, RoleKey(a, kTrustDomainRoot));
  ASSERT_OK_AND_ASSIGN(crypto::PublicKey key_b, RoleKey(b, kTrustDomainRoot));
  EXPECT_FALSE(key_a.Equals(key_b));
  // Each has its own token, under its own label: one cannot open the other's keys.
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config_a, ReadConfigFile(a));
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config_b, ReadConfigFile(b));
  EXPECT_NE(config_a.key_store.token, config_b.key_store.token);
}

}  // namespace
}  // namespace twi::deployment
