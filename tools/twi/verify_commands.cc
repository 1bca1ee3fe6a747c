// `twi verify`: relying-party checks of credentials and attestation results.
#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/secret.h"
#include "libs/core/status.h"
#include "libs/ear/ear.h"
#include "libs/policy/tier.h"
#include "libs/provenance/sealed_record.h"
#include "libs/rp/credentials.h"
#include "libs/rp/provenance_check.h"
#include "libs/rp/provenance_client.h"
#include "libs/tlog/note.h"
#include "libs/x509/certificate.h"
#include "tools/twi/cli.h"

namespace twi::cli {
namespace {

struct VerifyFlags {
  std::string file;
  std::string bundle;
  std::string trust_domain;
};

absl::StatusOr<rp::SpiffeBundle> ReadBundle(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1 << 20));
  return rp::ParseSpiffeBundle(text);
}

absl::StatusOr<Output> VerifySvid(const VerifyFlags& f) {
  TWI_ASSIGN_OR_RETURN(rp::SpiffeBundle bundle, ReadBundle(f.bundle));
  TWI_ASSIGN_OR_RETURN(std::string pem, ReadFile(f.file, 1 << 20));
  TWI_ASSIGN_OR_RETURN(rp::VerifiedX509Svid svid,
                       rp::VerifyX509Svid(pem, f.trust_domain, bundle, absl::Now()));
  const std::string until =
      absl::FormatTime(absl::RFC3339_sec, svid.leaf.not_after(), absl::UTCTimeZone());
  return Output{{{"valid", true},
                 {"spiffe_id", svid.id.ToString()},
                 {"serial", svid.leaf.SerialHex()},
                 {"not_after", until}},
                absl::StrFormat("valid X509-SVID for %s (serial %s, until %s)\n",
                                svid.id.ToString(), svid.leaf.SerialHex(), until)};
}

absl::StatusOr<Output> VerifyWitToken(const VerifyFlags& f) {
  TWI_ASSIGN_OR_RETURN(rp::SpiffeBundle bundle, ReadBundle(f.bundle));
  TWI_ASSIGN_OR_RETURN(std::string token, ReadTokenFile(f.file));
  TWI_ASSIGN_OR_RETURN(rp::VerifiedWit wit,
                       rp::VerifyWit(token, f.trust_domain, bundle, absl::Now()));
  return Output{{{"valid", true},
                 {"spiffe_id", wit.id.ToString()},
                 {"cnf_thumbprint", wit.confirmation_key.Thumbprint()},
                 {"claims", wit.claims}},
                absl::StrFormat("valid WIT for %s (bound key %s)\n", wit.id.ToString(),
                                wit.confirmation_key.Thumbprint())};
}

absl::StatusOr<Output> VerifyEar(const VerifyFlags& f) {
  TWI_ASSIGN_OR_RETURN(std::string jwks_text, ReadFile(f.bundle, 1 << 20));
  TWI_ASSIGN_OR_RETURN(jose::Jwks keys, jose::Jwks::Parse(jwks_text));
  TWI_ASSIGN_OR_RETURN(std::string token, ReadTokenFile(f.file));
  TWI_ASSIGN_OR_RETURN(ear::Ear result, ear::Verify(token, keys, absl::Now()));
  Output out;
  out.json = ear::ToJson(result);
  out.text = absl::StrFormat("valid EAR: status %s", policy::TierName(result.status));
  if (result.workload.has_value()) {
    out.text += absl::StrFormat(", workload %s (release %s)", result.workload->identifier,
                                result.workload->release);
  }
  out.text += "\n";
  return out;
}

struct ProvenanceFlags {
  std::string credential;  // PEM chain (X509-SVID) or a WIT
  std::string record;
  std::string proof;
  std::string signer;
  std::string vkey;
  std::string server;  // fetch record and proof when they are not given
  std::string server_ca;
  std::string auditor_key;  // PEM private key that opens records sealed for auditors
};

absl::StatusOr<tlog::NoteVerifier> ReadVerifierKey(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string vkey, ReadTokenFile(path));
  return tlog::NoteVerifier::FromVerifierKey(vkey);
}

absl::StatusOr<rp::CredentialFacts> ReadCredentialFacts(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1 << 20));
  if (text.find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
    TWI_ASSIGN_OR_RETURN(const std::vector<x509::Certificate> chain,
                         x509::Certificate::ChainFromPem(text));
    return rp::X509CredentialFacts(chain[0].ToDer());
  }
  TWI_ASSIGN_OR_RETURN(std::string token, ReadTokenFile(path));
  return rp::WitCredentialFacts(token);
}

absl::StatusOr<Output> VerifyProvenanceCommand(const ProvenanceFlags& f) {
  TWI_ASSIGN_OR_RETURN(const rp::CredentialFacts facts, ReadCredentialFacts(f.credential));
  std::string envelope;
  std::string proof;
  if (f.record.empty() != f.proof.empty()) {
    return Error(Reason::kInvalidArgument, "give both --record and --proof, or neither");
  }
  std::optional<crypto::PrivateKey> auditor;
  if (!f.auditor_key.empty()) {
    TWI_ASSIGN_OR_RETURN(std::string pem, ReadFile(f.auditor_key, 1 << 16));
    absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::FromPem(pem);
    SecureWipe(pem.data(), pem.size());
    if (!key.ok()) return key.status();
    auditor = *std::move(key);
  }
  rp::FetchedProvenance fetched;
  if (!f.record.empty()) {
    TWI_ASSIGN_OR_RETURN(fetched.envelope, ReadFile(f.record, 1 << 20));
    TWI_ASSIGN_OR_RETURN(proof, ReadFile(f.proof, 1 << 20));
    // A sealed record file is opened against the digest the credential points at.
    fetched.sealed = provenance::LooksSealed(fetched.envelope);
    if (fetched.sealed && facts.pointer.has_value()) fetched.digest = facts.pointer->record_digest;
  } else {
    if (f.server.empty() || f.server_ca.empty()) {
      return Error(Reason::kInvalidArgument,
                   "without --record and --proof, --server and --server-ca fetch them");
    }
    TWI_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseHttpsUrl(f.server));
    net::TlsClientConfig tls;
    TWI_ASSIGN_OR_RETURN(tls.ca_pem, ReadFile(f.server_ca, 1 << 20));
    net::HttpsClient client(endpoint.host, endpoint.port, std::move(tls));
    TWI_ASSIGN_OR_RETURN(fetched, rp::FetchProvenance(client, facts.credential_id));
    proof = std::move(fetched.proof_bundle);
  }
  TWI_ASSIGN_OR_RETURN(envelope,
                       rp::PlainEnvelope(fetched, auditor.has_value() ? &*auditor : nullptr));
  TWI_ASSIGN_OR_RETURN(std::string signer_pem, ReadFile(f.signer, 1 << 20));
  TWI_ASSIGN_OR_RETURN(const crypto::PublicKey signer, crypto::PublicKey::FromPem(signer_pem));
  TWI_ASSIGN_OR_RETURN(const tlog::NoteVerifier log_key, ReadVerifierKey(f.vkey));
  TWI_ASSIGN_OR_RETURN(const rp::VerifiedProvenance verified,
                       rp::VerifyProvenance(facts, envelope, signer, proof, log_key));
  Json json = rp::ProvenanceJson(verified);
  json["valid"] = true;
  json["internal_binding"] = facts.pointer.has_value();
  return Output{std::move(json),
                "valid provenance: record signed, bound to the credential" +
                    std::string(facts.pointer.has_value() ? " both ways" : " (external binding)") +
                    ", included in the log\n" + rp::DescribeProvenance(verified)};
}

void AddVerify(CLI::App* verify, Context& context, const std::string& name,
               const std::string& description, const std::string& file_flag,
               const std::string& bundle_flag, bool needs_trust_domain,
               absl::StatusOr<Output> (*run)(const VerifyFlags&)) {
  CLI::App* command = verify->add_subcommand(name, description);
  auto f = std::make_shared<VerifyFlags>();
  command->add_option(file_flag, f->file, "File to check")->required();
  command->add_option(bundle_flag, f->bundle, "Trust material (JWKS)")->required();
  if (needs_trust_domain) {
    command->add_option("--trust-domain", f->trust_domain, "Expected trust domain")->required();
  }
  Register(command, context, [f, run] { return run(*f); });
}

}  // namespace

void AddVerifyCommands(CLI::App& app, Context& context) {
  CLI::App* verify = app.add_subcommand("verify", "Relying party: check credentials");
  verify->require_subcommand(1);
  AddVerify(verify, context, "x509-svid", "Check an X509-SVID chain against a SPIFFE bundle",
            "--svid", "--bundle", true, VerifySvid);
  AddVerify(verify, context, "wit", "Check a Workload Identity Token against a SPIFFE bundle",
            "--token", "--bundle", true, VerifyWitToken);
  AddVerify(verify, context, "ear", "Check an EAR attestation result against verifier keys",
            "--token", "--jwks", false, VerifyEar);

  CLI::App* provenance = verify->add_subcommand(
      "provenance", "Check a credential's provenance record and its log inclusion (offline)");
  auto f = std::make_shared<ProvenanceFlags>();
  provenance->add_option("--credential", f->credential, "X509-SVID chain (PEM) or WIT")->required();
  provenance->add_option("--record", f->record, "The record's DSSE envelope");
  provenance->add_option("--proof", f->proof, "Offline proof (c2sp.org/tlog-proof@v1)");
  provenance->add_option("--signer", f->signer, "PEM public key of the record signer")->required();
  provenance->add_option("--vkey", f->vkey, "The log's signed-note verifier key")->required();
  provenance->add_option("--server", f->server, "Fetch record and proof from this server");
  provenance->add_option("--server-ca", f->server_ca, "PEM trust anchors of the server's TLS");
  provenance->add_option("--auditor-key", f->auditor_key,
                         "PEM private key of an auditor, to open a record sealed for auditors");
  Register(provenance, context, [f] { return VerifyProvenanceCommand(*f); });
}

}  // namespace twi::cli
