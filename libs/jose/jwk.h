// Public JSON Web Keys (RFC 7517) and key sets, with RFC 7638 thumbprints.
//
// Only public keys of the types libs/crypto supports: EC P-256/P-384, OKP Ed25519 (RFC 8037),
// RSA >= 2048 bits. A JWK carrying private material is refused, so a private key can never be
// published by round-tripping it through this type. Symmetric ("oct") keys do not exist here.
// x5c certificates are kept as text; checking them against the key is libs/x509's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/json.h"
#include "libs/crypto/keys.h"
#include "libs/jose/algorithm.h"

namespace twi::jose {

// A public JWK. The key is immutable; the optional members are set builder-style. Copyable;
// thread-compatible (const methods may be called concurrently).
class Jwk {
 public:
  // Parses one JWK object (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2):
  //   kty "EC": crv "P-256"/"P-384", x and y base64url of exactly the coordinate size;
  //   kty "OKP": crv "Ed25519", x base64url of 32 bytes;
  //   kty "RSA": n and e base64url, minimal big-endian (RFC 7518 §6.3.1).
  // Optional members kept: kid, alg, use (strings), x5c (non-empty array of base64 DER).
  // Unknown members are ignored (RFC 7517 §4).
  // Errors:
  //   kJoseMalformed        not an object; missing or mistyped member; private members ("d",
  //                         "p", "q", "dp", "dq", "qi", "oth", "k"); kty "oct"; wrong
  //                         coordinate length; bad base64url/base64; an "alg" of ours that does
  //                         not fit the key type;
  //   kKeyInvalid           values libs/crypto refuses (point off the curve, RSA < 2048 bits);
  //   kUnsupportedAlgorithm a kty or crv twi does not implement (e.g. EC "P-521", OKP "X25519"),
  //                         or an "alg" that is not one of Algorithm (e.g. "RS512",
  //                         "RSA-OAEP"). Jwks skips such keys instead of failing.
  // Thread-safe.
  static absl::StatusOr<Jwk> FromJson(const Json& json);

  // Wraps a key from libs/crypto; no optional members set. Thread-safe.
  static Jwk FromPublicKey(crypto::PublicKey key);

  Jwk& set_kid(std::string kid);
  // `alg` must fit the key type (KeyFitsAlgorithm); a mismatch is a programmer error.
  Jwk& set_alg(Algorithm alg);
  Jwk& set_use(std::string use);
  Jwk& set_x5c(std::vector<std::string> x5c);

  const crypto::PublicKey& key() const { return key_; }
  const std::optional<std::string>& kid() const { return kid_; }
  std::optional<Algorithm> alg() const { return alg_; }
  const std::optional<std::string>& use() const { return use_; }
  const std::vector<std::string>& x5c() const { return x5c_; }

  // The required members (kty, crv, x, y / n, e) plus kid, alg, use and x5c when set.
  Json ToJson() const;

  // RFC 7638 §3: base64url(SHA-256(UTF-8 JSON of the required members in lexicographic order,
  // no whitespace)). Required members: EC {crv,kty,x,y}; OKP {crv,kty,x}; RSA {e,kty,n}.
  std::string Thumbprint() const;

 private:
  Jwk(crypto::PublicKey key, Json required)
      : key_(std::move(key)), required_(std::move(required)) {}

  crypto::PublicKey key_;
  Json required_;  // RFC 7638 §3.2 required members, already in canonical form
  std::optional<std::string> kid_;
  std::optional<Algorithm> alg_;
  std::optional<std::string> use_;
  std::vector<std::string> x5c_;
};

// Largest JWK Set text Jwks::Parse accepts.
inline constexpr size_t kMaxJwksSize = 1024 * 1024;

// A JWK Set (RFC 7517 §5). Copyable; thread-compatible.
class Jwks {
 public:
  // {"keys":[...]}. A key that fails to parse fails the whole set with kJoseMalformed (a
  // half-read set would hide a publisher's mistake), except keys Jwk::FromJson reports as
  // kUnsupportedAlgorithm, which are skipped: RFC 7517 §5 says to ignore keys not understood.
  // Other top-level members (e.g. spiffe_sequence, spiffe_refresh_hint) are kept in extra().
  // Errors: kJoseMalformed. Thread-safe.
  static absl::StatusOr<Jwks> FromJson(const Json& json);

  // Parses text of at most kMaxJwksSize bytes (duplicate member names rejected) and calls
  // FromJson. Errors: kJoseMalformed. Thread-safe.
  static absl::StatusOr<Jwks> Parse(std::string_view text);

  void Add(Jwk key);
  const std::vector<Jwk>& keys() const { return keys_; }

  // Top-level members other than "keys"; always a JSON object.
  const Json& extra() const { return extra_; }
  Json& mutable_extra() { return extra_; }

  // extra() members plus "keys" (a "keys" member in extra() is overwritten).
  Json ToJson() const;

  // Key selection for verification (RFC 7515 §4.1.4): with a kid, exactly the keys with that
  // kid; without a kid, all keys. Callers then filter by algorithm. The pointers are into keys()
  // and valid until the set is modified.
  std::vector<const Jwk*> Candidates(const std::optional<std::string>& kid) const;

 private:
  std::vector<Jwk> keys_;
  Json extra_ = Json::object();
};

}  // namespace twi::jose
