// JWS Compact Serialization (RFC 7515 §7.1): strict parsing, verification against a public key
// or a JWK Set, and signing through a crypto::Signer.
//
// Parsing is separate from verification: ParseCompact only checks structure and never says a
// token is trustworthy. Not supported, by design: the JSON serialization, unencoded payloads
// (RFC 7797), critical extensions, "none" and HMAC algorithms, and fetching keys from "jku" or
// "x5u" (those members are ignored; keys come only from the caller's Jwks, RFC 8725 §3.10).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/jose/algorithm.h"
#include "libs/jose/jwk.h"

namespace twi::jose {

// Longest compact JWS accepted or produced.
inline constexpr size_t kMaxCompactJwsSize = 64 * 1024;

// The result of structural parsing. NOT verified.
struct ParsedJws {
  Json header;                     // the JOSE Header, a JSON object
  Bytes payload;                   // decoded payload
  std::string signing_input;       // ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
  Bytes signature;                 // decoded signature
  Algorithm alg;                   // header "alg"
  std::optional<std::string> kid;  // header "kid"
  std::optional<std::string> typ;  // header "typ"
};

// Strict structural parse: at most kMaxCompactJwsSize bytes; exactly three '.'-separated parts;
// each canonical unpadded base64url; the header a JSON object without duplicate member names
// (RFC 7515 §4) nested at most kMaxJsonDepth; "alg" present and one of Algorithm; "kid", "typ"
// strings if present; no "crit" (RFC 7515 §4.1.11); "b64" absent or true (RFC 7797 §3).
// Errors: kJoseMalformed; kJoseAlgorithmNotAllowed for an "alg" that is not one of Algorithm
// ("none", "HS256", ...). Thread-safe.
absl::StatusOr<ParsedJws> ParseCompact(std::string_view compact);

// Verifies `jws` with `key`. Errors: kJoseAlgorithmNotAllowed if `allowed` is empty, does not
// contain jws.alg, or the key type does not fit jws.alg (RFC 8725 §3.1); kSignatureInvalid.
// Thread-safe.
absl::Status VerifyParsed(const ParsedJws& jws, const crypto::PublicKey& key,
                          const std::vector<Algorithm>& allowed);

// ParseCompact, then verification with a key from `keys`: the candidates for the header "kid"
// (Jwks::Candidates) whose key type fits "alg", whose JWK "alg" (if set) equals it and whose
// "use" (if set) is not "enc" (RFC 7517 §4.2). Returns the parsed JWS once one candidate
// verifies. Errors: those of ParseCompact and VerifyParsed; kJoseKeyNotFound if no candidate
// fits. Thread-safe.
absl::StatusOr<ParsedJws> VerifyCompact(std::string_view compact, const Jwks& keys,
                                        const std::vector<Algorithm>& allowed);

// Signs `payload`. "alg" is set from signer.algorithm(); `header` must be a JSON object without
// "alg", "crit" or "b64" (tokens we could not verify ourselves), else kInvalidArgument. Other
// members (typ, kid, ...) are copied as given. kInvalidArgument if the result would exceed
// kMaxCompactJwsSize; kUnsupportedAlgorithm if the signer's algorithm has no JOSE name; the
// signer's errors. Thread-safe if the signer is.
absl::StatusOr<std::string> SignCompact(Json header, ByteView payload,
                                        const crypto::Signer& signer);

}  // namespace twi::jose
