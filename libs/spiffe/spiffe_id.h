// SPIFFE IDs (spiffe://<trust-domain>/<path>), parsed strictly per SPIFFE-ID §2.
//
// This is the identifier type for X509-SVID URI SANs, WIT `sub` claims and policy documents. It
// only validates and normalizes syntax; whether an identity is authorized is policy's business
// (libs/policy), and trust-domain bundles live elsewhere.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace twi::spiffe {

// Longest ID we accept. SPIFFE-ID §2.3 says to support at least 2048 bytes and not to generate
// longer ones; refusing longer input keeps URIs bounded everywhere they travel.
inline constexpr size_t kMaxSpiffeIdLength = 2048;
// SPIFFE-ID §2.1: the trust domain is at most 255 bytes.
inline constexpr size_t kMaxTrustDomainLength = 255;

// A syntactically valid SPIFFE ID. Immutable value type; thread-compatible.
class SpiffeId {
 public:
  // An empty placeholder (empty() is true) so that structs holding an ID can be default
  // constructed; every ID obtained from Parse/FromParts is non-empty.
  SpiffeId() = default;

  // Strict parse per SPIFFE-ID §2: scheme "spiffe" (case-insensitive, normalized to lower case);
  // trust domain non-empty, only [a-z0-9._-] (upper case is rejected, not folded), at most 255
  // bytes, no userinfo, port or percent-encoding; path segments only [a-zA-Z0-9._-], no empty,
  // "." or ".." segment, no trailing "/"; no query or fragment; whole ID at most 2048 bytes.
  // Returns kSpiffeIdInvalid with a message naming the violated rule.
  static absl::StatusOr<SpiffeId> Parse(std::string_view uri);

  // Builds from a trust domain and a path ("" or "/seg/..."), validating both as Parse does.
  // Returns kSpiffeIdInvalid.
  static absl::StatusOr<SpiffeId> FromParts(std::string_view trust_domain, std::string_view path);

  const std::string& trust_domain() const { return trust_domain_; }
  // "" for a trust domain ID, else "/seg[/seg...]".
  const std::string& path() const { return path_; }
  // "spiffe://<trust-domain><path>"; "" for an empty placeholder.
  std::string ToString() const;
  // The trust domain's own ID (SPIFFE-ID §2.3): no path.
  bool is_root() const { return path_.empty(); }
  bool empty() const { return trust_domain_.empty(); }

  friend bool operator==(const SpiffeId&, const SpiffeId&) = default;
  friend std::strong_ordering operator<=>(const SpiffeId&, const SpiffeId&) = default;

 private:
  SpiffeId(std::string trust_domain, std::string path)
      : trust_domain_(std::move(trust_domain)), path_(std::move(path)) {}

  std::string trust_domain_;
  std::string path_;
};

// Checks a bare trust domain name ("example.org") per SPIFFE-ID §2.1. Returns kSpiffeIdInvalid.
absl::Status ValidateTrustDomain(std::string_view trust_domain);

// Checks a path ("" or "/seg[/seg...]") per SPIFFE-ID §2.2. Returns kSpiffeIdInvalid.
absl::Status ValidatePath(std::string_view path);

}  // namespace twi::spiffe
