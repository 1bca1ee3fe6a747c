#include "libs/core/bytes.h"

#include <array>

#include "libs/core/status.h"

namespace twi {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::array<int8_t, 256> ReverseTable(const char* alphabet) {
  std::array<int8_t, 256> table;
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return table;
}

// Writes through a pointer into a presized string: push_back's capacity check per character
// costs more than the arithmetic here (these run on every JWS, PEM and thumbprint).
std::string Encode(ByteView data, const char* alphabet, bool pad) {
  const size_t full = data.size() / 3;
  const size_t rest = data.size() % 3;
  std::string out(full * 4 + (rest == 0 ? 0 : (pad ? 4 : rest + 1)), '=');
  char* o = out.data();
  const uint8_t* in = data.data();
  for (size_t g = 0; g < full; ++g, in += 3, o += 4) {
    const uint32_t v = (uint32_t{in[0]} << 16) | (uint32_t{in[1]} << 8) | in[2];
    o[0] = alphabet[(v >> 18) & 63];
    o[1] = alphabet[(v >> 12) & 63];
    o[2] = alphabet[(v >> 6) & 63];
    o[3] = alphabet[v & 63];
  }
  if (rest > 0) {
    const uint32_t v = (uint32_t{in[0]} << 16) | (rest == 2 ? uint32_t{in[1]} << 8 : 0);
    o[0] = alphabet[(v >> 18) & 63];
    o[1] = alphabet[(v >> 12) & 63];
    if (rest == 2) o[2] = alphabet[(v >> 6) & 63];
  }
  return out;
}

// Decodes unpadded text; rejects a final group whose unused low bits are not zero, because
// accepting them would give one value several encodings.
absl::StatusOr<Bytes> DecodeUnpadded(std::string_view text, const std::array<int8_t, 256>& table) {
  if (text.size() % 4 == 1) return Error(Reason::kEncodingInvalid, "base64: impossible length");
  Bytes out(text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1));
  uint8_t* o = out.data();
  const auto* in = reinterpret_cast<const uint8_t*>(text.data());
  const size_t full = text.size() / 4;
  // OR-ing the table entries finds any character outside the alphabet (-1) once per group.
  for (size_t g = 0; g < full; ++g, in += 4, o += 3) {
    const int8_t a = table[in[0]], b = table[in[1]], c = table[in[2]], d = table[in[3]];
    if ((a | b | c | d) < 0) {
      return Error(Reason::kEncodingInvalid, "base64: character outside the alphabet");
    }
    const uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | uint32_t(d);
    o[0] = static_cast<uint8_t>(v >> 16);
    o[1] = static_cast<uint8_t>(v >> 8);
    o[2] = static_cast<uint8_t>(v);
  }
  const size_t rest = text.size() % 4;  // 0, 2 or 3
  if (rest > 0) {
    const int8_t a = table[in[0]], b = table[in[1]], c = rest == 3 ? table[in[2]] : 0;
    if ((a | b | c) < 0) {
      return Error(Reason::kEncodingInvalid, "base64: character outside the alphabet");
    }
    const uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6);
    // The unused low bits of the last character must be zero: one value, one encoding.
    if ((rest == 2 && (v & 0xffff) != 0) || (rest == 3 && (v & 0xff) != 0)) {
      return Error(Reason::kEncodingInvalid, "base64: non-canonical trailing bits");
    }
    o[0] = static_cast<uint8_t>(v >> 16);
    if (rest == 3) o[1] = static_cast<uint8_t>(v >> 8);
  }
  return out;
}

}  // namespace

bool ConstantTimeEquals(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

std::string HexEncode(ByteView data) {
  std::string out(data.size() * 2, '\0');
  char* o = out.data();
  for (uint8_t b : data) {
    *o++ = kHexDigits[b >> 4];
    *o++ = kHexDigits[b & 15];
  }
  return out;
}

absl::StatusOr<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Error(Reason::kEncodingInvalid, "hex: odd length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Error(Reason::kEncodingInvalid, "hex: invalid digit");
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

std::string Base64UrlEncode(ByteView data) { return Encode(data, kBase64Url, false); }

absl::StatusOr<Bytes> Base64UrlDecode(std::string_view text) {
  static const auto table = ReverseTable(kBase64Url);
  return DecodeUnpadded(text, table);
}

std::string Base64Encode(ByteView data) { return Encode(data, kBase64Std, true); }

absl::StatusOr<Bytes> Base64Decode(std::string_view text) {
  static const auto table = ReverseTable(kBase64Std);
  if (text.size() % 4 != 0) return Error(Reason::kEncodingInvalid, "base64: length not padded");
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  return DecodeUnpadded(text.substr(0, text.size() - pad), table);
}

}  // namespace twi
