// Byte strings and their text encodings (hex, base64, base64url).
//
// Decoders are strict: they reject whitespace, wrong alphabets, non-canonical trailing bits and
// (for base64url) padding, so that one value has exactly one encoding. All return
// Reason::kEncodingInvalid on bad input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace twi {

using Bytes = std::vector<uint8_t>;
using ByteView = absl::Span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string_view AsString(ByteView b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline std::string ToString(ByteView b) { return std::string(AsString(b)); }

// Constant-time equality for secrets and MACs; sizes are not secret.
bool ConstantTimeEquals(ByteView a, ByteView b);

std::string HexEncode(ByteView data);  // lower case
absl::StatusOr<Bytes> HexDecode(std::string_view hex);

std::string Base64UrlEncode(ByteView data);  // RFC 4648 §5, no padding
absl::StatusOr<Bytes> Base64UrlDecode(std::string_view text);

std::string Base64Encode(ByteView data);  // RFC 4648 §4, padded
absl::StatusOr<Bytes> Base64Decode(std::string_view text);

}  // namespace twi
