// SecretBytes: an owning byte buffer that is wiped when it dies or is reassigned.
//
// Use it for private key material, PINs and other secrets that must not linger in freed memory.
// Move-only, so a secret is never silently duplicated. Not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/core/bytes.h"

namespace twi {

// Overwrites memory in a way the optimizer may not elide.
void SecureWipe(void* data, size_t size);

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size) : data_(size) {}
  explicit SecretBytes(ByteView data) : data_(data.begin(), data.end()) {}
  // Takes over `data` without leaving a copy behind.
  static SecretBytes Adopt(Bytes&& data) {
    SecretBytes s;
    s.data_.swap(data);
    return s;
  }
  ~SecretBytes() { Wipe(); }

  SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) { other.data_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      Wipe();
      data_ = std::move(other.data_);
      other.data_.clear();
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  ByteView view() const { return ByteView(data_.data(), data_.size()); }
  std::string_view as_string() const { return AsString(view()); }
  uint8_t* data() { return data_.data(); }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

 private:
  void Wipe() {
    if (!data_.empty()) SecureWipe(data_.data(), data_.size());
    data_.clear();
  }
  Bytes data_;
};

}  // namespace twi
