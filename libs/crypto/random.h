// The CSPRNG (OpenSSL's DRBG). Aborts if the generator fails: continuing without randomness is
// never safe, and no caller could recover.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "libs/core/bytes.h"

namespace twi::crypto {

void FillRandom(uint8_t* out, size_t size);
Bytes RandomBytes(size_t size);

// Unique identifiers that sort by creation time, so that records keyed by them are appended to
// an index instead of landing on a random page of it (the reason RFC 9562 defines UUIDv7).
//
// `size` bytes (at least 16): the Unix time in milliseconds as 48 bits, big-endian, then
// random bytes (at least 80 bits).
Bytes TimeOrderedRandom(absl::Time now, size_t size);
// An RFC 9562 UUIDv7 in its lowercase text form: 48 bits of milliseconds, version 7, variant
// 0b10, 74 random bits.
std::string UuidV7(absl::Time now);

}  // namespace twi::crypto
