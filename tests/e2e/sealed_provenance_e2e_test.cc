// Credential Provenance sealed for auditors (docs/provenance.md "Privacy"), end to end: a real
// `twi server` whose config.yaml names two auditor public keys (EC P-256 and RSA-3072, made by
// the openssl CLI) stores every record as JWEs to them, while the log and the credential's
// pointer commit to the plain DSSE envelope. Each auditor opens it with `twi verify provenance
// --auditor-key` and, independently, with python3-jwcrypto; anyone else gets
// PROVENANCE_RECORD_SEALED and never the record.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/deployment/layout.h"
#include "libs/net/client.h"
#include "libs/rp/credentials.h"
#include "libs/rp/provenance_client.h"
#include "libs/x509/certificate.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tests/e2e/deployment_fixture.h"

namespace twi::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPython[] = "/usr/bin/python3";

class SealedProvenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDeployment(dir()));
    // Private keys stay with the test (the auditors); the deployment gets the public halves.
    ASSERT_NO_FATAL_FAILURE(
        MakeKey("ec", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}));
    ASSERT_NO_FATAL_FAILURE(
        MakeKey("rsa", {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"}));
    ASSERT_NO_FATAL_FAILURE(
        MakeKey("outsider", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}));
    std::filesystem::create_directories(dir() + "/auditors");
    for (const char* name : {"ec", "rsa"}) {
      const testing::CommandResult pub =
          testing::RunCommand({"openssl", "pkey", "-in", Key(name), "-pubout", "-out",
                               dir() + "/auditors/" + name + ".pem"});
      ASSERT_TRUE(pub.ok()) << pub.err;
    }
    const std::string config_file = deployment::Layout(dir()).config();
    ASSERT_OK_AND_ASSIGN(std::string config, ReadFile(config_file));
    ASSERT_THAT(config, HasSubstr("  auditors: []"));
    config = absl::StrReplaceAll(
        config, {{"  auditors: []", "  auditors:\n    - auditors/ec.pem\n    - auditors/rsa.pem"}});
    ASSERT_OK(WriteFileAtomic(config_file, config));

    server_ = StartServer(dir());
    ASSERT_FALSE(server_.public_url().empty());
    const testing::CommandResult acquired =
        Twi({"agent", "acquire", "--mechanism", "A", "--deployment", dir(), "--verifier",
             server_.public_url(), "--image", kImageV1, "--svn", "2", "--out", credentials()});
    ASSERT_TRUE(acquired.ok()) << acquired.err;
  }

  void MakeKey(const std::string& name, std::vector<std::string> options) {
    std::vector<std::string> argv = {"openssl", "genpkey", "-out", Key(name)};
    argv.insert(argv.end(), options.begin(), options.end());
    const testing::CommandResult made = testing::RunCommand(argv);
    ASSERT_TRUE(made.ok()) << made.err;
  }

  std::string dir() const { return tmp_.File("deployment"); }
  std::string Key(const std::string& name) const { return tmp_.File(name + "-auditor.key"); }
  std::string credentials() const { return tmp_.File("credentials"); }
  deployment::Layout layout() const { return deployment::Layout(dir()); }

  // `twi verify provenance` of `credential` with `extra` flags (record source, auditor key).
  testing::CommandResult VerifyProvenance(const std::string& credential,
                                          const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {
        "verify",   "provenance",       "--credential",
        credential, "--signer",         layout().public_key(deployment::kProvenanceSigning),
        "--vkey",   layout().log_vkey()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Twi(args);
  }
  std::vector<std::string> FromServer() const {
    return {"--server", server_.public_url(), "--server-ca",
            layout().cert(deployment::kInternalCa)};
  }

  absl::StatusOr<rp::FetchedProvenance> Fetch(const std::string& credential_id) const {
    TWI_ASSIGN_OR_RETURN(const net::Endpoint endpoint, net::ParseHttpsUrl(server_.public_url()));
    net::TlsClientConfig tls;
    TWI_ASSIGN_OR_RETURN(tls.ca_pem, ReadFile(layout().cert(deployment::kInternalCa)));
    net::HttpsClient client(endpoint.host, endpoint.port, std::move(tls));
    return rp::FetchProvenance(client, credential_id);
  }

  testing::TempDir tmp_;
  RunningServer server_;
};

TEST_F(SealedProvenanceTest, OnlyTheAuditorsOpenTheRecordTheLogCommitsTo) {
  const std::string svid = credentials() + "/svid.pem";
  const std::string wit = credentials() + "/wit.jwt";
  for (const std::string& credential : {svid, wit}) {
    SCOPED_TRACE(credential);
    for (const char* auditor : {"ec", "rsa"}) {
      std::vector<std::string> flags = FromServer();
      flags.insert(flags.end(), {"--auditor-key", Key(auditor), "--json"});
      const testing::CommandResult opened = VerifyProvenance(credential, flags);
      ASSERT_TRUE(opened.ok()) << auditor << ": " << opened.err;
      ASSERT_OK_AND_ASSIGN(const Json report, ParseJsonObject(opened.out));
      EXPECT_EQ(report["valid"], true) << opened.out;
      EXPECT_TRUE(report["record"].is_object()) << opened.out;
    }
    const testing::CommandResult without = VerifyProvenance(credential, FromServer());
    EXPECT_FALSE(without.ok());
    EXPECT_THAT(without.err, HasSubstr("PROVENANCE_RECORD_SEALED"));
    std::vector<std::string> outsider = FromServer();
    outsider.insert(outsider.end(), {"--auditor-key", Key("outsider")});
    const testing::CommandResult refused = VerifyProvenance(credential, outsider);
    EXPECT_FALSE(refused.ok());
    EXPECT_THAT(refused.err, HasSubstr("PROVENANCE_RECORD_SEALED"));
  }

  // What the server stores and serves is the sealed form; the pointer in the credential and the
  // log entry name the plain envelope's digest.
  ASSERT_OK_AND_ASSIGN(const std::string pem, ReadFile(svid));
  ASSERT_OK_AND_ASSIGN(const std::vector<x509::Certificate> chain,
                       x509::Certificate::ChainFromPem(pem));
  ASSERT_OK_AND_ASSIGN(const rp::CredentialFacts facts,
                       rp::X509CredentialFacts(chain.front().ToDer()));
  ASSERT_TRUE(facts.pointer.has_value());
  ASSERT_OK_AND_ASSIGN(const rp::FetchedProvenance fetched, Fetch(facts.credential_id));
  EXPECT_TRUE(fetched.sealed);
  EXPECT_EQ(fetched.digest, facts.pointer->record_digest);
  EXPECT_THAT(fetched.envelope, Not(HasSubstr("payloadType")));
  EXPECT_THAT(fetched.envelope, Not(HasSubstr(facts.credential_id)));

  // Offline, from the files an auditor was handed: the sealed record and the proof.
  const std::string record = tmp_.File("record.sealed.json");
  const std::string proof = tmp_.File("record.tlog-proof");
  ASSERT_OK(WriteFileAtomic(record, fetched.envelope));
  ASSERT_OK(WriteFileAtomic(proof, fetched.proof_bundle));
  const std::vector<std::string> offline = {"--record", record, "--proof", proof};
  std::vector<std::string> with_key = offline;
  with_key.insert(with_key.end(), {"--auditor-key", Key("rsa")});
  const testing::CommandResult checked = VerifyProvenance(svid, with_key);
  EXPECT_TRUE(checked.ok()) << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("valid provenance"));
  const testing::CommandResult sealed_offline = VerifyProvenance(svid, offline);
  EXPECT_FALSE(sealed_offline.ok());
  EXPECT_THAT(sealed_offline.err, HasSubstr("PROVENANCE_RECORD_SEALED"));
  // A sealed record of another credential does not open against this credential's pointer.
  ASSERT_OK_AND_ASSIGN(const std::string wit_line, ReadFile(wit));
  ASSERT_OK_AND_ASSIGN(
      const rp::CredentialFacts wit_facts,
      rp::WitCredentialFacts(std::string(absl::StripTrailingAsciiWhitespace(wit_line))));
  ASSERT_OK_AND_ASSIGN(const rp::FetchedProvenance wit_record, Fetch(wit_facts.credential_id));
  ASSERT_OK(WriteFileAtomic(record, wit_record.envelope));
  const testing::CommandResult swapped = VerifyProvenance(svid, with_key);
  EXPECT_FALSE(swapped.ok());
  EXPECT_THAT(swapped.err, HasSubstr("PROVENANCE_RECORD_MISMATCH"));

  // An independent JOSE implementation opens each auditor's entry to the logged record.
  if (!std::filesystem::exists(kPython)) GTEST_SKIP() << "no " << kPython;
  ASSERT_OK(WriteFileAtomic(record, fetched.envelope));
  const std::string script = testing::SourceDir() + "/tests/e2e/check_tokens.py";
  for (const char* auditor : {"ec", "rsa"}) {
    const testing::CommandResult opened =
        testing::RunCommand({kPython, script, "sealed", record, Key(auditor)});
    ASSERT_TRUE(opened.ok()) << auditor << ": " << opened.err;
    ASSERT_OK_AND_ASSIGN(const Json out, ParseJsonObject(opened.out));
    EXPECT_EQ(out["sha256"], HexEncode(facts.pointer->record_digest)) << auditor;
    EXPECT_EQ(out["header"]["alg"],
              std::string(auditor) == "ec" ? "ECDH-ES+A256KW" : "RSA-OAEP-256");
    EXPECT_EQ(out["header"]["enc"], "A256GCM");
  }
  const testing::CommandResult outsider =
      testing::RunCommand({kPython, script, "sealed", record, Key("outsider")});
  EXPECT_FALSE(outsider.ok());
}

}  // namespace
}  // namespace twi::e2e
