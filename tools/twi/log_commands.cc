// `twi log ...`: checks of the transparency log for auditors and relying parties. `verify` is
// offline; `checkpoint` and `consistency` fetch from a server and verify what they fetch.
#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/net/client.h"
#include "libs/net/json_api.h"
#include "libs/rp/provenance_client.h"
#include "libs/tlog/checkpoint.h"
#include "libs/tlog/merkle.h"
#include "libs/tlog/note.h"
#include "libs/tlog/proof_bundle.h"
#include "tools/twi/cli.h"

namespace twi::cli {
namespace {

struct LogFlags {
  std::string proof;
  std::string vkey;
  std::string record;  // the entry is SHA-256 of this file's bytes
  std::string entry;   // or the entry in hex
  std::string old_checkpoint;
  std::string new_checkpoint;
  std::string server;
  std::string server_ca;
};

absl::StatusOr<tlog::NoteVerifier> VerifierKey(const LogFlags& f) {
  TWI_ASSIGN_OR_RETURN(std::string vkey, ReadTokenFile(f.vkey));
  return tlog::NoteVerifier::FromVerifierKey(vkey);
}

Json CheckpointJson(const tlog::Checkpoint& checkpoint) {
  return {{"origin", checkpoint.origin},
          {"size", checkpoint.size},
          {"root", Base64Encode(checkpoint.root)}};
}

absl::StatusOr<net::HttpsClient> Client(const LogFlags& f) {
  if (f.server.empty() || f.server_ca.empty()) {
    return Error(Reason::kInvalidArgument, "need --server and --server-ca");
  }
  TWI_ASSIGN_OR_RETURN(net::Endpoint endpoint, net::ParseHttpsUrl(f.server));
  net::TlsClientConfig tls;
  TWI_ASSIGN_OR_RETURN(tls.ca_pem, ReadFile(f.server_ca, 1 << 20));
  return net::HttpsClient(endpoint.host, endpoint.port, std::move(tls));
}

absl::StatusOr<Output> Verify(const LogFlags& f) {
  TWI_ASSIGN_OR_RETURN(const tlog::NoteVerifier key, VerifierKey(f));
  TWI_ASSIGN_OR_RETURN(std::string text, ReadFile(f.proof, 1 << 20));
  TWI_ASSIGN_OR_RETURN(const tlog::ProofBundle bundle, tlog::ParseProofBundle(text));
  Bytes entry;
  if (!f.record.empty() == !f.entry.empty()) {
    return Error(Reason::kInvalidArgument, "give the entry as --record FILE or --entry HEX");
  }
  if (!f.record.empty()) {
    TWI_ASSIGN_OR_RETURN(std::string record, ReadFile(f.record, 1 << 20));
    entry = crypto::Sha256(AsBytes(record));
  } else {
    TWI_ASSIGN_OR_RETURN(entry, HexDecode(f.entry));
  }
  TWI_ASSIGN_OR_RETURN(const tlog::Checkpoint checkpoint,
                       tlog::VerifyProofBundle(bundle, tlog::LeafHash(entry), key, key.name()));
  Json json = {{"valid", true},
               {"entry", HexEncode(entry)},
               {"index", bundle.index},
               {"checkpoint", CheckpointJson(checkpoint)}};
  return Output{json,
                absl::StrFormat("entry %s is at index %d of %s (checkpoint size %d, root %s)\n",
                                HexEncode(entry), bundle.index, checkpoint.origin, checkpoint.size,
                                Base64Encode(checkpoint.root))};
}

absl::StatusOr<Output> LatestCheckpoint(const LogFlags& f) {
  TWI_ASSIGN_OR_RETURN(const tlog::NoteVerifier key, VerifierKey(f));
  TWI_ASSIGN_OR_RETURN(net::HttpsClient client, Client(f));
  TWI_ASSIGN_OR_RETURN(const std::string note, rp::FetchCheckpoint(client));
  TWI_ASSIGN_OR_RETURN(const tlog::Checkpoint checkpoint,
                       tlog::OpenCheckpoint(note, key, key.name()));
  Json json = CheckpointJson(checkpoint);
  json["note"] = note;
  return Output{json, note};
}

// Two checkpoints the caller kept: the older must be a prefix of the newer (no fork).
absl::StatusOr<Output> Consistency(const LogFlags& f) {
  TWI_ASSIGN_OR_RETURN(const tlog::NoteVerifier key, VerifierKey(f));
  TWI_ASSIGN_OR_RETURN(std::string old_note, ReadFile(f.old_checkpoint, 1 << 20));
  TWI_ASSIGN_OR_RETURN(std::string new_note, ReadFile(f.new_checkpoint, 1 << 20));
  TWI_ASSIGN_OR_RETURN(const tlog::Checkpoint older,
                       tlog::OpenCheckpoint(old_note, key, key.name()));
  TWI_ASSIGN_OR_RETURN(const tlog::Checkpoint newer,
                       tlog::OpenCheckpoint(new_note, key, key.name()));
  std::vector<tlog::Hash> proof;
  if (older.size != newer.size) {
    TWI_ASSIGN_OR_RETURN(net::HttpsClient client, Client(f));
    TWI_ASSIGN_OR_RETURN(
        const Json answer,
        net::GetJson(client, absl::StrFormat("/v1/log/proof/consistency?old=%d&new=%d", older.size,
                                             newer.size)));
    TWI_ASSIGN_OR_RETURN(const Json* hashes, GetArray(answer, "hashes"));
    for (const Json& hash : *hashes) {
      if (!hash.is_string()) return Error(Reason::kProofMalformed, "a proof hash is not text");
      TWI_ASSIGN_OR_RETURN(const Bytes bytes, Base64Decode(hash.get<std::string>()));
      TWI_ASSIGN_OR_RETURN(const tlog::Hash parsed, tlog::HashFromBytes(bytes));
      proof.push_back(parsed);
    }
  }
  TWI_RETURN_IF_ERROR(
      tlog::VerifyConsistency(older.size, newer.size, proof, older.root, newer.root));
  return Output{
      {{"consistent", true}, {"old", CheckpointJson(older)}, {"new", CheckpointJson(newer)}},
      absl::StrFormat("consistent: the log at size %d is a prefix of the log at size %d\n",
                      older.size, newer.size)};
}

void ServerFlags(CLI::App* command, LogFlags& f) {
  command->add_option("--server", f.server, "The server's public listener (https://host:port)");
  command->add_option("--server-ca", f.server_ca, "PEM trust anchors of the server's TLS");
}

}  // namespace

void AddLogCommands(CLI::App& app, Context& context) {
  CLI::App* log = app.add_subcommand("log", "Transparency log: checkpoints and proofs");
  log->require_subcommand(1);
  auto f = std::make_shared<LogFlags>();

  CLI::App* verify = log->add_subcommand("verify", "Check an offline inclusion proof (no network)");
  verify->add_option("--proof", f->proof, "c2sp.org/tlog-proof@v1 file")->required();
  verify->add_option("--vkey", f->vkey, "The log's signed-note verifier key")->required();
  verify->add_option("--record", f->record, "The logged record (its SHA-256 is the entry)");
  verify->add_option("--entry", f->entry, "The entry, hex");
  Register(verify, context, [f] { return Verify(*f); });

  CLI::App* checkpoint = log->add_subcommand("checkpoint", "Fetch and check the latest checkpoint");
  checkpoint->add_option("--vkey", f->vkey, "The log's signed-note verifier key")->required();
  ServerFlags(checkpoint, *f);
  Register(checkpoint, context, [f] { return LatestCheckpoint(*f); });

  CLI::App* consistency =
      log->add_subcommand("consistency", "Check that an older checkpoint is a prefix of a newer");
  consistency->add_option("--old", f->old_checkpoint, "Older checkpoint file")->required();
  consistency->add_option("--new", f->new_checkpoint, "Newer checkpoint file")->required();
  consistency->add_option("--vkey", f->vkey, "The log's signed-note verifier key")->required();
  ServerFlags(consistency, *f);
  Register(consistency, context, [f] { return Consistency(*f); });
}

}  // namespace twi::cli
