// A fresh directory under $TMPDIR (or /tmp), removed with its contents when the object dies.
#pragma once

#include <string>

namespace twi::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The repository's source tree: $TWI_SOURCE_DIR, else where this build was configured from.
std::string SourceDir();

// The folder of shared test vectors: $TWI_VECTORS_DIR, else ../shared/vectors next to the
// source tree. Empty if absent (tests then GTEST_SKIP with a message).
std::string VectorsDir();

}  // namespace twi::testing
