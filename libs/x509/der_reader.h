// A strict DER reader (X.690 §8.1, §10.1) for the outer layers of structures libs/x509 parses
// itself instead of through OpenSSL's d2i functions, which in OpenSSL 3.0 decode every embedded
// public key through the slow provider decoders. Inner structures whose syntax is not ours to
// check (names, attributes) are still handed to OpenSSL.
//
// Accepts only single-octet tags and definite lengths in minimal form. Internal to libs/x509;
// pure and thread-safe.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"

namespace twi::x509::der {

inline constexpr uint8_t kTagInteger = 0x02;
inline constexpr uint8_t kTagContext0Constructed = 0xa0;

struct Element {
  uint8_t tag = 0;
  ByteView contents;  // the value octets
  ByteView encoding;  // tag, length and contents
};

// Reads the element at the front of `in` and advances `in` past it. Errors carry `reason`:
// truncated input, a high tag number, indefinite or non-minimal lengths.
absl::StatusOr<Element> Read(ByteView& in, Reason reason);

// Read, then requires `tag`.
absl::StatusOr<Element> Expect(ByteView& in, uint8_t tag, Reason reason);

}  // namespace twi::x509::der
