// HTTP face of the transparency log and of the Credential Provenance records beside it (wiring
// only; the logic is libs/tlog/sequencer and libs/storage). All read-only and unauthenticated:
// the log and its checkpoints are public by design, and records are found by credential.
//
// C2SP tlog-tiles read API under /log/:
//   GET /log/checkpoint                 -> text/plain; the latest signed checkpoint
//   GET /log/tile/<L>/<N>[.p/<W>]       -> application/octet-stream; hash tiles
//   GET /log/tile/entries/<N>[.p/<W>]   -> application/octet-stream; entry bundles
// Proofs (for clients that do not compute them from tiles):
//   GET /v1/log/proof/inclusion?index=<i>&size=<n>   -> {"index","tree_size","hashes":[b64]}
//   GET /v1/log/proof/consistency?old=<m>&new=<n>    -> {"old","new","hashes":[b64]}
//   GET /v1/log/proof/bundle?index=<i>  -> text/plain; c2sp.org/tlog-proof@v1 against the latest
//                                          checkpoint (waits up to 2 s for one to cover i)
//   GET /v1/log/checkpoint?size=<n>     -> text/plain; the checkpoint published at that size
// Records:
//   GET /v1/provenance/record?credential=<x509:serial|wit:jti>  (or ?digest=sha256:<hex>)
//       -> {"digest","credential","log_index","content_type","content": the envelope as text}
#pragma once

#include "libs/net/router.h"
#include "libs/storage/provenance_store.h"
#include "libs/tlog/sequencer/transparency_log.h"

namespace twi::services {

inline constexpr char kLogPrefix[] = "/log/";
inline constexpr char kInclusionProofPath[] = "/v1/log/proof/inclusion";
inline constexpr char kConsistencyProofPath[] = "/v1/log/proof/consistency";
inline constexpr char kProofBundlePath[] = "/v1/log/proof/bundle";
inline constexpr char kCheckpointAtPath[] = "/v1/log/checkpoint";
inline constexpr char kProvenanceRecordPath[] = "/v1/provenance/record";

// `log` and `records` must outlive the router.
void AddLogRoutes(net::Router& router, tlog::TransparencyLog& log,
                  storage::ProvenanceStore& records);

}  // namespace twi::services
