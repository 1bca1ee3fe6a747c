#include "libs/evidence/wire_reader.h"

#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace twi::evidence {

absl::Status WireReader::Malformed(std::string_view field, std::string_view why) const {
  return Error(Reason::kEvidenceMalformed,
               absl::StrFormat("%s: %s at offset %d: %s", structure_, field, offset_, why));
}

absl::StatusOr<uint64_t> WireReader::Integer(size_t size, std::string_view field) {
  if (remaining() < size) return Malformed(field, "truncated");
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    const size_t at = endian_ == Endian::kBig ? offset_ + i : offset_ + size - 1 - i;
    value = (value << 8) | data_[at];
  }
  offset_ += size;
  return value;
}

absl::StatusOr<uint8_t> WireReader::U8(std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const uint64_t v, Integer(1, field));
  return static_cast<uint8_t>(v);
}
absl::StatusOr<uint16_t> WireReader::U16(std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const uint64_t v, Integer(2, field));
  return static_cast<uint16_t>(v);
}
absl::StatusOr<uint32_t> WireReader::U32(std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const uint64_t v, Integer(4, field));
  return static_cast<uint32_t>(v);
}
absl::StatusOr<uint64_t> WireReader::U64(std::string_view field) { return Integer(8, field); }

absl::StatusOr<ByteView> WireReader::Take(size_t size, std::string_view field) {
  if (remaining() < size) return Malformed(field, "truncated");
  const ByteView out = data_.subspan(offset_, size);
  offset_ += size;
  return out;
}

absl::StatusOr<ByteView> WireReader::Sized16(size_t max_size, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const uint16_t size, U16(field));
  if (size > max_size) {
    return Malformed(field, absl::StrFormat("size %d exceeds %d", size, max_size));
  }
  return Take(size, field);
}

absl::StatusOr<ByteView> WireReader::Sized32(size_t max_size, std::string_view field) {
  TWI_ASSIGN_OR_RETURN(const uint32_t size, U32(field));
  if (size > max_size) {
    return Malformed(field, absl::StrFormat("size %d exceeds %d", size, max_size));
  }
  return Take(size, field);
}

absl::Status WireReader::ExpectEnd() const {
  if (remaining() != 0) {
    return Malformed("end", absl::StrFormat("%d trailing bytes", remaining()));
  }
  return absl::OkStatus();
}

}  // namespace twi::evidence
