// What the agent reports about itself and its workload in sample-TEE evidence.
//
// Architecture §3 puts the agent inside the TCB: its own measurement is part of the evidence.
// A hardware TEE measures the agent at launch; the insecure sample TEE has no launch
// measurement, so the agent hashes its own executable (/proc/self/exe) — the same digest an
// operator endorses with `twi agent measure`.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

namespace twi::agent {

// SHA-256 of the file at `path`, read in chunks (binaries are larger than ReadFile's limit).
// kIoError if it cannot be read.
absl::StatusOr<Bytes> Sha256OfFile(const std::string& path);

// SHA-256 of the running executable. kIoError if /proc/self/exe cannot be read.
absl::StatusOr<Bytes> MeasureSelf();

// "sha256:<hex>" -> 32 raw bytes, or a path of a file to hash. kInvalidArgument / kIoError.
absl::StatusOr<Bytes> DigestFromSpec(const std::string& digest_or_path);

}  // namespace twi::agent
