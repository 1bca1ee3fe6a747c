// TPM evidence as it travels from the agent to the Verifier: one JSON document (media type
// application/vnd.twi.tpm-evidence+json, docs/tpm.md) carrying the native TPM structures
// unchanged, so the Verifier checks exactly the bytes the TPM signed:
//
//   {"version": 1,
//    "ak_public": b64url(TPMT_PUBLIC),
//    "ak_certificates": [b64url(DER), ...],          AK certificate first, then intermediates
//    "quotes": [{"attest": b64url(TPMS_ATTEST), "signature": b64url(TPMT_SIGNATURE)}, ...],
//    "pcrs": {"sha256": b64url(values), ...},         per bank, the values the quote covers,
//                                                     concatenated in its PCR order (ascending)
//    "event_log": b64url(TCG PC Client log),          optional
//    "agent_log": b64url(TCG log of the agent's own measurements),   optional
//    "ima_log": b64url(IMA binary measurement list),  optional, with
//    "ima_log_hash": "sha1" | "sha256" | ...}         the algorithm of its template hashes
//
// Parsing checks the document's shape and sizes only; quote.h and event_log.h parse the native
// structures. Thread-safe: pure functions.
#pragma once

#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/evidence/backends/tpm/quote.h"

namespace twi::evidence::tpm {

inline constexpr std::string_view kTee = "tpm";
inline constexpr std::string_view kMediaType = "application/vnd.twi.tpm-evidence+json";
inline constexpr int kEvidenceVersion = 1;
// The whole document, base64 included: an 8 MiB event log is 11 MiB in base64url.
inline constexpr size_t kMaxEvidenceSize = 12 << 20;
inline constexpr size_t kMaxAkCertificates = 4;
inline constexpr size_t kMaxQuotes = 4;
// The agent log holds a handful of events; anything larger is not ours.
inline constexpr size_t kMaxAgentLogSize = 64 << 10;
// TPM2B_DATA of a quote holds at most a SHA-512 digest (Part 2 §10.4.3).
inline constexpr size_t kMaxQualifyingDataSize = 64;

struct TpmEvidence {
  Bytes ak_public;                     // TPMT_PUBLIC
  std::vector<Bytes> ak_certificates;  // DER, AK certificate first
  std::vector<TpmQuote> quotes;
  // By TPM_ALG_ID: the quoted PCRs' values concatenated in ascending PCR order; which PCRs they
  // are is the signed quote's to say (BanksOf).
  std::map<uint16_t, Bytes> pcr_values;
  Bytes event_log;            // empty: none shipped
  Bytes agent_log;            // empty: none shipped
  Bytes ima_log;              // empty: none shipped
  uint16_t ima_log_hash = 0;  // TPM_ALG_ID of ima_log's template hashes
};

Bytes EncodeTpmEvidence(const TpmEvidence& evidence);

// A bank's values in the evidence's form.
Bytes ConcatPcrValues(const PcrBank& bank);

// The PCR values of every bank the quotes select: exactly one quote selects each bank, and each
// bank's concatenation holds exactly its selected PCRs' values (kEvidenceMalformed otherwise).
absl::StatusOr<std::vector<PcrBank>> BanksOf(const TpmEvidence& evidence,
                                             const std::vector<QuoteAttest>& quotes);

// kEvidenceMalformed naming the member for any deviation from the shape above: unknown members,
// a version other than 1, bad base64url or hex, a PCR value of the wrong size for its bank, an
// unknown bank name, counts or sizes over the limits.
absl::StatusOr<TpmEvidence> ParseTpmEvidence(ByteView data);

}  // namespace twi::evidence::tpm
