// Test-only: IMA binary measurement lists as a kernel (Linux >= 5.8) writes them, and what it
// extends into each PCR bank for them. The encoding is checked independently in ima_log_test.cc
// against a template hash taken from a real system's list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "libs/core/bytes.h"
#include "libs/crypto/digest.h"

namespace twi::evidence::tpm::testing {

inline void PutU32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

inline void PutSized(Bytes& out, ByteView field) {
  PutU32(out, static_cast<uint32_t>(field.size()));
  out.insert(out.end(), field.begin(), field.end());
}

// ima-ng template data: d-ng "<alg>:\0<digest>" and n-ng "<name>\0".
inline Bytes ImaNgData(std::string_view alg, ByteView digest, std::string_view name) {
  Bytes d = ToBytes(std::string(alg) + ":");
  d.push_back(0);
  d.insert(d.end(), digest.begin(), digest.end());
  Bytes n = ToBytes(name);
  n.push_back(0);
  Bytes data;
  PutSized(data, d);
  PutSized(data, n);
  return data;
}

struct ImaTestEntry {
  uint32_t pcr = 10;
  std::string template_name = "ima-ng";
  Bytes data;
  bool violation = false;
};

inline ImaTestEntry ImaFile(std::string_view path, ByteView sha256) {
  return {.pcr = 10, .template_name = "ima-ng", .data = ImaNgData("sha256", sha256, path)};
}

// One entry of the list with template hashes of `alg`.
inline Bytes EncodeImaEntry(const ImaTestEntry& e,
                            crypto::DigestAlgorithm alg = crypto::DigestAlgorithm::kSha1) {
  Bytes out;
  PutU32(out, e.pcr);
  const Bytes hash = e.violation ? Bytes(crypto::DigestSize(alg), 0) : crypto::Digest(alg, e.data);
  out.insert(out.end(), hash.begin(), hash.end());
  PutSized(out, AsBytes(e.template_name));
  PutSized(out, e.data);
  return out;
}

// What the kernel extends into bank `alg` for the entry.
inline Bytes ImaExtendDigest(const ImaTestEntry& e, crypto::DigestAlgorithm alg) {
  return e.violation ? Bytes(crypto::DigestSize(alg), 0xFF) : crypto::Digest(alg, e.data);
}

}  // namespace twi::evidence::tpm::testing
