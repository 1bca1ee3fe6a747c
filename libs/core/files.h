// Small, bounded file helpers. Every read has a size limit; writes are atomic (temp + rename)
// so a reader never sees half a credential or half a policy.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace twi {

inline constexpr size_t kDefaultMaxFileSize = 4 * 1024 * 1024;

// Reads a whole file. kIoError if missing or unreadable, kInvalidArgument if over `max_size`.
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     size_t max_size = kDefaultMaxFileSize);

// Writes `data` to `path` with permission `mode` via a temp file in the same directory, fsync and
// rename. Creates no directories. kIoError on failure; the old file then remains intact.
absl::Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode = 0644);

// mkdir -p with `mode` for created directories.
absl::Status MakeDirs(const std::string& path, mode_t mode = 0755);

}  // namespace twi
