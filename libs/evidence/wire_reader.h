// A bounds-checked cursor over untrusted evidence bytes (house style 6: the parse stage). Every
// read names its field, so a rejection says where the evidence broke; nothing is read past the
// end, and sizes read from the input are checked against the caller's maximum before use.
//
// Not thread-safe (a cursor); the bytes must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

namespace twi::evidence {

enum class Endian { kBig, kLittle };

class WireReader {
 public:
  WireReader(ByteView data, Endian endian, std::string_view structure)
      : data_(data), endian_(endian), structure_(structure) {}

  absl::StatusOr<uint8_t> U8(std::string_view field);
  absl::StatusOr<uint16_t> U16(std::string_view field);
  absl::StatusOr<uint32_t> U32(std::string_view field);
  absl::StatusOr<uint64_t> U64(std::string_view field);
  // The next `size` bytes, as a view into the input.
  absl::StatusOr<ByteView> Take(size_t size, std::string_view field);
  // A 16-bit size followed by that many bytes (TPM's TPM2B), at most `max_size`.
  absl::StatusOr<ByteView> Sized16(size_t max_size, std::string_view field);
  // A 32-bit size followed by that many bytes, at most `max_size`.
  absl::StatusOr<ByteView> Sized32(size_t max_size, std::string_view field);

  size_t offset() const { return offset_; }
  size_t remaining() const { return data_.size() - offset_; }
  // kEvidenceMalformed unless every byte was read.
  absl::Status ExpectEnd() const;
  // kEvidenceMalformed naming the structure, the field and the offset.
  absl::Status Malformed(std::string_view field, std::string_view why) const;

 private:
  absl::StatusOr<uint64_t> Integer(size_t size, std::string_view field);

  ByteView data_;
  Endian endian_;
  std::string_view structure_;
  size_t offset_ = 0;
};

}  // namespace twi::evidence
