// The CSPRNG (OpenSSL's DRBG). Aborts if the generator fails: continuing without randomness is
// never safe, and no caller could recover.
#pragma once

#include <cstddef>
#include <cstdint>

#include "libs/core/bytes.h"

namespace twi::crypto {

void FillRandom(uint8_t* out, size_t size);
Bytes RandomBytes(size_t size);

}  // namespace twi::crypto
