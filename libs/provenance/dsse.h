// DSSE v1.0.0 (Dead Simple Signing Envelope): the JSON envelope, its Pre-Authentication Encoding,
// signing through a crypto::Signer and verification under one public key.
//
// This is the envelope cosign, in-toto and the SLSA generators put around in-toto Statements, so
// twi's provenance records can be checked by their tooling and theirs by twi. It is not a policy:
// VerifyDsse says that a signature by `key` covers the payload, never that `key` is trusted, and
// the unauthenticated `keyid` hint is never used to choose or trust a key (protocol.md).
//
// Specs: secure-systems-lab/dsse protocol.md and envelope.md (v1.0.0).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"

namespace twi::provenance {

inline constexpr char kInTotoPayloadType[] = "application/vnd.in-toto+json";
// The media type of a DSSE JSON envelope as a document (in-toto envelope.md, IANA registration).
inline constexpr char kDsseMediaType[] = "application/vnd.dsse.envelope.v1+json";
// Longest envelope text ParseDsse reads.
inline constexpr size_t kMaxDsseSize = 4 * 1024 * 1024;

struct DsseSignature {
  std::string keyid{};  // unauthenticated hint; empty = unset (envelope.md: the same thing)
  Bytes sig{};          // ECDSA: DER (as cosign and in-toto write); Ed25519: 64 raw bytes
};

struct DsseEnvelope {
  std::string payload_type{};
  Bytes payload{};
  std::vector<DsseSignature> signatures{};
};

// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in decimal
// without leading zeros (protocol.md "Signature Definition"). The result is the signed bytes.
std::string Pae(std::string_view payload_type, ByteView payload);

// Signs PAE(payload_type, payload) with `signer`. ECDSA signatures are stored DER-encoded (the
// Signer returns r||s), Ed25519 ones raw. `keyid` may be empty. Errors: kInvalidArgument for an
// empty payload type; the signer's errors (kCryptoFailure, Key Store reasons). Thread-safe if
// the signer is.
absl::StatusOr<DsseEnvelope> SignDsse(std::string_view payload_type, ByteView payload,
                                      const crypto::Signer& signer, std::string_view keyid);

// Compact JSON {"payload":b64,"payloadType":..,"signatures":[{"keyid":..,"sig":b64}]}: members
// in this (sorted) order, standard padded base64, "keyid" omitted when empty. The bytes equal
// DumpJson of the same object, so an envelope parsed by nlohmann and dumped again is unchanged.
std::string EncodeDsse(const DsseEnvelope& envelope);

// Parses a JSON envelope of at most kMaxDsseSize bytes (envelope.md "Parsing rules"): "payload",
// "payloadType" and "signatures" required, each signature an object with "sig" and optionally a
// string "keyid"; unknown members ignored; repeated member names refused (two parsers must not
// read two payloads). Base64 may be standard or URL-safe, padded or not (protocol.md: verifiers
// MUST accept either). twi also requires at least one signature: an unsigned envelope has no
// purpose. Errors: kBodyTooLarge; kDsseMalformed naming the member. Thread-safe.
absl::StatusOr<DsseEnvelope> ParseDsse(std::string_view json);
// The same checks on an already parsed JSON value (for callers that had to look at it first).
absl::StatusOr<DsseEnvelope> ParseDsseJson(const Json& envelope);

// OK iff at least one signature verifies over PAE(payload_type, payload) under `key` with
// `algorithm` (a (1, 1) envelope in protocol.md terms). ECDSA signatures are accepted in
// canonical DER and as raw r||s of the curve's length (the spec's own test vector is raw).
// Errors: kDsseSignatureInvalid; kUnsupportedAlgorithm if `key` does not fit `algorithm` (a
// caller's mistake, not a bad envelope). Thread-safe.
absl::Status VerifyDsse(const DsseEnvelope& envelope, const crypto::PublicKey& key,
                        crypto::SignatureAlgorithm algorithm);

// Base64 as DSSE readers must take it: the standard or the URL-safe alphabet (not both in one
// value), with or without "=" padding; trailing bits must be zero so that each value has one
// reading. Errors: kEncodingInvalid.
absl::StatusOr<Bytes> DecodeDsseBase64(std::string_view text);

}  // namespace twi::provenance
