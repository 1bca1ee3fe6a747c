// Bad input over the real HTTPS APIs gets the documented reason code and HTTP status, as an
// RFC 9457 problem, and changes nothing: no credential, no ledger entry, and a nonce that was
// presented is spent. The server runs in-process on loopback with a fake clock (so that nonces
// and EARs can expire without sleeping) over its real SQLite files.
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/agent/acquire.h"
#include "libs/agent/measurement.h"
#include "libs/core/files.h"
#include "libs/crypto/keys.h"
#include "libs/deployment/init.h"
#include "libs/deployment/key_store.h"
#include "libs/deployment/layout.h"
#include "libs/ear/ear.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/net/client.h"
#include "libs/net/json_api.h"
#include "libs/policy/workload_render.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"
#include "libs/x509/csr.h"
#include "services/deployment_files.h"
#include "services/server.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi {
namespace {

using deployment::Layout;
using ::testing::HasSubstr;

constexpr char kTrustDomain[] = "api.twi.test";
constexpr char kWorkloadId[] = "spiffe://api.twi.test/workload/ledger";

Bytes Image(char c) { return Bytes(32, static_cast<uint8_t>(c)); }

class ApiRefusalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    layout_ = std::make_unique<Layout>(tmp_.File("d"));
    deployment::InitOptions init;
    init.dir = layout_->dir();
    init.trust_domain = kTrustDomain;
    init.profile = deployment::Profile::kDevelopment;
    init.allow_insecure_sample_tee = true;
    init.now = clock_.Now();
    ASSERT_OK(deployment::InitDeployment(init));
    ASSERT_OK_AND_ASSIGN(Bytes agent, agent::MeasureSelf());
    ASSERT_OK_AND_ASSIGN(
        policy::WorkloadPolicy workload,
        policy::SimpleWorkload("ledger", kWorkloadId, "sample", {{"1", Image('1')}}, agent));
    ASSERT_OK(WriteFileAtomic(layout_->workloads() + "/ledger.yaml",
                              policy::RenderWorkloadPolicy(workload)));
    services::ServerOptions options;
    options.dir = layout_->dir();
    options.clock = &clock_;
    options.getenv = [](const char*) -> const char* { return nullptr; };
    options.listen_public = "127.0.0.1:0";
    options.listen_internal = "127.0.0.1:0";
    ASSERT_OK_AND_ASSIGN(server_, services::TwiServer::Start(std::move(options)));
    client_ = NewClient();
    ASSERT_OK_AND_ASSIGN(auto db, storage::SqliteDatabase::Open(layout_->ca_db()));
    ledger_ = storage::NewSqliteIssuanceLedger(db);
  }

  std::unique_ptr<net::HttpsClient> NewClient() {
    auto endpoint = net::ParseHttpsUrl(server_->public_url());
    EXPECT_OK(endpoint);
    net::TlsClientConfig tls;
    auto ca = ReadFile(layout_->cert(deployment::kInternalCa));
    EXPECT_OK(ca);
    tls.ca_pem = *ca;
    return std::make_unique<net::HttpsClient>(endpoint->host, endpoint->port, std::move(tls));
  }

  // `platform_key`: a software key in place of the deployment's sample-platform key.
  std::unique_ptr<evidence::Attester> Attester(Bytes image, bool debug = false,
                                               const std::string& platform_key = "") {
    auto signer = platform_key.empty()
                      ? deployment::OpenDeploymentRoleSigner(*layout_, deployment::kSamplePlatform)
                      : crypto::LoadSoftwareSigner(platform_key);
    EXPECT_OK(signer);
    auto agent = agent::MeasureSelf();
    EXPECT_OK(agent);
    auto attester = evidence::sample::SampleAttester::Create(
        *std::move(signer), {std::move(image), *agent, /*svn=*/1, debug});
    EXPECT_OK(attester);
    return *std::move(attester);
  }

  // A fresh nonce on `client_`'s connection, and evidence for it bound to `exporter_of`.
  verifier::AttestationRequest Request(const agent::CredentialKey& key, bool with_csr,
                                       evidence::Attester& attester,
                                       net::HttpsClient* exporter_of = nullptr) {
    auto challenge = net::PostJson(*client_, "/v1/challenge", Json::object());
    EXPECT_OK(challenge);
    auto nonce = verifier::ChallengeFromJson(*challenge);
    EXPECT_OK(nonce);
    auto exporter = (exporter_of != nullptr ? exporter_of : client_.get())->TlsExporter();
    EXPECT_OK(exporter);
    auto request =
        agent::BuildAttestationRequest(attester, key, nonce->nonce, *exporter, with_csr, {});
    EXPECT_OK(request);
    return *std::move(request);
  }

  net::HttpResponse Post(const std::string& path, const std::string& body,
                         const std::string& content_type = "application/json") {
    auto response = client_->Request("POST", path, body, content_type, {}, false);
    EXPECT_OK(response);
    return response.ok() ? *response : net::HttpResponse{};
  }
  net::HttpResponse Attest(const verifier::AttestationRequest& request) {
    return Post("/v1/attest", DumpJson(verifier::ToJson(request)));
  }

  // The documented problem for `reason`, and the ledger as it was before.
  void ExpectRefused(const net::HttpResponse& response, int http, std::string_view reason) {
    EXPECT_EQ(response.status, http) << response.body;
    EXPECT_EQ(response.content_type.substr(0, 24), "application/problem+json");
    auto problem = ParseJsonObject(response.body);
    ASSERT_OK(problem);
    EXPECT_EQ((*problem)["reason"], reason);
    EXPECT_EQ((*problem)["status"], http);
    EXPECT_FALSE(response.body.find("BEGIN CERTIFICATE") != std::string::npos);
    ASSERT_OK_AND_ASSIGN(const int64_t count, ledger_->Count());
    EXPECT_EQ(count, ledger_before_) << "a refused request must not reach the ledger";
  }

  std::string Ear(const agent::CredentialKey& key) {
    auto attester = Attester(Image('1'));
    const net::HttpResponse r = Attest(Request(key, /*with_csr=*/false, *attester));
    EXPECT_EQ(r.status, 200) << r.body;
    auto json = ParseJsonObject(r.body);
    return json.ok() ? json->value("ear", "") : "";
  }

  net::HttpResponse RequestCredentials(const std::string& ear, const std::string& csr_pem) {
    issuer::CredentialRequest request;
    request.ear = ear;
    request.csr_pem = csr_pem;
    return Post("/v1/credentials", DumpJson(issuer::ToJson(request)));
  }

  testing::TempDir tmp_;
  testing::FakeClock clock_{absl::Now()};
  std::unique_ptr<Layout> layout_;
  std::unique_ptr<services::TwiServer> server_;
  std::unique_ptr<net::HttpsClient> client_;
  std::unique_ptr<storage::IssuanceLedger> ledger_;
  int64_t ledger_before_ = 0;
};

TEST_F(ApiRefusalsTest, MechanismAIssuesOnceAndTheReusedNonceIsRefused) {
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey key, agent::NewCredentialKey());
  auto attester = Attester(Image('1'));
  const verifier::AttestationRequest request = Request(key, /*with_csr=*/true, *attester);
  const net::HttpResponse first = Attest(request);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_THAT(first.body, HasSubstr(kWorkloadId));
  ledger_before_ = 2;  // the X509-SVID and the WIT
  ExpectRefused(Attest(request), 401, "NONCE_REUSED");
}

TEST_F(ApiRefusalsTest, ExpiredNonce) {
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey key, agent::NewCredentialKey());
  auto attester = Attester(Image('1'));
  const verifier::AttestationRequest request = Request(key, true, *attester);
  clock_.Advance(absl::Minutes(3));
  ExpectRefused(Attest(request), 401, "NONCE_EXPIRED");
  clock_.Advance(-absl::Minutes(3));
  ExpectRefused(Attest(request), 401, "NONCE_REUSED");
}

TEST_F(ApiRefusalsTest, NeverIssuedNonce) {
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey key, agent::NewCredentialKey());
  auto attester = Attester(Image('1'));
  verifier::AttestationRequest request = Request(key, true, *attester);
  request.nonce[0] ^= 1;
  ExpectRefused(Attest(request), 401, "NONCE_UNKNOWN");
}

TEST_F(ApiRefusalsTest, EvidenceBoundToAnotherConnectionOrKey) {
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey key, agent::NewCredentialKey());
  auto attester = Attester(Image('1'));
  std::unique_ptr<net::HttpsClient> other = NewClient();
  ExpectRefused(Attest(Request(key, true, *attester, other.get())), 401, "BINDING_MISMATCH");
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey other_key, agent::NewCredentialKey());
  verifier::AttestationRequest swapped = Request(key, true, *attester);
  swapped.key = other_key.jwk.ToJson();
  ExpectRefused(Attest(swapped), 401, "BINDING_MISMATCH");
}

TEST_F(ApiRefusalsTest, UnknownMeasurementDebugAndForeignPlatform) {
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey key, agent::NewCredentialKey());
  auto unknown = Attester(Image('7'));
  ExpectRefused(Attest(Request(key, true, *unknown)), 403, "UNKNOWN_MEASUREMENT");
  auto debug = Attester(Image('1'), /*debug=*/true);
  ExpectRefused(Attest(Request(key, true, *debug)), 403, "DEBUG_FORBIDDEN");
  ASSERT_OK_AND_ASSIGN(crypto::PrivateKey foreign,
                       crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  ASSERT_OK(WriteFileAtomic(tmp_.File("foreign.key"), foreign.ToPkcs8Pem().as_string(), 0600));
  auto forged = Attester(Image('1'), false, tmp_.File("foreign.key"));
  ExpectRefused(Attest(Request(key, true, *forged)), 401, "EVIDENCE_SIGNATURE_INVALID");
}

TEST_F(ApiRefusalsTest, EarSignedByAnUntrustedKey) {
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey key, agent::NewCredentialKey());
  const std::string genuine = Ear(key);
  ASSERT_OK_AND_ASSIGN(std::string jwks, ReadFile(layout_->verifier_jwks()));
  ASSERT_OK_AND_ASSIGN(jose::Jwks keys, jose::Jwks::Parse(jwks));
  ASSERT_OK_AND_ASSIGN(ear::Ear claims, ear::Verify(genuine, keys, clock_.Now()));
  // The same claims, re-signed by a key the CA's issuance policy does not name.
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey rogue, agent::NewCredentialKey());
  ASSERT_OK_AND_ASSIGN(std::string forged, ear::Sign(claims, *rogue.signer, "verifier"));
  ASSERT_OK_AND_ASSIGN(x509::CertificateRequest csr, x509::CreateCsr(*key.signer));
  ExpectRefused(RequestCredentials(forged, csr.ToPem()), 401, "EAR_UNTRUSTED_KEY");
  // The genuine EAR is accepted: the refusal was about the key alone.
  EXPECT_EQ(RequestCredentials(genuine, csr.ToPem()).status, 200);
}

TEST_F(ApiRefusalsTest, ExpiredEar) {
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey key, agent::NewCredentialKey());
  const std::string ear = Ear(key);
  ASSERT_OK_AND_ASSIGN(x509::CertificateRequest csr, x509::CreateCsr(*key.signer));
  clock_.Advance(absl::Minutes(6));
  ExpectRefused(RequestCredentials(ear, csr.ToPem()), 401, "EAR_EXPIRED");
}

TEST_F(ApiRefusalsTest, CsrWithBrokenSignatureOrForAnotherKey) {
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey key, agent::NewCredentialKey());
  const std::string ear = Ear(key);
  ASSERT_OK_AND_ASSIGN(x509::CertificateRequest csr, x509::CreateCsr(*key.signer));
  Bytes der = csr.ToDer();
  der.back() ^= 0x01;  // inside the signature's s value: still DER, no longer a valid signature
  std::string pem = "-----BEGIN CERTIFICATE REQUEST-----\n";
  const std::string b64 = Base64Encode(der);
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END CERTIFICATE REQUEST-----\n";
  ExpectRefused(RequestCredentials(ear, pem), 400, "CSR_SIGNATURE_INVALID");
  ASSERT_OK_AND_ASSIGN(agent::CredentialKey other, agent::NewCredentialKey());
  ASSERT_OK_AND_ASSIGN(x509::CertificateRequest other_csr, x509::CreateCsr(*other.signer));
  ExpectRefused(RequestCredentials(ear, other_csr.ToPem()), 403, "KEY_MISMATCH");
}

TEST_F(ApiRefusalsTest, OversizedMalformedAndMistypedBodies) {
  // Just over the 1 MiB limit: the server answers, then discards the rest before closing.
  ExpectRefused(Post("/v1/attest", std::string((1 << 20) + 4096, ' ')), 413, "BODY_TOO_LARGE");
  client_ = NewClient();  // the server closes a connection after an oversized body
  ExpectRefused(Post("/v1/attest", "{\"nonce\": "), 400, "MALFORMED_JSON");
  ExpectRefused(Post("/v1/credentials", "[1, 2]"), 400, "MALFORMED_JSON");
  ExpectRefused(Post("/v1/attest", "{}", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
  ExpectRefused(Post("/v1/credentials", "{\"ear\": 5, \"csr\": \"x\"}"), 400, "REQUEST_INVALID");
  const auto missing = client_->Request("GET", "/v1/nothing-here");
  ASSERT_OK(missing);
  EXPECT_EQ(missing->status, 404);
}

}  // namespace
}  // namespace twi
