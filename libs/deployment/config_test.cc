#include "libs/deployment/config.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::deployment {
namespace {

using ::testing::HasSubstr;
using ::twi::testing::HasReason;

constexpr char kMinimal[] = R"(version: 1
profile: development
trust_domain: example.org
key_store:
  pkcs11_module: /usr/lib/softhsm/libsofthsm2.so
  token: twi-0123abcd
  pin_file: keys/key-store.pin
)";

constexpr char kFull[] = R"(version: 1
profile: production
trust_domain: prod.example.org
allow_insecure_sample_tee: false
listen:
  public: "0.0.0.0:443"
  internal: "[::1]:9444"
server_threads: 8
nonce_ttl: 90s
ca_url: "https://ca.example.org:8444"
sqlite:
  synchronous: full
x509_svid_backdate: 1m
key_store:
  pkcs11_module: /opt/hsm/lib/libcryptoki.so
  token: prod-ca
  pin_file: /run/secrets/hsm-pin
  softhsm2_conf: ""
)";

void ExpectSameConfig(const DeploymentConfig& a, const DeploymentConfig& b) {
  EXPECT_EQ(a.profile, b.profile);
  EXPECT_EQ(a.trust_domain, b.trust_domain);
  EXPECT_EQ(a.allow_insecure_sample_tee, b.allow_insecure_sample_tee);
  EXPECT_EQ(a.insecure_without_provenance, b.insecure_without_provenance);
  EXPECT_EQ(a.public_address, b.public_address);
  EXPECT_EQ(a.internal_address, b.internal_address);
  EXPECT_EQ(a.server_threads, b.server_threads);
  EXPECT_EQ(a.nonce_ttl, b.nonce_ttl);
  EXPECT_EQ(a.ca_url, b.ca_url);
  EXPECT_EQ(a.sqlite_synchronous, b.sqlite_synchronous);
  EXPECT_EQ(a.x509_svid_backdate, b.x509_svid_backdate);
  EXPECT_EQ(a.key_store.pkcs11_module, b.key_store.pkcs11_module);
  EXPECT_EQ(a.key_store.token, b.key_store.token);
  EXPECT_EQ(a.key_store.pin_file, b.key_store.pin_file);
  EXPECT_EQ(a.key_store.softhsm2_conf, b.key_store.softhsm2_conf);
  EXPECT_EQ(a.provenance_auditors, b.provenance_auditors);
}

KeyStoreConfig MinimalKeyStore() {
  KeyStoreConfig ks;
  ks.pkcs11_module = "/usr/lib/softhsm/libsofthsm2.so";
  ks.token = "twi-0123abcd";
  return ks;
}

// A config differing from the defaults in every field.
DeploymentConfig NonDefaultConfig() {
  DeploymentConfig config;
  config.profile = Profile::kDevelopment;
  config.trust_domain = "dev.example.org";
  config.allow_insecure_sample_tee = true;
  config.public_address = "[::1]:0";
  config.internal_address = "localhost:9000";
  config.server_threads = 5;
  config.nonce_ttl = absl::Seconds(90);
  config.ca_url = "https://[2001:db8::1]:8444";
  config.provenance_auditors = {"pki/auditors/alice.pem", "/etc/twi/audit team.pem"};
  config.sqlite_synchronous = "full";
  config.x509_svid_backdate = absl::ZeroDuration();
  config.key_store.pkcs11_module = "/usr/lib/x86_64-linux-gnu/pkcs11/module.so";
  config.key_store.token = "a token with spaces";
  config.key_store.pin_file = "/etc/twi/pin";
  config.key_store.softhsm2_conf = "keystore/softhsm2.conf";
  return config;
}

std::function<const char*(const char*)> FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(ProfileNameTest, Names) {
  EXPECT_EQ(ProfileName(Profile::kDevelopment), "development");
  EXPECT_EQ(ProfileName(Profile::kProduction), "production");
}

TEST(ParseConfigTest, MinimalConfigKeepsDefaults) {
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config, ParseConfig(kMinimal));
  EXPECT_EQ(config.profile, Profile::kDevelopment);
  EXPECT_EQ(config.trust_domain, "example.org");
  DeploymentConfig defaults;
  defaults.profile = Profile::kDevelopment;
  defaults.trust_domain = "example.org";
  defaults.key_store = MinimalKeyStore();
  ExpectSameConfig(config, defaults);
  EXPECT_EQ(config.public_address, "127.0.0.1:8443");
  EXPECT_EQ(config.nonce_ttl, absl::Minutes(2));
  EXPECT_EQ(config.x509_svid_backdate, absl::Seconds(10));
  EXPECT_OK(Validate(config));
}

TEST(ParseConfigTest, FullConfig) {
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config, ParseConfig(kFull));
  EXPECT_EQ(config.profile, Profile::kProduction);
  EXPECT_EQ(config.trust_domain, "prod.example.org");
  EXPECT_FALSE(config.allow_insecure_sample_tee);
  EXPECT_EQ(config.public_address, "0.0.0.0:443");
  EXPECT_EQ(config.internal_address, "[::1]:9444");
  EXPECT_EQ(config.server_threads, 8);
  EXPECT_EQ(config.nonce_ttl, absl::Seconds(90));
  EXPECT_EQ(config.ca_url, "https://ca.example.org:8444");
  EXPECT_EQ(config.sqlite_synchronous, "full");
  EXPECT_EQ(config.x509_svid_backdate, absl::Minutes(1));
  EXPECT_EQ(config.key_store.pkcs11_module, "/opt/hsm/lib/libcryptoki.so");
  EXPECT_EQ(config.key_store.token, "prod-ca");
  EXPECT_EQ(config.key_store.pin_file, "/run/secrets/hsm-pin");
  EXPECT_EQ(config.key_store.softhsm2_conf, "");
  EXPECT_OK(Validate(config));
}

TEST(ParseConfigTest, KeyStoreIsRequiredAndChecked) {
  const std::string head = "version: 1\nprofile: development\ntrust_domain: example.org\n";
  absl::StatusOr<DeploymentConfig> missing = ParseConfig(head);
  EXPECT_THAT(missing, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(missing.status().message(), HasSubstr("key_store"));
  const std::string module = "  pkcs11_module: /m.so\n";
  const std::string pin = "  pin_file: p\n";
  for (const auto& [body, expected] : std::vector<std::pair<std::string, std::string>>{
           {module + pin, "key_store.token"},
           {"  token: t\n" + pin, "key_store.pkcs11_module"},
           {module + "  token: t\n", "key_store.pin_file"},
           {module + pin + "  token: \"\"\n", "key_store.token"},
           {module + pin + "  token: " + std::string(33, 'x') + "\n", "key_store.token"},
           {module + pin + "  token: t\n  slot: 1\n", "key_store.slot: unknown key"},
           {"  pkcs11_module: \"\"\n  token: t\n" + pin, "key_store.pkcs11_module"},
       }) {
    absl::StatusOr<DeploymentConfig> config = ParseConfig(head + "key_store:\n" + body);
    EXPECT_THAT(config, HasReason(Reason::kConfigInvalid)) << body;
    EXPECT_THAT(config.status().message(), HasSubstr(expected)) << body;
  }
  DeploymentConfig config;
  config.trust_domain = "example.org";
  EXPECT_OK(Validate(config));
  config.key_store.token.clear();
  EXPECT_THAT(Validate(config), HasReason(Reason::kConfigInvalid));
}

TEST(ParseConfigTest, RequiredKeys) {
  EXPECT_THAT(ParseConfig("version: 1\nprofile: development\n"), HasReason(Reason::kConfigInvalid));
  absl::StatusOr<DeploymentConfig> no_profile = ParseConfig("version: 1\ntrust_domain: a.org\n");
  EXPECT_THAT(no_profile, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(no_profile.status().message(), HasSubstr("profile"));
  EXPECT_THAT(ParseConfig("profile: development\ntrust_domain: a.org\n"),
              HasReason(Reason::kConfigInvalid));
}

TEST(ParseConfigTest, RefusesOtherVersions) {
  absl::StatusOr<DeploymentConfig> config =
      ParseConfig("version: 2\nprofile: development\ntrust_domain: a.org\n");
  EXPECT_THAT(config, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(config.status().message(), HasSubstr("version"));
}

TEST(ParseConfigTest, RefusesUnknownTopLevelKey) {
  absl::StatusOr<DeploymentConfig> config = ParseConfig(std::string(kMinimal) + "nonce_tll: 2m\n");
  EXPECT_THAT(config, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(config.status().message(), HasSubstr("nonce_tll: unknown key"));
}

TEST(ParseConfigTest, RefusesUnknownNestedKey) {
  absl::StatusOr<DeploymentConfig> listen =
      ParseConfig(std::string(kMinimal) + "listen:\n  pubic: \"127.0.0.1:1\"\n");
  EXPECT_THAT(listen, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(listen.status().message(), HasSubstr("listen.pubic: unknown key"));

  absl::StatusOr<DeploymentConfig> sqlite =
      ParseConfig(std::string(kMinimal) + "sqlite:\n  journal: wal\n");
  EXPECT_THAT(sqlite, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(sqlite.status().message(), HasSubstr("sqlite.journal: unknown key"));
}

TEST(ParseConfigTest, RefusesWrongTypes) {
  struct Case {
    std::string extra;
    std::string path;
  };
  for (const Case& c : {
           Case{"server_threads: \"4\"\n", "server_threads"},
           Case{"server_threads: 1.5\n", "server_threads"},
           Case{"allow_insecure_sample_tee: yes\n", "allow_insecure_sample_tee"},
           Case{"allow_insecure_sample_tee: 1\n", "allow_insecure_sample_tee"},
           Case{"listen: \"127.0.0.1:8443\"\n", "listen"},
           Case{"listen:\n  public: 8443\n", "listen.public"},
           Case{"sqlite: full\n", "sqlite"},
           Case{"ca_url: [https://a]\n", "ca_url"},
           Case{"nonce_ttl: 120\n", "nonce_ttl"},
       }) {
    absl::StatusOr<DeploymentConfig> config = ParseConfig(std::string(kMinimal) + c.extra);
    EXPECT_THAT(config, HasReason(Reason::kConfigInvalid)) << c.extra;
    EXPECT_THAT(config.status().message(), HasSubstr(c.path)) << c.extra;
  }
  absl::StatusOr<DeploymentConfig> trust_domain =
      ParseConfig("version: 1\nprofile: development\ntrust_domain: 42\n");
  EXPECT_THAT(trust_domain, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(trust_domain.status().message(), HasSubstr("trust_domain"));
  EXPECT_THAT(ParseConfig("- a\n- b\n"), HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(ParseConfig("version: [1\n"), HasReason(Reason::kConfigInvalid));
}

TEST(ParseConfigTest, RefusesBadValues) {
  struct Case {
    std::string extra;
    std::string path;
  };
  for (const Case& c : {
           Case{"nonce_ttl: soon\n", "nonce_ttl"},
           Case{"nonce_ttl: 0s\n", "nonce_ttl"},
           Case{"nonce_ttl: -5s\n", "nonce_ttl"},
           Case{"nonce_ttl: 2h\n", "nonce_ttl"},
           Case{"nonce_ttl: inf\n", "nonce_ttl"},
           Case{"x509_svid_backdate: 10\n", "x509_svid_backdate"},
           Case{"x509_svid_backdate: -1s\n", "x509_svid_backdate"},
           Case{"x509_svid_backdate: ten seconds\n", "x509_svid_backdate"},
           Case{"server_threads: 0\n", "server_threads"},
           Case{"server_threads: 65\n", "server_threads"},
           Case{"sqlite:\n  synchronous: off\n", "sqlite.synchronous"},
       }) {
    absl::StatusOr<DeploymentConfig> config = ParseConfig(std::string(kMinimal) + c.extra);
    EXPECT_THAT(config, HasReason(Reason::kConfigInvalid)) << c.extra;
    EXPECT_THAT(config.status().message(), HasSubstr(c.path)) << c.extra;
  }
  absl::StatusOr<DeploymentConfig> profile =
      ParseConfig("version: 1\nprofile: staging\ntrust_domain: a.org\n");
  EXPECT_THAT(profile, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(profile.status().message(), HasSubstr("profile"));
}

TEST(ParseConfigTest, ZeroBackdateIsAllowed) {
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config,
                       ParseConfig(std::string(kMinimal) + "x509_svid_backdate: 0s\n"));
  EXPECT_EQ(config.x509_svid_backdate, absl::ZeroDuration());
}

TEST(ParseConfigTest, ProvenanceAuditors) {
  const std::string base = RenderConfig(NonDefaultConfig());
  const std::string head = base.substr(0, base.find("provenance:\n"));
  ASSERT_OK_AND_ASSIGN(DeploymentConfig none, ParseConfig(head + "provenance:\n  auditors: []\n"));
  EXPECT_TRUE(none.provenance_auditors.empty());
  ASSERT_OK_AND_ASSIGN(DeploymentConfig omitted, ParseConfig(head));
  EXPECT_TRUE(omitted.provenance_auditors.empty());
  ASSERT_OK_AND_ASSIGN(DeploymentConfig two,
                       ParseConfig(head + "provenance:\n  auditors: [a.pem, b.pem]\n"));
  EXPECT_EQ(two.provenance_auditors, (std::vector<std::string>{"a.pem", "b.pem"}));
  std::string seventeen = "provenance:\n  auditors:\n";
  for (int i = 0; i < 17; ++i) seventeen += absl::StrCat("    - k", i, ".pem\n");
  for (const std::string& bad : {std::string("provenance:\n  auditors: a.pem\n"),
                                 std::string("provenance:\n  auditors: [1]\n"),
                                 std::string("provenance:\n  auditors: [\"\"]\n"),
                                 std::string("provenance:\n  readers: []\n"), seventeen}) {
    const absl::StatusOr<DeploymentConfig> parsed = ParseConfig(head + bad);
    EXPECT_THAT(parsed, HasReason(Reason::kConfigInvalid)) << bad;
    if (!parsed.ok()) {
      EXPECT_THAT(parsed.status().message(), HasSubstr("provenance")) << bad;
    }
  }
}

TEST(RenderConfigTest, RoundTripsDefaults) {
  DeploymentConfig config;
  config.trust_domain = "example.org";
  const std::string yaml = RenderConfig(config);
  ASSERT_OK_AND_ASSIGN(DeploymentConfig parsed, ParseConfig(yaml));
  ExpectSameConfig(parsed, config);
  EXPECT_THAT(yaml, HasSubstr("nonce_ttl: 2m\n"));
  EXPECT_THAT(yaml, HasSubstr("x509_svid_backdate: 10s\n"));
}

TEST(RenderConfigTest, RoundTripsEveryField) {
  const DeploymentConfig config = NonDefaultConfig();
  ASSERT_OK_AND_ASSIGN(DeploymentConfig parsed, ParseConfig(RenderConfig(config)));
  ExpectSameConfig(parsed, config);
  EXPECT_OK(Validate(parsed));
}

TEST(RenderConfigTest, DocumentsEveryKey) {
  const std::string yaml = RenderConfig(NonDefaultConfig());
  for (const char* key :
       {"version:", "profile:", "trust_domain:", "allow_insecure_sample_tee:", "listen:",
        "  public:", "  internal:", "server_threads:", "nonce_ttl:", "ca_url:", "sqlite:",
        "  synchronous:", "x509_svid_backdate:", "provenance:", "  auditors:"}) {
    const size_t at = yaml.find(std::string("\n") + key);
    ASSERT_NE(at, std::string::npos) << key;
    // The line before each key (or its mapping) is a comment, or the key's mapping header.
    const size_t previous = yaml.rfind('\n', at - 1);
    ASSERT_NE(previous, std::string::npos) << key;
    const std::string line = yaml.substr(previous + 1, at - previous - 1);
    EXPECT_TRUE(line.find('#') != std::string::npos || line.empty() || line.back() == ':')
        << key << " preceded by: " << line;
  }
}

TEST(ValidateTest, ProductionRefusesSampleTee) {
  ASSERT_OK_AND_ASSIGN(DeploymentConfig config,
                       ParseConfig("version: 1\nprofile: production\ntrust_domain: a.org\n"
                                   "allow_insecure_sample_tee: true\nkey_store:\n"
                                   "  pkcs11_module: /m.so\n  token: t\n  pin_file: p\n"));
  const absl::Status status = Validate(config);
  EXPECT_THAT(status, HasReason(Reason::kConfigInvalid));
  EXPECT_THAT(status.message(), HasSubstr("allow_insecure_sample_tee"));
  EXPECT_THAT(status.message(), HasSubstr("production"));
  config.profile = Profile::kDevelopment;
  EXPECT_OK(Validate(config));
}

TEST(ValidateTest, RefusesBadFields) {
  struct Case {
    std::function<void(DeploymentConfig&)> change;
    std::string path;
  };
  const std::vector<Case> cases = {
      {[](DeploymentConfig& c) { c.trust_domain = ""; }, "trust_domain"},
      {[](DeploymentConfig& c) { c.trust_domain = "Example.ORG"; }, "trust_domain"},
      {[](DeploymentConfig& c) { c.trust_domain = "spiffe://a.org"; }, "trust_domain"},
      {[](DeploymentConfig& c) { c.public_address = "127.0.0.1"; }, "listen.public"},
      {[](DeploymentConfig& c) { c.public_address = ":8443"; }, "listen.public"},
      {[](DeploymentConfig& c) { c.internal_address = "::1:8443"; }, "listen.internal"},
      {[](DeploymentConfig& c) { c.internal_address = "host:70000"; }, "listen.internal"},
      {[](DeploymentConfig& c) { c.server_threads = 0; }, "server_threads"},
      {[](DeploymentConfig& c) { c.server_threads = 65; }, "server_threads"},
      {[](DeploymentConfig& c) { c.nonce_ttl = absl::ZeroDuration(); }, "nonce_ttl"},
      {[](DeploymentConfig& c) { c.nonce_ttl = absl::InfiniteDuration(); }, "nonce_ttl"},
      {[](DeploymentConfig& c) { c.ca_url = "http://ca.example.org"; }, "ca_url"},
      {[](DeploymentConfig& c) { c.ca_url = "https://"; }, "ca_url"},
      {[](DeploymentConfig& c) { c.ca_url = "https://ca:0"; }, "ca_url"},
      {[](DeploymentConfig& c) { c.ca_url = "https://ca/v1"; }, "ca_url"},
      {[](DeploymentConfig& c) { c.ca_url = "https://user@ca"; }, "ca_url"},
      {[](DeploymentConfig& c) { c.sqlite_synchronous = "off"; }, "sqlite.synchronous"},
      {[](DeploymentConfig& c) { c.x509_svid_backdate = absl::Seconds(-1); }, "x509_svid_backdate"},
  };
  for (const Case& c : cases) {
    DeploymentConfig config;
    config.trust_domain = "example.org";
    ASSERT_OK(Validate(config));
    c.change(config);
    const absl::Status status = Validate(config);
    EXPECT_THAT(status, HasReason(Reason::kConfigInvalid)) << c.path;
    EXPECT_THAT(status.message(), HasSubstr(c.path)) << status;
  }
}

TEST(ValidateTest, AcceptsGoodCaUrls) {
  DeploymentConfig config;
  config.trust_domain = "example.org";
  for (const char* url : {"https://ca.example.org", "https://ca.example.org:8444/",
                          "HTTPS://10.0.0.1:443", "https://[::1]:8444"}) {
    config.ca_url = url;
    EXPECT_OK(Validate(config)) << url;
  }
}

TEST(ApplyEnvironmentTest, NoVariablesChangeNothing) {
  DeploymentConfig config = NonDefaultConfig();
  ASSERT_OK(ApplyEnvironment(config, FakeEnv({})));
  ExpectSameConfig(config, NonDefaultConfig());
}

TEST(ApplyEnvironmentTest, AppliesOverrides) {
  DeploymentConfig config;
  config.trust_domain = "example.org";
  ASSERT_OK(ApplyEnvironment(config, FakeEnv({{"TWI_LISTEN_PUBLIC", "0.0.0.0:443"},
                                              {"TWI_LISTEN_INTERNAL", "[::]:0"},
                                              {"TWI_CA_URL", "https://ca.internal:8444"},
                                              {"TWI_SERVER_THREADS", "16"}})));
  EXPECT_EQ(config.public_address, "0.0.0.0:443");
  EXPECT_EQ(config.internal_address, "[::]:0");
  EXPECT_EQ(config.ca_url, "https://ca.internal:8444");
  EXPECT_EQ(config.server_threads, 16);
  EXPECT_EQ(config.trust_domain, "example.org");
  EXPECT_OK(Validate(config));
}

TEST(ApplyEnvironmentTest, EmptyCaUrlSelectsTheInProcessCa) {
  DeploymentConfig config;
  config.ca_url = "https://ca.internal:8444";
  ASSERT_OK(ApplyEnvironment(config, FakeEnv({{"TWI_CA_URL", ""}})));
  EXPECT_EQ(config.ca_url, "");
}

TEST(ApplyEnvironmentTest, RefusesBadValuesAndChangesNothing) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"TWI_LISTEN_PUBLIC", "nohost"},
           {"TWI_LISTEN_PUBLIC", ""},
           {"TWI_LISTEN_INTERNAL", "127.0.0.1:99999"},
           {"TWI_CA_URL", "http://ca:8444"},
           {"TWI_SERVER_THREADS", "0"},
           {"TWI_SERVER_THREADS", "65"},
           {"TWI_SERVER_THREADS", "four"},
           {"TWI_SERVER_THREADS", "+4"},
           {"TWI_SERVER_THREADS", " 4"},
           {"TWI_SERVER_THREADS", ""},
           {"TWI_SERVER_THREADS", "99999999999999999999"},
           {"TWI_INSECURE_WITHOUT_PROVENANCE", "yes"},
           {"TWI_INSECURE_WITHOUT_PROVENANCE", ""},
       }) {
    // A good override next to the bad one must not be applied either.
    const std::pair<std::string, std::string> good =
        name == "TWI_SERVER_THREADS"
            ? std::pair<std::string, std::string>{"TWI_LISTEN_PUBLIC", "0.0.0.0:1"}
            : std::pair<std::string, std::string>{"TWI_SERVER_THREADS", "3"};
    DeploymentConfig config = NonDefaultConfig();
    const absl::Status status = ApplyEnvironment(config, FakeEnv({{name, value}, good}));
    EXPECT_THAT(status, HasReason(Reason::kConfigInvalid)) << name << "=" << value;
    EXPECT_THAT(status.message(), HasSubstr(name));
    ExpectSameConfig(config, NonDefaultConfig());
  }
}

TEST(ApplyEnvironmentTest, ProvenanceOffOnlyForASampleTeeDevelopmentDeployment) {
  DeploymentConfig config;
  config.trust_domain = "example.org";
  ASSERT_OK(ApplyEnvironment(config, FakeEnv({{"TWI_INSECURE_WITHOUT_PROVENANCE", "1"}})));
  EXPECT_TRUE(config.insecure_without_provenance);
  // The default profile is production: refused, as is development without the sample TEE.
  EXPECT_THAT(Validate(config), HasReason(Reason::kConfigInvalid));
  config.profile = Profile::kDevelopment;
  EXPECT_THAT(Validate(config), HasReason(Reason::kConfigInvalid));
  config.allow_insecure_sample_tee = true;
  EXPECT_OK(Validate(config));
  ASSERT_OK(ApplyEnvironment(config, FakeEnv({{"TWI_INSECURE_WITHOUT_PROVENANCE", "0"}})));
  EXPECT_FALSE(config.insecure_without_provenance);
}

TEST(ParseHostPortTest, HostAndPort) {
  ASSERT_OK_AND_ASSIGN(HostPort hp, ParseHostPort("127.0.0.1:8443"));
  EXPECT_EQ(hp.host, "127.0.0.1");
  EXPECT_EQ(hp.port, 8443);
  ASSERT_OK_AND_ASSIGN(HostPort name, ParseHostPort("verifier.example.org:65535"));
  EXPECT_EQ(name.host, "verifier.example.org");
  EXPECT_EQ(name.port, 65535);
}

TEST(ParseHostPortTest, Ipv6) {
  ASSERT_OK_AND_ASSIGN(HostPort loopback, ParseHostPort("[::1]:8443"));
  EXPECT_EQ(loopback.host, "::1");
  EXPECT_EQ(loopback.port, 8443);
  ASSERT_OK_AND_ASSIGN(HostPort full, ParseHostPort("[2001:db8::2]:1"));
  EXPECT_EQ(full.host, "2001:db8::2");
  EXPECT_EQ(full.port, 1);
}

TEST(ParseHostPortTest, PortZeroMeansEphemeral) {
  ASSERT_OK_AND_ASSIGN(HostPort hp, ParseHostPort("localhost:0"));
  EXPECT_EQ(hp.host, "localhost");
  EXPECT_EQ(hp.port, 0);
}

TEST(ParseHostPortTest, RefusesBadAddresses) {
  for (const char* address :
       {"",          "127.0.0.1", "127.0.0.1:", ":8443",     "host:65536",
        "host:-1",   "host:+80",  "host:80a",   "host:080",  "host:8443:1",
        "::1:8443",  "[::1]",     "[::1]8443",  "[::1:8443", "[]:80",
        "[host]:80", "ho st:80",  "host/x:80",  "[::1]:",    "https://host:80"}) {
    EXPECT_THAT(ParseHostPort(address), HasReason(Reason::kConfigInvalid)) << address;
  }
}

}  // namespace
}  // namespace twi::deployment
