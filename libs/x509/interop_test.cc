// Interoperability with the `openssl` command-line tool: what twi issues, OpenSSL accepts, and
// what OpenSSL makes, twi accepts. Skipped when the tool is not installed.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/x509/csr.h"
#include "libs/x509/svid.h"
#include "libs/x509/testing/test_pki.h"
#include "libs/x509/verify.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

extern char** environ;

namespace twi::x509 {
namespace {

using ::testing::HasSubstr;
using ::twi::x509::testing::kWorkloadId;
using ::twi::x509::testing::MakePki;
using ::twi::x509::testing::NewSigner;
using ::twi::x509::testing::Pki;
using ::twi::x509::testing::TestNow;

struct CommandResult {
  int exit_code = -1;  // -1: could not be started or did not exit normally
  std::string output;  // stdout and stderr interleaved
};

// Runs `openssl args...` with stdout and stderr captured in `output_file`.
CommandResult RunOpenssl(const std::vector<std::string>& args, const std::string& output_file) {
  std::vector<std::string> argv_storage = {"openssl"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "openssl", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CommandResult result;
  if (spawned != 0) return result;
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.output = ReadFile(output_file).value_or("");
  return result;
}

class OpensslInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RunOpenssl({"version"}, dir_.File("version.out")).exit_code != 0) {
      GTEST_SKIP() << "the openssl command-line tool is not installed";
    }
  }

  std::string Write(const std::string& name, std::string_view content) {
    const std::string path = dir_.File(name);
    EXPECT_OK(WriteFileAtomic(path, content));
    return path;
  }
  CommandResult Run(const std::vector<std::string>& args) {
    return RunOpenssl(args, dir_.File("command.out"));
  }
  std::string Read(const std::string& name) { return ReadFile(dir_.File(name)).value_or(""); }

  twi::testing::TempDir dir_;
};

TEST_F(OpensslInteropTest, OpensslVerifiesOurChain) {
  ASSERT_OK_AND_ASSIGN(Pki pki, MakePki(TestNow()));
  const std::string root = Write("root.pem", pki.root.certificate.ToPem());
  const std::string intermediate = Write("intermediate.pem", pki.intermediate.certificate.ToPem());
  const std::string leaf = Write("leaf.pem", pki.leaf.certificate.ToPem());
  const std::string at = std::to_string(absl::ToUnixSeconds(TestNow()));
  for (const bool strict : {false, true}) {
    std::vector<std::string> args = {"verify", "-attime",    at,          "-CAfile",
                                     root,     "-untrusted", intermediate};
    if (strict) args.push_back("-x509_strict");
    args.push_back(leaf);
    const CommandResult result = Run(args);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("leaf.pem: OK"));
  }
  // Sanity check that the tool does reject: without the intermediate there is no path.
  EXPECT_NE(Run({"verify", "-attime", at, "-CAfile", root, leaf}).exit_code, 0);
}

TEST_F(OpensslInteropTest, OpensslShowsTheSvidProfile) {
  ASSERT_OK_AND_ASSIGN(Pki pki, MakePki(TestNow()));
  const std::string leaf = Write("leaf.pem", pki.leaf.certificate.ToPem());
  const CommandResult result = Run({"x509", "-text", "-noout", "-in", leaf});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr(std::string("URI:") + kWorkloadId));
  EXPECT_THAT(result.output, HasSubstr("CA:FALSE"));
  EXPECT_THAT(result.output,
              HasSubstr("TLS Web Server Authentication, TLS Web Client Authentication"));
  EXPECT_THAT(result.output, HasSubstr("X509v3 Key Usage: critical"));
  EXPECT_THAT(result.output, HasSubstr("Digital Signature"));
  EXPECT_THAT(result.output, HasSubstr("Version: 3"));
}

TEST_F(OpensslInteropTest, OpensslAcceptsOurCsrs) {
  for (const crypto::KeyType type :
       {crypto::KeyType::kEcP256, crypto::KeyType::kEcP384, crypto::KeyType::kEd25519}) {
    ASSERT_OK_AND_ASSIGN(auto signer, NewSigner(type));
    ASSERT_OK_AND_ASSIGN(CertificateRequest csr, CreateCsr(*signer, "web", {kWorkloadId}));
    const std::string path = Write("our.csr", csr.ToPem());
    const CommandResult result = Run({"req", "-verify", "-noout", "-in", path});
    EXPECT_EQ(result.exit_code, 0) << crypto::KeyTypeName(type) << ": " << result.output;
    EXPECT_THAT(result.output, HasSubstr("verify OK"));
  }
}

TEST_F(OpensslInteropTest, WeAcceptOpensslCsrs) {
  const std::vector<std::vector<std::string>> key_options = {
      {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"},
      {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"},
      {"-newkey", "ed25519"},
  };
  for (const auto& options : key_options) {
    std::vector<std::string> args = {"req", "-new"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"-nodes", "-subj", "/CN=x", "-keyout", dir_.File("key.pem"), "-out",
                             dir_.File("their.csr")});
    const CommandResult result = Run(args);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    ASSERT_OK_AND_ASSIGN(CertificateRequest csr, CertificateRequest::FromPem(Read("their.csr")));
    EXPECT_OK(csr.VerifyProofOfPossession()) << options[1];
  }
}

TEST_F(OpensslInteropTest, WeVerifyAChainMadeByOpenssl) {
  const std::string config = Write("openssl.cnf", R"(
[req]
distinguished_name = dn
[dn]
[root_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[svid]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = URI:spiffe://example.org/cli
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
)");
  const std::vector<std::string> p256 = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                         "-nodes"};
  std::vector<std::string> root_args = {"req",         "-x509",
                                        "-config",     config,
                                        "-extensions", "root_ca",
                                        "-subj",       "/O=cli/CN=cli root",
                                        "-days",       "30",
                                        "-keyout",     dir_.File("root.key"),
                                        "-out",        dir_.File("root.pem")};
  root_args.insert(root_args.end(), p256.begin(), p256.end());
  CommandResult result = Run(root_args);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::vector<std::string> csr_args = {"req",     "-new",
                                       "-config", config,
                                       "-subj",   "/O=cli",
                                       "-keyout", dir_.File("leaf.key"),
                                       "-out",    dir_.File("leaf.csr")};
  csr_args.insert(csr_args.end(), p256.begin(), p256.end());
  result = Run(csr_args);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  result = Run({"x509", "-req", "-in", dir_.File("leaf.csr"), "-CA", dir_.File("root.pem"),
                "-CAkey", dir_.File("root.key"), "-set_serial", "4242", "-days", "1", "-extfile",
                config, "-extensions", "svid", "-out", dir_.File("leaf.pem")});
  ASSERT_EQ(result.exit_code, 0) << result.output;

  ASSERT_OK_AND_ASSIGN(Certificate root, Certificate::FromPem(Read("root.pem")));
  ASSERT_OK_AND_ASSIGN(Certificate leaf, Certificate::FromPem(Read("leaf.pem")));
  // The tool dates certificates from the wall clock; check at a time derived from them.
  const absl::Time at = leaf.not_before() + absl::Minutes(1);
  ASSERT_OK_AND_ASSIGN(std::vector<Certificate> path, VerifyChain(leaf, {}, {root}, at));
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[1].ToDer(), root.ToDer());
  ASSERT_OK_AND_ASSIGN(spiffe::SpiffeId id, ValidateX509Svid({leaf}, "example.org", {root}, at));
  EXPECT_EQ(id.ToString(), "spiffe://example.org/cli");
  EXPECT_EQ(leaf.SerialHex(), "1092");  // 4242
  EXPECT_THAT(VerifyChain(leaf, {}, {root}, leaf.not_after() + absl::Seconds(1)),
              ::twi::testing::HasReason(Reason::kChainInvalid));
}

}  // namespace
}  // namespace twi::x509
