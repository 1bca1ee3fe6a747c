#include "testing/temp_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace twi::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/twi-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string SourceDir() {
  if (const char* env = std::getenv("TWI_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  return TWI_SOURCE_DIR_DEFAULT;
}

std::string VectorsDir() {
  if (const char* env = std::getenv("TWI_VECTORS_DIR"); env != nullptr && *env != '\0') {
    return std::filesystem::is_directory(env) ? std::string(env) : std::string();
  }
  std::filesystem::path candidate =
      std::filesystem::path(SourceDir()) / ".." / "shared" / "vectors";
  return std::filesystem::is_directory(candidate) ? candidate.lexically_normal().string()
                                                  : std::string();
}

}  // namespace twi::testing
