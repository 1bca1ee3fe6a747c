#include "fuzz/targets.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/ear/ear.h"
#include "libs/evidence/backends/sample/sample_attester.h"
#include "libs/evidence/backends/sample/sample_verifier.h"
#include "libs/evidence/backends/tpm/event_claims.h"
#include "libs/evidence/backends/tpm/event_log.h"
#include "libs/evidence/backends/tpm/event_log_writer.h"
#include "libs/evidence/backends/tpm/ima_log.h"
#include "libs/evidence/backends/tpm/ima_test_list.h"
#include "libs/evidence/backends/tpm/tpm_evidence.h"
#include "libs/evidence/backends/tpm/tpm_wire.h"
#include "libs/issuer/bundle.h"
#include "libs/issuer/credential_api.h"
#include "libs/jose/jwk.h"
#include "libs/jose/jwt.h"
#include "libs/policy/test_policies.h"
#include "libs/policy/workload_policy.h"
#include "libs/provenance/dsse.h"
#include "libs/provenance/in_toto.h"
#include "libs/provenance/slsa.h"
#include "libs/provenance/workload_document.h"
#include "libs/rp/spiffe_bundle.h"
#include "libs/tlog/checkpoint.h"
#include "libs/tlog/merkle.h"
#include "libs/tlog/note.h"
#include "libs/tlog/proof_bundle.h"
#include "libs/tlog/testing/spec_example.h"
#include "libs/tlog/tiles.h"
#include "libs/verifier/attestation_api.h"
#include "libs/x509/certificate.h"
#include "libs/x509/csr.h"
#include "libs/x509/issue.h"

namespace twi::fuzz {
namespace {

// One key for the whole process, so that signatures in the seeds verify in the targets.
const crypto::Signer& ProcessSigner() {
  static const crypto::Signer* signer = [] {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
    return crypto::NewSoftwareSigner(*key, crypto::SignatureAlgorithm::kEcdsaP256Sha256)->release();
  }();
  return *signer;
}

const jose::Jwks& Keys() {
  static const jose::Jwks* keys = [] {
    auto* jwks = new jose::Jwks();
    jose::Jwk jwk = jose::Jwk::FromPublicKey(ProcessSigner().public_key());
    jwk.set_kid("k1").set_alg(jose::Algorithm::kES256);
    jwks->Add(jwk);
    return jwks;
  }();
  return *keys;
}

std::vector<Bytes> One(std::string_view text) { return {ToBytes(text)}; }

x509::Certificate SelfSigned() {
  auto tmpl = x509::SpiffeCaTemplate("example.org", ProcessSigner().public_key(), "fuzz",
                                     absl::FromUnixSeconds(1700000000),
                                     absl::FromUnixSeconds(1900000000), 0);
  return *x509::IssueCertificate(*tmpl, nullptr, ProcessSigner());
}

// --- Targets ------------------------------------------------------------------------------------

bool Csr(ByteView data) {
  auto csr = x509::CertificateRequest::FromDer(data);
  return csr.ok() && csr->VerifyProofOfPossession().ok();
}
std::vector<Bytes> CsrSeeds() { return {x509::CreateCsr(ProcessSigner(), "web")->ToDer()}; }

bool Certificate(ByteView data) { return x509::Certificate::FromDer(data).ok(); }
std::vector<Bytes> CertificateSeeds() { return {SelfSigned().ToDer()}; }

bool Jwt(ByteView data) {
  jose::JwtValidation validation;
  validation.allowed_algorithms = {jose::Algorithm::kES256};
  validation.typ = "wit+jwt";
  return jose::VerifyJwt(AsString(data), Keys(), validation, absl::FromUnixSeconds(1800000000))
      .ok();
}
std::vector<Bytes> JwtSeeds() {
  Json claims = {{"sub", "spiffe://example.org/w"}, {"exp", 1800000600}, {"jti", "x"}};
  return One(*jose::SignJwt({{"typ", "wit+jwt"}, {"kid", "k1"}}, claims, ProcessSigner()));
}

bool Jwks(ByteView data) { return jose::Jwks::Parse(AsString(data)).ok(); }
std::vector<Bytes> JwksSeeds() { return One(Keys().ToJson().dump()); }

bool SpiffeBundle(ByteView data) { return rp::ParseSpiffeBundle(AsString(data)).ok(); }
std::vector<Bytes> SpiffeBundleSeeds() {
  issuer::TrustBundle bundle;
  bundle.x509_authorities = {SelfSigned()};
  bundle.wit_authorities = {Keys().keys()[0]};
  return One(bundle.ToSpiffeJwks().dump());
}

bool SampleEvidence(ByteView data) {
  static const auto* verifier =
      evidence::sample::SampleVerifier::Create({ProcessSigner().public_key()})->release();
  return verifier->Verify(data, absl::FromUnixSeconds(1800000000)).ok();
}
std::vector<Bytes> SampleEvidenceSeeds() {
  // The attester signs with the process key, which the target's verifier trusts.
  class Forward final : public crypto::Signer {
   public:
    absl::StatusOr<Bytes> Sign(ByteView d) const override { return ProcessSigner().Sign(d); }
    crypto::SignatureAlgorithm algorithm() const override { return ProcessSigner().algorithm(); }
    const crypto::PublicKey& public_key() const override { return ProcessSigner().public_key(); }
  };
  auto attester = evidence::sample::SampleAttester::Create(std::make_unique<Forward>(),
                                                           {Bytes(32, 1), Bytes(32, 2), 3, false});
  return {*(*attester)->Attest(Bytes(64, 7))};
}

// Big-endian (TPM) or little-endian (TCG event log) integers, for the TPM seeds.
void Put(Bytes& out, uint64_t value, int size, bool big_endian = true) {
  for (int i = 0; i < size; ++i) {
    const int shift = 8 * (big_endian ? size - 1 - i : i);
    out.push_back(static_cast<uint8_t>(value >> shift));
  }
}
void Put2b(Bytes& out, const Bytes& content) {
  Put(out, content.size(), 2);
  out.insert(out.end(), content.begin(), content.end());
}

bool TpmAttest(ByteView data) { return evidence::tpm::ParseQuoteAttest(data).ok(); }
std::vector<Bytes> TpmAttestSeeds() {
  Bytes quote;
  Put(quote, evidence::tpm::kGeneratedValue, 4);
  Put(quote, evidence::tpm::kStAttestQuote, 2);
  Put2b(quote, Bytes(34, 0x0b));  // qualifiedSigner
  Put2b(quote, Bytes(32, 0x5a));  // extraData
  Put(quote, 8219159552, 8);      // clockInfo
  Put(quote, 10, 4);
  Put(quote, 0, 4);
  Put(quote, 1, 1);
  Put(quote, 0x2016051100162800, 8);  // firmwareVersion
  Put(quote, 2, 4);                   // two banks: SHA-256 PCRs 0-23, SHA-1 PCRs 0-7
  Put(quote, evidence::tpm::kAlgSha256, 2);
  quote.insert(quote.end(), {3, 0xff, 0xff, 0xff});
  Put(quote, evidence::tpm::kAlgSha1, 2);
  quote.insert(quote.end(), {3, 0xff, 0x00, 0x00});
  Put2b(quote, Bytes(32, 0xd1));  // pcrDigest
  return {quote};
}

bool TpmPublicArea(ByteView data) {
  auto parsed = evidence::tpm::ParsePublic(data);
  return parsed.ok() && parsed->Name().ok() && parsed->Key().ok();
}
std::vector<Bytes> TpmPublicAreaSeeds() {
  auto header = [](uint16_t type) {
    Bytes out;
    Put(out, type, 2);
    Put(out, evidence::tpm::kAlgSha256, 2);
    Put(out, 0x00050072, 4);               // a restricted signing key
    Put2b(out, {});                        // authPolicy
    Put(out, evidence::tpm::kAlgNull, 2);  // symmetric
    return out;
  };
  Bytes rsa = header(evidence::tpm::kAlgRsa);
  Put(rsa, evidence::tpm::kAlgRsaSsa, 2);
  Put(rsa, evidence::tpm::kAlgSha256, 2);
  Put(rsa, 2048, 2);
  Put(rsa, 0, 4);
  Bytes modulus(256, 0xc5);
  modulus.back() = 0xc7;  // odd, as every RSA modulus
  Put2b(rsa, modulus);
  Bytes ecc = header(evidence::tpm::kAlgEcc);
  Put(ecc, evidence::tpm::kAlgEcdsa, 2);
  Put(ecc, evidence::tpm::kAlgSha256, 2);
  Put(ecc, evidence::tpm::kEccNistP256, 2);
  Put(ecc, evidence::tpm::kAlgNull, 2);  // kdf
  // A point on the curve, so that the key is accepted too.
  const auto point =
      crypto::PrivateKey::Generate(crypto::KeyType::kEcP256)->public_key().EcCoordinates();
  Put2b(ecc, point->x);
  Put2b(ecc, point->y);
  return {rsa, ecc};
}

bool TpmEventLog(ByteView data) {
  auto log = evidence::tpm::ParseEventLog(data);
  return log.ok() && evidence::tpm::ReplayEventLog(*log, evidence::tpm::kAlgSha256).ok();
}
std::vector<Bytes> TpmEventLogSeeds() {
  Bytes spec;  // TCG_EfiSpecIdEvent with SHA-1 and SHA-256
  const std::string_view signature("Spec ID Event03\0", 16);
  spec.insert(spec.end(), signature.begin(), signature.end());
  Put(spec, 0, 4, false);
  spec.insert(spec.end(), {0, 2, 0, 2});
  Put(spec, 2, 4, false);
  Put(spec, evidence::tpm::kAlgSha1, 2, false);
  Put(spec, 20, 2, false);
  Put(spec, evidence::tpm::kAlgSha256, 2, false);
  Put(spec, 32, 2, false);
  spec.push_back(0);
  Bytes log;
  Put(log, 0, 4, false);
  Put(log, evidence::tpm::kEvNoAction, 4, false);
  log.insert(log.end(), 20, 0);
  Put(log, spec.size(), 4, false);
  log.insert(log.end(), spec.begin(), spec.end());
  for (const uint32_t pcr : {0u, 4u, 7u}) {
    Put(log, pcr, 4, false);
    Put(log, pcr == 7 ? evidence::tpm::kEvSeparator : evidence::tpm::kEvIpl, 4, false);
    Put(log, 2, 4, false);
    Put(log, evidence::tpm::kAlgSha1, 2, false);
    log.insert(log.end(), 20, static_cast<uint8_t>(pcr + 1));
    Put(log, evidence::tpm::kAlgSha256, 2, false);
    log.insert(log.end(), 32, static_cast<uint8_t>(pcr + 2));
    const std::string_view event = "grub_cmd: linux /vmlinuz";
    Put(log, event.size(), 4, false);
    log.insert(log.end(), event.begin(), event.end());
  }
  return {log};
}

// The evidence document, and the claims its logs give.
// Parsed as a SHA-1 list, replayed against all-zero PCRs (every prefix search runs), claimed.
bool TpmImaLog(ByteView data) {
  auto log = evidence::tpm::ParseImaLog(data, evidence::tpm::kAlgSha1);
  if (!log.ok()) return false;
  evidence::tpm::PcrBank bank{.hash_alg = evidence::tpm::kAlgSha256, .values = {}};
  for (const uint32_t pcr : log->pcrs) bank.values[pcr] = Bytes(32, 0);
  const auto attested = evidence::tpm::CheckImaLog(*log, {bank});
  evidence::tpm::ImaClaims(*log, attested.value_or(log->entries.size()));
  if (!log->entries.empty()) {
    static_cast<void>(evidence::tpm::CheckBootAggregate(log->entries[0], {bank}));
  }
  return attested.ok();
}
std::vector<Bytes> TpmImaLogSeeds() {
  namespace t = evidence::tpm::testing;
  Bytes list = t::EncodeImaEntry(t::ImaFile("boot_aggregate", Bytes(32, 1)));
  for (const Bytes& entry : {t::EncodeImaEntry(t::ImaFile("/usr/bin/orders", Bytes(32, 2))),
                             t::EncodeImaEntry({.pcr = 10,
                             .template_name = "ima-buf",
                             .data = t::ImaNgData("sha256", Bytes(32, 3), "kernel_version")}),
                             t::EncodeImaEntry({.pcr = 11,
                             .template_name = "ima-ng",
                             .data = t::ImaNgData("sha256", Bytes(32, 0), "/etc/x"),
                             .violation = true})}) {
    list.insert(list.end(), entry.begin(), entry.end());
  }
  return {list};
}

bool TpmEvidence(ByteView data) {
  auto evidence = evidence::tpm::ParseTpmEvidence(data);
  if (!evidence.ok()) return false;
  if (auto log = evidence::tpm::ParseEventLog(evidence->event_log); log.ok()) {
    evidence::tpm::BootClaims(*log);
  }
  if (!evidence->ima_log.empty()) {
    TpmImaLog(evidence->ima_log);
  }
  auto agent = evidence::tpm::ParseEventLog(evidence->agent_log);
  return agent.ok() && evidence::tpm::AgentClaims(*agent).ok();
}
std::vector<Bytes> TpmEvidenceSeeds() {
  evidence::tpm::TpmEvidence evidence;
  evidence.ak_public = TpmPublicAreaSeeds()[1];
  evidence.quotes = {{TpmAttestSeeds()[0], Bytes(72, 3)}};
  evidence.pcr_values = {{evidence::tpm::kAlgSha256, Bytes(64, 1)}};
  evidence.event_log = TpmEventLogSeeds()[0];
  evidence.agent_log = evidence::tpm::EncodeLogHeader({evidence::tpm::kAlgSha256});
  const Bytes event = evidence::tpm::EncodeLogEvent(
      {23,
       evidence::tpm::kEvEventTag,
       {{evidence::tpm::kAlgSha256, Bytes(32, 4)}},
       evidence::tpm::EncodeTaggedEvent(evidence::tpm::kTagAgentBinary, AsBytes("/usr/bin/twi"))});
  evidence.agent_log.insert(evidence.agent_log.end(), event.begin(), event.end());
  evidence.ima_log = TpmImaLogSeeds()[0];
  evidence.ima_log_hash = evidence::tpm::kAlgSha1;
  return {evidence::tpm::EncodeTpmEvidence(evidence)};
}

bool AttestationRequest(ByteView data) {
  auto json = ParseJsonObject(AsString(data));
  return json.ok() && verifier::AttestationRequestFromJson(*json).ok();
}
std::vector<Bytes> AttestationRequestSeeds() {
  verifier::AttestationRequest request;
  request.nonce = Bytes(32, 9);
  request.evidence.push_back(
      {"sample", "application/vnd.twi.sample-report", SampleEvidenceSeeds()[0]});
  request.key = Keys().keys()[0].ToJson();
  request.csr_pem = x509::CreateCsr(ProcessSigner())->ToPem();
  return One(verifier::ToJson(request).dump());
}

bool CredentialRequest(ByteView data) {
  auto json = ParseJsonObject(AsString(data));
  return json.ok() && issuer::CredentialRequestFromJson(*json).ok();
}
std::vector<Bytes> CredentialRequestSeeds() {
  issuer::CredentialRequest request{
      "a.b.c", x509::CreateCsr(ProcessSigner())->ToPem(), {"wit"}, "B"};
  return One(issuer::ToJson(request).dump());
}

bool EarClaims(ByteView data) {
  auto json = ParseJsonObject(AsString(data));
  return json.ok() && ear::FromJson(*json).ok();
}
std::vector<Bytes> EarClaimsSeeds() {
  ear::Ear result;
  result.issued_at = absl::FromUnixSeconds(1800000000);
  result.expires_at = result.issued_at + absl::Minutes(5);
  result.verifier_id = {"twi", "fuzz"};
  result.status = policy::Tier::kAffirming;
  ear::Appraisal appraisal;
  appraisal.status = policy::Tier::kAffirming;
  result.submods["sample"] = appraisal;
  return One(ear::ToJson(result).dump());
}

bool WorkloadPolicy(ByteView data) { return policy::ParseWorkloadPolicy(AsString(data)).ok(); }
std::vector<Bytes> WorkloadPolicySeeds() { return One(policy::testing::PayrollYaml()); }

// --- Transparency log (libs/tlog) ---------------------------------------------------------------

// A parser's round-trip contract; a violation is a bug, so the target crashes (libFuzzer keeps the
// input, the smoke test fails).
void Require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz target invariant violated: %s\n", what);
  std::abort();
}

// The eight leaves of the tree of the transparency-dev/merkle vectors (shared/vectors/merkle,
// README "Tree used by the numbered cases"): the seeds' trees are that tree.
const std::vector<Bytes>& VectorLeaves() {
  static const auto* leaves = [] {
    auto* out = new std::vector<Bytes>();
    for (std::string_view hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                 "606162636465666768696a6b6c6d6e6f"}) {
      out->push_back(*HexDecode(hex));
    }
    return out;
  }();
  return *leaves;
}

const tlog::MemoryTree& VectorTree() {
  static const auto* tree = [] {
    auto* out = new tlog::MemoryTree();
    for (const Bytes& leaf : VectorLeaves()) out->Append(tlog::LeafHash(leaf));
    return out;
  }();
  return *tree;
}

constexpr char kLogName[] = "fuzz.twi.example/log";

// A fixed Ed25519 log key (PKCS#8 around a constant seed), so that the signatures in the seeds
// and in corpora kept from earlier libFuzzer runs verify in every process.
const crypto::Signer& LogSigner() {
  static const crypto::Signer* signer = [] {
    Bytes der = *HexDecode("302e020100300506032b657004220420");  // PKCS#8 Ed25519, 32-byte seed
    for (uint8_t i = 0; i < 32; ++i) der.push_back(i);
    auto key = crypto::PrivateKey::FromPkcs8Der(der);
    return crypto::NewSoftwareSigner(*std::move(key), crypto::SignatureAlgorithm::kEd25519)
        ->release();
  }();
  return *signer;
}

const tlog::NoteVerifier& LogVerifier() {
  static const auto* verifier = new tlog::NoteVerifier(
      *tlog::NoteVerifier::FromPublicKey(kLogName, LogSigner().public_key()));
  return *verifier;
}

// The signed-note spec's example key and note (libs/tlog/testing/spec_example.h).
using ::twi::tlog::testing::kSpecNote;
using ::twi::tlog::testing::kSpecVkey;

const tlog::NoteVerifier& SpecVerifier() {
  static const auto* verifier =
      new tlog::NoteVerifier(*tlog::NoteVerifier::FromVerifierKey(kSpecVkey));
  return *verifier;
}

// The log's signed checkpoint of the first `size` leaves of the vectors' tree.
std::string SignedCheckpoint(uint64_t size) {
  return *tlog::SignCheckpoint(
      {.origin = kLogName, .size = size, .root = *VectorTree().Root(size), .extensions = {}},
      LogSigner());
}

// A signed note (verified by either fixed key: the log's or the spec example's) or a verifier
// key. Round trips: EncodeNote(ParseNote(x)) and FromVerifierKey(x).VerifierKey() give x back.
bool TlogNote(ByteView data) {
  const std::string_view text = AsString(data);
  if (auto vkey = tlog::NoteVerifier::FromVerifierKey(text); vkey.ok()) {
    Require(vkey->VerifierKey() == text, "tlog_note: VerifierKey(FromVerifierKey(x)) != x");
    return true;
  }
  auto note = tlog::ParseNote(text);
  if (!note.ok()) return false;
  Require(tlog::EncodeNote(*note) == text, "tlog_note: EncodeNote(ParseNote(x)) != x");
  const bool by_log = tlog::VerifyNote(*note, LogVerifier()).ok();
  const bool by_spec = tlog::VerifyNote(*note, SpecVerifier()).ok();
  return by_log || by_spec;
}
std::vector<Bytes> TlogNoteSeeds() {
  // The log's checkpoint with a witness cosignature (signed-note type 0x04: key id, timestamp,
  // signature) by a key the target does not know, which VerifyNote must ignore.
  auto note = tlog::ParseNote(SignedCheckpoint(8));
  const std::string witness = "witness.twi.example/w1";
  note->signatures.push_back({.name = witness,
                              .key_id = tlog::NoteKeyId(witness, 0x04, Bytes(32, 0x57)),
                              .signature = Bytes(8 + 64, 0xa5)});
  return {ToBytes(kSpecNote), ToBytes(tlog::EncodeNote(*note)), ToBytes(kSpecVkey),
          ToBytes(LogVerifier().VerifierKey())};
}

// A checkpoint's note text (the signed body). CheckpointText(ParseCheckpointText(x)) == x.
bool TlogCheckpoint(ByteView data) {
  auto checkpoint = tlog::ParseCheckpointText(AsString(data));
  if (!checkpoint.ok()) return false;
  Require(tlog::CheckpointText(*checkpoint) == AsString(data),
          "tlog_checkpoint: CheckpointText(ParseCheckpointText(x)) != x");
  return true;
}
std::vector<Bytes> TlogCheckpointSeeds() {
  const tlog::Checkpoint full{
      .origin = kLogName, .size = 8, .root = *VectorTree().Root(8), .extensions = {}};
  const tlog::Checkpoint empty{.origin = "example.com/empty",
                               .size = 0,
                               .root = tlog::EmptyRoot(),
                               .extensions = {"opaque extension", "Timestamp: 1700000000"}};
  return {ToBytes(tlog::CheckpointText(full)), ToBytes(tlog::CheckpointText(empty))};
}

// Every bundle must prove this leaf (index 5 of the vectors' tree) under the log's key.
constexpr size_t kProvenLeaf = 5;

// A tlog-proof bundle, verified. EncodeProofBundle(ParseProofBundle(x)) == x.
bool TlogProof(ByteView data) {
  static const tlog::Hash leaf_hash = tlog::LeafHash(VectorLeaves()[kProvenLeaf]);
  auto bundle = tlog::ParseProofBundle(AsString(data));
  if (!bundle.ok()) return false;
  Require(tlog::EncodeProofBundle(*bundle) == AsString(data),
          "tlog_proof: EncodeProofBundle(ParseProofBundle(x)) != x");
  return tlog::VerifyProofBundle(*bundle, leaf_hash, LogVerifier()).ok();
}
std::vector<Bytes> TlogProofSeeds() {
  std::vector<Bytes> seeds;
  for (const uint64_t size : {8, 6}) {
    const tlog::ProofBundle bundle{
        .extra = size == 8 ? std::optional(ToBytes("build 42")) : std::nullopt,
        .index = kProvenLeaf,
        .path = *VectorTree().InclusionProof(kProvenLeaf, size),
        .checkpoint = SignedCheckpoint(size)};
    seeds.push_back(ToBytes(tlog::EncodeProofBundle(bundle)));
  }
  return seeds;
}

// A tile or entry-bundle path, or an entry bundle. Paths and bundles re-encode to the input
// (tiles.h: one path per resource).
bool TlogTiles(ByteView data) {
  bool accepted = false;
  if (auto path = tlog::ParseTilePath(AsString(data)); path.ok()) {
    const std::string again = path->entries
                                  ? tlog::EntryBundlePath(path->tile.index, path->tile.width)
                                  : tlog::TilePath(path->tile);
    Require(again == AsString(data), "tlog_tiles: the path of ParseTilePath(x) != x");
    Require(tlog::TileNodes(path->tile).size() <= path->tile.width, "tlog_tiles: TileNodes");
    accepted = true;
  }
  if (auto entries = tlog::DecodeEntryBundle(data); entries.ok()) {
    Require(tlog::EncodeEntryBundle(*entries) == AsString(data),
            "tlog_tiles: EncodeEntryBundle(DecodeEntryBundle(x)) != x");
    accepted = true;
  }
  return accepted;
}
std::vector<Bytes> TlogTilesSeeds() {
  return {
      ToBytes(tlog::TilePath({.level = 0, .index = 1234067, .width = 8})),
      ToBytes(tlog::TilePath(
          {.level = 63, .index = std::numeric_limits<uint64_t>::max(), .width = 256})),
      ToBytes(tlog::EntryBundlePath(0, 8)),
      ToBytes(tlog::EncodeEntryBundle(VectorLeaves())),
  };
}

// --- Provenance (libs/provenance) ---------------------------------------------------------------

// A file of libs/provenance/testdata; empty (so the seed is refused and the smoke test says so)
// if it cannot be read.
std::string Testdata(std::string_view name) {
  const std::string path = std::string(TWI_PROVENANCE_TESTDATA_DIR) + "/" + std::string(name);
  auto text = ReadFile(path);
  if (!text.ok()) {
    std::fprintf(stderr, "fuzz seeds: %s: %s\n", path.c_str(), text.status().ToString().c_str());
    return "";
  }
  return *std::move(text);
}

// The key that signed testdata/slsa-provenance-v1.dsse.json (P-256, python3-cryptography).
const std::optional<crypto::PublicKey>& BuilderKey() {
  static const auto* key = [] {
    auto pem = crypto::PublicKey::FromPem(Testdata("slsa-provenance-v1.dsse.pub.pem"));
    return new std::optional<crypto::PublicKey>(pem.ok() ? std::optional(*std::move(pem))
                                                         : std::nullopt);
  }();
  return *key;
}

// A DSSE envelope, verified under the builder's key.
bool Dsse(ByteView data) {
  auto envelope = provenance::ParseDsse(AsString(data));
  if (!envelope.ok() || !BuilderKey()) return false;
  return provenance::VerifyDsse(*envelope, *BuilderKey(),
                                crypto::SignatureAlgorithm::kEcdsaP256Sha256)
      .ok();
}
std::vector<Bytes> DsseSeeds() {
  const std::string real = Testdata("slsa-provenance-v1.dsse.json");
  std::vector<Bytes> seeds = {ToBytes(real)};
  // The same envelope as another writer may put it: URL-safe unpadded base64, an unknown member
  // and a first signature by some other key, which verification must skip.
  if (auto envelope = provenance::ParseDsse(real); envelope.ok()) {
    Json other = {{"payloadType", envelope->payload_type},
                  {"payload", Base64UrlEncode(envelope->payload)},
                  {"signatures", Json::array()},
                  {"x-comment", "re-encoded"}};
    other["signatures"].push_back(
        Json::object({{"keyid", "other"}, {"sig", Base64UrlEncode(Bytes(64, 7))}}));
    for (const provenance::DsseSignature& signature : envelope->signatures) {
      other["signatures"].push_back(
          Json::object({{"keyid", signature.keyid}, {"sig", Base64UrlEncode(signature.sig)}}));
    }
    seeds.push_back(ToBytes(DumpJson(other)));
  }
  return seeds;
}

// An in-toto Statement; a SLSA Provenance v1 predicate must also pass CheckSlsaProvenance.
bool InToto(ByteView data) {
  auto statement = provenance::ParseStatement(AsString(data));
  if (!statement.ok()) return false;
  return statement->predicate_type != provenance::kSlsaProvenanceV1 ||
         provenance::CheckSlsaProvenance(statement->predicate).ok();
}
std::vector<Bytes> InTotoSeeds() {
  // Every ResourceDescriptor member, under a predicate type twi does not check.
  provenance::Statement statement;
  statement.subject.push_back(
      {.name = "twi-sbom-demo-1.0.0.tgz",
       .uri = "pkg:npm/twi-sbom-demo@1.0.0",
       .digest = {{"sha256", "d537cb1bb9f3aa14d6bb1fc8a4556990cd0721264469dd4dfa7ad1b772af4138"},
                  {"gitCommit", "0d2f4f3c9a7b1e5d8c6a4b2e0f1d3c5b7a9e8f6d"}},
       .media_type = "application/gzip",
       .download_location = "https://twi.example/dist/twi-sbom-demo-1.0.0.tgz",
       .content = ToBytes("tarball"),
       .annotations = {{"note", "fuzz seed"}}});
  statement.predicate_type = "https://spdx.dev/Document";
  statement.predicate = {{"spdxVersion", "SPDX-2.3"}};
  return {ToBytes(Testdata("slsa-provenance-v1.json")),
          ToBytes(provenance::EncodeStatement(statement))};
}

// The first byte chooses the options, the rest is the document: 0 the defaults (kind detected),
// 1..5 the kind declared (with a compliance type).
constexpr std::array<std::optional<provenance::DocumentKind>, 6> kDeclaredKinds = {
    std::nullopt,
    provenance::DocumentKind::kCycloneDx,
    provenance::DocumentKind::kSpdx,
    provenance::DocumentKind::kInTotoStatement,
    provenance::DocumentKind::kSlsaProvenance,
    provenance::DocumentKind::kCompliance,
};

bool WorkloadDocument(ByteView data) {
  if (data.empty()) return false;
  provenance::IngestOptions options;
  if (const auto kind = kDeclaredKinds[data[0] % kDeclaredKinds.size()]) {
    options.declared_kind = kind;
    options.compliance_type = "https://twi.example/compliance/fuzz/v1";
  }
  return provenance::IngestDocument(data.subspan(1), options).ok();
}
std::vector<Bytes> WorkloadDocumentSeeds() {
  auto with = [](uint8_t selector, std::string_view document) {
    std::string seed(1, static_cast<char>(selector));
    seed.append(document);
    return ToBytes(seed);
  };
  return {
      with(0, Testdata("cyclonedx-npm-1.6.json")),
      with(2, Testdata("spdx-2.3.json")),
      with(4, Testdata("slsa-provenance-v1.json")),
      with(0, Testdata("slsa-provenance-v1.dsse.json")),
      with(5, R"({"name":"SOC 2 Type II","period":"2026","controls":[1,2]})"),
  };
}

}  // namespace

const std::vector<Target>& Targets() {
  static const std::vector<Target>* targets = new std::vector<Target>{
      {"csr", Csr, CsrSeeds},
      {"certificate", Certificate, CertificateSeeds},
      {"jwt", Jwt, JwtSeeds},
      {"jwks", Jwks, JwksSeeds},
      {"spiffe_bundle", SpiffeBundle, SpiffeBundleSeeds},
      {"sample_evidence", SampleEvidence, SampleEvidenceSeeds},
      {"tpm_attest", TpmAttest, TpmAttestSeeds},
      {"tpm_public", TpmPublicArea, TpmPublicAreaSeeds},
      {"tpm_event_log", TpmEventLog, TpmEventLogSeeds},
      {"tpm_evidence", TpmEvidence, TpmEvidenceSeeds},
      {"tpm_ima_log", TpmImaLog, TpmImaLogSeeds},
      {"attestation_request", AttestationRequest, AttestationRequestSeeds},
      {"credential_request", CredentialRequest, CredentialRequestSeeds},
      {"ear_claims", EarClaims, EarClaimsSeeds},
      {"workload_policy", WorkloadPolicy, WorkloadPolicySeeds},
      {"tlog_note", TlogNote, TlogNoteSeeds},
      {"tlog_checkpoint", TlogCheckpoint, TlogCheckpointSeeds},
      {"tlog_proof", TlogProof, TlogProofSeeds},
      {"tlog_tiles", TlogTiles, TlogTilesSeeds},
      {"dsse", Dsse, DsseSeeds},
      {"in_toto", InToto, InTotoSeeds},
      {"workload_document", WorkloadDocument, WorkloadDocumentSeeds},
  };
  return *targets;
}

}  // namespace twi::fuzz
