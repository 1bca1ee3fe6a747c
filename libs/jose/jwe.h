// JWE Compact Serialization (RFC 7516 §7.1) for one recipient: encryption to a public key and
// strict decryption with the matching private key.
//
// Algorithms (RFC 7518): "alg" ECDH-ES+A256KW (§4.6: ephemeral-static ECDH on P-256 or P-384,
// the Concat KDF of §4.6.2, then AES-256 key wrap of §4.4) or RSA-OAEP-256 (§4.3: RSAES-OAEP
// with SHA-256 and MGF1-SHA-256, RSA >= 2048 bits); "enc" A256GCM (§5.3) only.
//
// Not supported, by design: the JSON serialization and several recipients; shared and
// unprotected headers; "zip" (compressing before encrypting leaks the plaintext's content
// through its length); "crit" (RFC 7516 §4.1.13: twi understands no extension); direct
// key agreement "ECDH-ES" and "dir" (twi always wraps a fresh random CEK, one path less);
// RSA1_5 (RFC 8725 §3.2: Bleichenbacher), AES key wrap with a shared key, PBES2, AES-CBC-HMAC.
// Keys come from the caller: "jku", "jwk", "kid", "x5u" and "x5c" never select one.
//
// Thread-safe: every function works on its arguments only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/json.h"
#include "libs/core/secret.h"
#include "libs/crypto/keys.h"

namespace twi::jose {

// Longest compact JWE accepted or produced.
inline constexpr size_t kMaxCompactJweSize = 1024 * 1024;

enum class JweAlgorithm { kEcdhEsA256Kw, kRsaOaep256 };

// "ECDH-ES+A256KW", "RSA-OAEP-256".
std::string_view JweAlgorithmName(JweAlgorithm alg);

// Optional members of the protected header (RFC 7516 §4.1.6, §4.1.11, §4.1.12). Copied as
// given; they are integrity-protected (part of the AAD) but not secret.
struct JweHeaderFields {
  std::optional<std::string> kid;
  std::optional<std::string> cty;
  std::optional<std::string> typ;
};

// Encrypts `plaintext` to `recipient` with a fresh random CEK and IV (and, for EC, a fresh
// ephemeral key on the recipient's curve, sent as "epk"). "alg" follows the key type: EC
// P-256/P-384 -> ECDH-ES+A256KW, RSA -> RSA-OAEP-256; "enc" is A256GCM. The CEK, the ECDH
// secret and the KEK live in SecretBytes and are wiped before returning.
// Errors: kKeyInvalid for other key types (Ed25519, RSA-PSS-only keys); kInvalidArgument if the
// JWE would exceed kMaxCompactJweSize; kCryptoFailure if OpenSSL fails.
absl::StatusOr<std::string> JweEncrypt(ByteView plaintext, const crypto::PublicKey& recipient,
                                       const JweHeaderFields& fields = {});
// The same for a secret plaintext (a key, a credential), so callers need no unwiped copy.
absl::StatusOr<std::string> JweEncrypt(const SecretBytes& plaintext,
                                       const crypto::PublicKey& recipient,
                                       const JweHeaderFields& fields = {});

struct JweDecrypted {
  Json protected_header;  // the JOSE Header, a JSON object
  JweAlgorithm alg;
  JweHeaderFields fields;
  SecretBytes plaintext;
};

// Decrypts a compact JWE with `recipient`'s private key (RFC 7516 §5.2). Parsing is strict:
// at most kMaxCompactJweSize bytes; exactly five '.'-separated parts, each canonical unpadded
// base64url; the header a JSON object without duplicate members; "alg" and "enc" strings of
// the algorithms above; no "zip" and no "crit"; "kid", "cty", "typ" strings if present; for
// ECDH-ES+A256KW an "epk" public EC JWK on the recipient's curve, "apu"/"apv" base64url
// strings if present; a 96-bit IV and a 128-bit tag.
// Errors:
//   kJoseMalformed           structure, encoding, header members, IV or tag size, missing "epk";
//   kJoseAlgorithmNotAllowed another "alg" or "enc", or "zip" or "crit" present;
//   kKeyInvalid              "alg" does not fit the recipient's key type, or "epk" is not a
//                            valid point on the recipient's curve;
//   kDecryptionFailed        the key does not decrypt the JWE, or any part was changed. One
//                            message for every cause: a failed unwrap or OAEP decoding goes on
//                            with a random CEK (RFC 7516 §11.5), so it fails where a wrong tag
//                            fails, after the same steps, and no answer tells them apart.
absl::StatusOr<JweDecrypted> JweDecrypt(std::string_view compact,
                                        const crypto::PrivateKey& recipient);

namespace internal {

// RFC 7518 §4.6.2: the Concat KDF OtherInfo, AlgorithmID || PartyUInfo || PartyVInfo ||
// SuppPubInfo, each of the first three a 32-bit big-endian length followed by the data, and
// SuppPubInfo the key length in bits as 32-bit big-endian. Exposed for the known-answer test
// of RFC 7518 Appendix C.
Bytes ConcatKdfOtherInfo(std::string_view algorithm_id, ByteView apu, ByteView apv,
                         size_t key_bits);

}  // namespace internal

}  // namespace twi::jose
