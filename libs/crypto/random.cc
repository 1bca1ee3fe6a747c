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

}  // namespace twi::crypto
