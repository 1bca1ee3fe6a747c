#include "libs/core/files.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi {
namespace {

absl::Status IoError(std::string_view what, const std::string& path) {
  return Error(Reason::kIoError, absl::StrFormat("%s %s: %s", what, path, strerror(errno)));
}

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path, size_t max_size) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", path);
  std::string out;
  char buf[16384];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status status = IoError("cannot read", path);
      close(fd);
      return status;
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_size) {
      close(fd);
      return Error(Reason::kInvalidArgument,
                   absl::StrFormat("%s is larger than the limit of %d bytes", path, max_size));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

absl::Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return IoError("cannot create temporary file for", path);
  auto fail = [&](std::string_view what) {
    absl::Status status = IoError(what, path);
    close(fd);
    unlink(tmp.c_str());
    return status;
  };
  if (fchmod(fd, mode) != 0) return fail("cannot set mode on");
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("cannot sync");
  if (close(fd) != 0) {
    unlink(tmp.c_str());
    return IoError("cannot close", path);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status status = IoError("cannot rename into", path);
    unlink(tmp.c_str());
    return status;
  }
  return absl::OkStatus();
}

absl::Status MakeDirs(const std::string& path, mode_t mode) {
  std::error_code ec;
  std::filesystem::path p(path);
  std::filesystem::path partial;
  for (const auto& part : p) {
    partial /= part;
    if (std::filesystem::exists(partial, ec)) continue;
    if (mkdir(partial.c_str(), mode) != 0 && errno != EEXIST) return IoError("cannot create", path);
  }
  return absl::OkStatus();
}

}  // namespace twi
