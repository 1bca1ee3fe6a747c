// The workload side without a network: request building and binding, both mechanisms against
// recording transports, the artifacts on disk, and measurements.
#include <sys/stat.h>

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/agent/acquire.h"
#include "libs/agent/measurement.h"
#include "libs/agent/tpm_agent.h"
#include "libs/core/files.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/evidence/backends/sample/sample_report.h"
#include "libs/evidence/binding.h"
#include "libs/x509/csr.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::agent {
namespace {

using ::testing::HasSubstr;
using ::twi::testing::HasReason;

const Bytes kNonce(32, 0x5a);
const Bytes kExporter(32, 0xee);

std::unique_ptr<evidence::Attester> SampleAttester() {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  auto signer = crypto::NewSoftwareSigner(*key, crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  auto attester = evidence::sample::SampleAttester::Create(
      *std::move(signer), {Bytes(32, 0x11), Bytes(32, 0x22), /*svn=*/4, /*debug=*/false});
  return *std::move(attester);
}

// A Verifier and CA that answer from memory and remember what they were sent.
class RecordingVerifier final : public VerifierTransport {
 public:
  absl::StatusOr<verifier::Challenge> NewChallenge() override {
    return verifier::Challenge{kNonce, absl::Now() + absl::Minutes(1)};
  }
  absl::StatusOr<Bytes> TlsExporter() override { return kExporter; }
  absl::StatusOr<verifier::AttestationResponse> Attest(
      const verifier::AttestationRequest& request) override {
    requests.push_back(request);
    verifier::AttestationResponse response{"ear-token", std::nullopt};
    if (request.wants_credentials() && issue) {
      response.credentials = issuer::IssuedCredentials{};
      response.credentials->spiffe_id = "spiffe://example.org/w";
    }
    return response;
  }
  bool issue = true;
  std::vector<verifier::AttestationRequest> requests;
};

class RecordingCa final : public issuer::CredentialIssuer {
 public:
  absl::StatusOr<issuer::IssuedCredentials> Issue(
      const issuer::CredentialRequest& request) override {
    requests.push_back(request);
    issuer::IssuedCredentials out;
    out.spiffe_id = "spiffe://example.org/w";
    return out;
  }
  std::vector<issuer::CredentialRequest> requests;
};

TEST(AgentTest, RequestBindsNonceKeyAndExporterIntoTheReportData) {
  auto attester = SampleAttester();
  ASSERT_OK_AND_ASSIGN(CredentialKey key, NewCredentialKey());
  ASSERT_OK_AND_ASSIGN(verifier::AttestationRequest request,
                       BuildAttestationRequest(*attester, key, kNonce, kExporter,
                                               /*with_csr=*/true, {"wit"}));
  EXPECT_EQ(request.nonce, kNonce);
  EXPECT_EQ(request.formats, std::vector<std::string>{"wit"});
  ASSERT_EQ(request.evidence.size(), 1u);
  EXPECT_EQ(request.evidence[0].tee, "sample");
  ASSERT_OK_AND_ASSIGN(evidence::sample::SampleReport report,
                       evidence::sample::ParseSampleReport(request.evidence[0].data));
  const Bytes binding = evidence::ComputeBinding(
      {evidence::BindingPurpose::kCredentialKey, kNonce, key.thumbprint, kExporter});
  EXPECT_OK(evidence::CheckReportData(report.report_data, binding));
  // Another exporter (another connection) would not match.
  const Bytes other = evidence::ComputeBinding(
      {evidence::BindingPurpose::kCredentialKey, kNonce, key.thumbprint, Bytes(32, 0)});
  EXPECT_THAT(evidence::CheckReportData(report.report_data, other),
              HasReason(Reason::kBindingMismatch));
  // The JWK and the CSR are the credential key's.
  ASSERT_OK_AND_ASSIGN(jose::Jwk jwk, jose::Jwk::FromJson(request.key));
  EXPECT_EQ(jwk.Thumbprint(), key.thumbprint);
  ASSERT_OK_AND_ASSIGN(x509::CertificateRequest csr,
                       x509::CertificateRequest::FromPem(request.csr_pem));
  EXPECT_TRUE(csr.public_key().Equals(key.private_key.public_key()));
  EXPECT_OK(csr.VerifyProofOfPossession());
}

TEST(AgentTest, MechanismACarriesTheCsrAndNeedsCredentialsBack) {
  auto attester = SampleAttester();
  RecordingVerifier verifier;
  ASSERT_OK_AND_ASSIGN(Acquired acquired, AcquireWithMechanismA(verifier, *attester, {}));
  EXPECT_EQ(acquired.mechanism, "A");
  ASSERT_EQ(verifier.requests.size(), 1u);
  EXPECT_TRUE(verifier.requests[0].wants_credentials());
  verifier.issue = false;
  EXPECT_THAT(AcquireWithMechanismA(verifier, *attester, {}), HasReason(Reason::kInternal));
}

TEST(AgentTest, MechanismBTakesTheEarToTheCaWithACsrForTheSameKey) {
  auto attester = SampleAttester();
  RecordingVerifier verifier;
  RecordingCa ca;
  AcquireOptions options;
  options.formats = {"x509-svid"};
  options.key_type = crypto::KeyType::kEcP384;
  ASSERT_OK_AND_ASSIGN(Acquired acquired, AcquireWithMechanismB(verifier, ca, *attester, options));
  ASSERT_EQ(verifier.requests.size(), 1u);
  EXPECT_FALSE(verifier.requests[0].wants_credentials()) << "no CSR rides with B's evidence";
  ASSERT_EQ(ca.requests.size(), 1u);
  EXPECT_EQ(ca.requests[0].ear, "ear-token");
  EXPECT_EQ(ca.requests[0].mechanism, "B");
  EXPECT_EQ(ca.requests[0].formats, options.formats);
  ASSERT_OK_AND_ASSIGN(x509::CertificateRequest csr,
                       x509::CertificateRequest::FromPem(ca.requests[0].csr_pem));
  EXPECT_TRUE(csr.public_key().Equals(acquired.key.private_key.public_key()));
  EXPECT_EQ(csr.public_key().type(), crypto::KeyType::kEcP384);
  EXPECT_EQ(acquired.key.thumbprint, jose::Jwk::FromJson(verifier.requests[0].key)->Thumbprint());
}

TEST(AgentTest, ArtifactsAreWrittenWithAPrivateKeyFile) {
  auto attester = SampleAttester();
  RecordingVerifier verifier;
  ASSERT_OK_AND_ASSIGN(Acquired acquired, AcquireWithMechanismA(verifier, *attester, {}));
  acquired.credentials.x509_svid_pem = "-----BEGIN CERTIFICATE-----\n";
  acquired.credentials.wit = "a.b.c";
  acquired.credentials.bundle = issuer::EncodedBundle::Create("", Json{{"keys", Json::array()}});
  testing::TempDir tmp;
  const std::string dir = tmp.File("out");
  ASSERT_OK(WriteArtifacts(acquired, dir));
  for (const char* name :
       {"svid.pem", "svid.key", "bundle.pem", "bundle.jwks", "wit.jwt", "ear.jwt"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + name)) << name;
  }
  struct stat st;
  ASSERT_EQ(stat((dir + "/svid.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_OK_AND_ASSIGN(std::string key_pem, ReadFile(dir + "/svid.key"));
  ASSERT_OK_AND_ASSIGN(crypto::PrivateKey key, crypto::PrivateKey::FromPem(key_pem));
  EXPECT_TRUE(key.public_key().Equals(acquired.key.private_key.public_key()));
  ASSERT_OK_AND_ASSIGN(std::string ear, ReadFile(dir + "/ear.jwt"));
  EXPECT_EQ(ear, "ear-token\n");
}

TEST(AgentTest, DigestSpecsAndFileMeasurements) {
  testing::TempDir tmp;
  ASSERT_OK(WriteFileAtomic(tmp.File("image"), "abc"));
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  ASSERT_OK_AND_ASSIGN(Bytes from_file, DigestFromSpec(tmp.File("image")));
  EXPECT_EQ(HexEncode(from_file), abc);
  ASSERT_OK_AND_ASSIGN(Bytes from_text, DigestFromSpec("sha256:" + abc));
  EXPECT_EQ(from_text, from_file);
  EXPECT_THAT(DigestFromSpec("sha256:abcd"), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(DigestFromSpec("sha256:" + std::string(64, 'x')),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(DigestFromSpec(tmp.File("missing")), HasReason(Reason::kIoError));
  ASSERT_OK_AND_ASSIGN(Bytes self, MeasureSelf());
  EXPECT_EQ(self.size(), 32u);
  ASSERT_OK_AND_ASSIGN(Bytes again, Sha256OfFile("/proc/self/exe"));
  EXPECT_EQ(self, again);
}

}  // namespace
}  // namespace twi::agent

namespace twi::agent {
namespace {

TEST(TpmAgentTest, TheRootIsNotShipped) {
  const absl::Time now = x509::testing::TestNow();
  ASSERT_OK_AND_ASSIGN(const auto root, x509::testing::MakeRoot(now, "root.test"));
  ASSERT_OK_AND_ASSIGN(const auto intermediate,
                       x509::testing::MakeIntermediate(root, now, "intermediate.test"));
  const Bytes leaf = {0x30, 0x00};  // not a certificate: kept as it is
  EXPECT_EQ(ChainToShip({leaf, intermediate.certificate.ToDer(), root.certificate.ToDer()}),
            (std::vector<Bytes>{leaf, intermediate.certificate.ToDer()}));
  // Never the whole chain: a lone certificate is the AK's.
  EXPECT_EQ(ChainToShip({root.certificate.ToDer()}), std::vector<Bytes>{root.certificate.ToDer()});
}

TEST(TpmAgentTest, PcrListsAreAscendingAndIncludeTheAgentsPcr) {
  ASSERT_OK_AND_ASSIGN(const std::vector<uint32_t> all, ParsePcrList("0-23"));
  EXPECT_EQ(all.size(), 24u);
  ASSERT_OK_AND_ASSIGN(const std::vector<uint32_t> some, ParsePcrList("0-2,7,23"));
  EXPECT_EQ(some, (std::vector<uint32_t>{0, 1, 2, 7, 23}));
  for (const char* bad : {"", "0-7", "7,0,23", "0,0,23", "3-1,23", "0-24", "x,23", "0-7,,23"}) {
    EXPECT_THAT(ParsePcrList(bad), ::twi::testing::HasReason(Reason::kInvalidArgument)) << bad;
  }
}

}  // namespace
}  // namespace twi::agent
