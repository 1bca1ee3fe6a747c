// Strict PEM (RFC 7468) encoding and decoding for libs/x509.
//
// Decoding accepts only what twi and OpenSSL write: one or more blocks with the expected label,
// base64 lines ended by LF or CRLF, whitespace around and between blocks. Explanatory text,
// encapsulated headers (encrypted PEM), other labels and non-canonical base64 are refused, so
// that a chain file cannot smuggle in anything but certificates. Internal to libs/x509; the
// functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/status.h"

namespace twi::x509::internal {

// The DER contents of each block, in order. Errors carry `reason`: no block, a block with
// another label, a malformed block, or more than `max_blocks` blocks.
absl::StatusOr<std::vector<Bytes>> DecodePemBlocks(std::string_view pem, std::string_view label,
                                                   size_t max_blocks, Reason reason);

// Exactly one block with `label`.
absl::StatusOr<Bytes> DecodePemBlock(std::string_view pem, std::string_view label, Reason reason);

// One block, 64-column base64 lines, LF line ends.
std::string EncodePem(std::string_view label, ByteView der);

}  // namespace twi::x509::internal
