// Test-only: a small SPIFFE PKI (root CA -> intermediate CA -> X509-SVID leaf) issued through
// software Signers, for libs/x509 tests and for tests of libraries built on it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/x509/certificate.h"
#include "libs/x509/issue.h"

namespace twi::x509::testing {

inline constexpr char kTrustDomain[] = "example.org";
inline constexpr char kWorkloadId[] = "spiffe://example.org/ns/prod/sa/web";
inline constexpr absl::Duration kLeafTtl = absl::Hours(1);

// A fixed whole-second instant (2026-01-01T00:00:00Z); tests never read the wall clock.
inline absl::Time TestNow() { return absl::FromUnixSeconds(1767225600); }

// A software Signer over a fresh key of `type` with twi's default algorithm for it.
absl::StatusOr<std::unique_ptr<crypto::Signer>> NewSigner(
    crypto::KeyType type = crypto::KeyType::kEcP256);

struct Party {
  std::unique_ptr<crypto::Signer> signer;
  Certificate certificate;
};

// A self-signed SPIFFE CA for `trust_domain`, valid for a year around `now`.
absl::StatusOr<Party> MakeRoot(absl::Time now, std::string_view trust_domain = kTrustDomain,
                               crypto::KeyType type = crypto::KeyType::kEcP256);
// A SPIFFE CA (path_len 0) for `trust_domain` issued by `issuer`, valid for a day around `now`.
absl::StatusOr<Party> MakeIntermediate(const Party& issuer, absl::Time now,
                                       std::string_view trust_domain = kTrustDomain,
                                       crypto::KeyType type = crypto::KeyType::kEcP256);
// An X509-SVID for `id` issued by `issuer` (ttl kLeafTtl from `now`); `mutate` may change the
// template first, to make deliberately wrong leaves.
absl::StatusOr<Party> MakeLeaf(const Party& issuer, absl::Time now,
                               std::string_view id = kWorkloadId,
                               const std::function<void(CertificateTemplate&)>& mutate = {});

struct Pki {
  Party root;
  Party intermediate;
  Party leaf;
};
// root -> intermediate -> leaf for kWorkloadId, all valid at `now`.
absl::StatusOr<Pki> MakePki(absl::Time now);

}  // namespace twi::x509::testing
