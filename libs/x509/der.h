// A tiny DER writer (X.690 §8, §10) for the few structures libs/x509 assembles itself: the outer
// Certificate / CertificationRequest SEQUENCE around a TBS that OpenSSL encoded and a signature
// that a crypto::Signer produced (possibly inside a PKCS#11 token).
//
// It is not a general ASN.1 library and never parses: everything it wraps is already DER.
// Internal to libs/x509. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "libs/core/bytes.h"

namespace twi::x509::der {

inline constexpr uint8_t kTagBitString = 0x03;
inline constexpr uint8_t kTagObjectIdentifier = 0x06;
inline constexpr uint8_t kTagSequence = 0x30;  // constructed

// Appends the definite-length encoding of `length` (X.690 §8.1.3, minimal form per §10.1).
void AppendLength(size_t length, Bytes& out);

// tag || length || contents.
Bytes Tlv(uint8_t tag, ByteView contents);

// SEQUENCE whose contents are the concatenation of `elements` (each already DER).
Bytes Sequence(std::initializer_list<ByteView> elements);

// BIT STRING holding whole octets (0 unused bits, X.690 §8.6.2), as signatures are.
Bytes BitString(ByteView octets);

}  // namespace twi::x509::der
