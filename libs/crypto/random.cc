#include "libs/crypto/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdlib>

namespace twi::crypto {

void FillRandom(uint8_t* out, size_t size) {
  while (size > 0) {
    const int chunk = size > INT_MAX ? INT_MAX : static_cast<int>(size);
    if (RAND_bytes(out, chunk) != 1) abort();
    out += chunk;
    size -= static_cast<size_t>(chunk);
  }
}

Bytes RandomBytes(size_t size) {
  Bytes out(size);
  FillRandom(out.data(), size);
  return out;
}

Bytes TimeOrderedRandom(absl::Time now, size_t size) {
  if (size < 16) abort();
  Bytes out(size);
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(now));
  for (int i = 0; i < 6; ++i) out[i] = static_cast<uint8_t>(millis >> (8 * (5 - i)));
  FillRandom(out.data() + 6, size - 6);
  return out;
}

std::string UuidV7(absl::Time now) {
  Bytes b = TimeOrderedRandom(now, 16);
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0f));
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));
  const std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace twi::crypto
