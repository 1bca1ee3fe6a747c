// The Linux IMA runtime measurement list (securityfs ima/binary_runtime_measurements, or
// binary_runtime_measurements_<hash> on kernels with one list per PCR bank): every file and
// buffer IMA measured since boot, each extended into a PCR (10 by default). Parsing is strict
// and bounded; the check finds the prefix of the list that a quote vouches for, since IMA keeps
// appending while the agent quotes and reads.
//
// Entry layout (little-endian, the kernel's canonical format on x86 and arm64):
//   u32 pcr | template hash (the list's algorithm) | u32 name length | template name |
//   u32 data length | template data = for each field: u32 length | field bytes
// The template hash is H(template data); an all-zero one records a violation (a file measured
// while open for writing), which the kernel extends as all 0xFF. Since Linux 5.8 every bank B
// is extended with B(template data); older kernels extended the SHA-1 hash, zero-padded.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/evidence/backends/tpm/event_claims.h"
#include "libs/evidence/backends/tpm/quote.h"

namespace twi::evidence::tpm {

inline constexpr size_t kMaxImaLogSize = 8 << 20;
inline constexpr size_t kMaxImaEntries = 200000;
inline constexpr size_t kMaxImaTemplateData = 64 << 10;
inline constexpr std::string_view kImaBootAggregate = "boot_aggregate";
// The kernel's lists: the SHA-1 one exists on every kernel; its hashes are recomputed per bank.
inline constexpr std::string_view kSecurityfsImaLog =
    "/sys/kernel/security/ima/binary_runtime_measurements";

struct ImaEntry {
  uint32_t pcr = 0;
  Bytes template_hash;  // in the list's algorithm
  std::string template_name;
  ByteView template_data;  // into the parsed buffer
  bool violation = false;
  // From the templates whose first fields are d-ng (or d-ngv2) and n-ng: ima-ng, ima-sig,
  // ima-ngv2, ima-sigv2, ima-buf, ima-modsig, evm-sig. Empty otherwise.
  std::string digest_type;  // "ima", or "verity" (d-ngv2 only)
  std::string digest_alg;   // the kernel's name: "sha256", "sha1", ...
  Bytes digest;
  std::string name;  // the file's path or the buffer's name
};

struct ImaLog {
  uint16_t hash_alg = 0;  // of the template hashes in the list
  std::vector<ImaEntry> entries;
  std::set<uint32_t> pcrs;  // every PCR an entry extends
};

// Parses a binary list whose template hashes are of `hash_alg`, requiring each non-violation
// entry's hash to be that of its data. `data` must outlive the result. kEvidenceMalformed for a
// structure that is not such a list, and for the legacy "ima" template (a 20-byte SHA-1/MD5 and
// a padded name, not length-prefixed fields): boot such kernels with ima_template=ima-ng.
absl::StatusOr<ImaLog> ParseImaLog(ByteView data, uint16_t hash_alg);

// How many leading entries the quoted `banks` vouch for: the longest prefix that replays, in the
// SHA-256 bank, to exactly the quoted values of every PCR the log extends, and also in every
// other quoted bank holding those PCRs. kTpmEventLogMismatch when a PCR the log extends is not
// quoted in SHA-256, or no prefix replays (entries missing, reordered or altered).
absl::StatusOr<size_t> CheckImaLog(const ImaLog& log, const std::vector<PcrBank>& banks);

// The boot_aggregate (entry 0 of a real list): the hash, in the bank it names, of PCRs 0-7 and,
// for any bank but SHA-1, 8 and 9, as IMA read them at start. Returns false when those PCRs are
// not quoted (then nothing is checked); kTpmEventLogMismatch when they are and differ.
absl::StatusOr<bool> CheckBootAggregate(const ImaEntry& entry, const std::vector<PcrBank>& banks);

// From the first `attested` entries: "ima:<name>" per file or buffer IMA measured (the digest
// as IMA computed it, when SHA-256 or SHA-384 (ima_hash=): the digests a policy names;
// "ima-verity:<name>" for fs-verity digests). A name
// measured with two different digests, or only in violations, gets no claim. The description
// counts the entries, the attested ones, violations and ambiguous names.
EventClaims ImaClaims(const ImaLog& log, size_t attested);

// A list's hash algorithm from its securityfs file name: the _sha1/_sha256/_sha384/_sha512
// suffix, SHA-1 without one (the kernel's original list).
uint16_t ImaLogHashFromPath(std::string_view path);

}  // namespace twi::evidence::tpm
