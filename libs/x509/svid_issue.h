// X509-SVID issuance encoded directly in DER: the Credential Authority's hot path.
//
// Produces exactly the certificate IssueCertificate(*X509SvidTemplate(...), &issuer, signer)
// does (same fields, extensions, order and encoding — svid_issue_test.cc compares the two byte
// for byte), without building an OpenSSL X509 object: under OpenSSL 3.0 that construction, the
// key encoding inside it and re-reading the result cost more than the signature itself.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/spiffe/spiffe_id.h"
#include "libs/x509/certificate.h"
#include "libs/x509/issue.h"

namespace twi::x509 {

struct IssuedCertificate {
  Bytes der;
  std::string serial_hex;  // as Certificate::SerialHex
  absl::Time not_before;
  absl::Time not_after;
};

// A certificate before it is signed: what a provenance record names (libs/x509/precert.h).
struct Precertificate {
  ByteView tbs;  // DER TBSCertificate without the extension the hook adds
  std::string serial_hex;
  std::string issuer_name_sha256;  // hex SHA-256 of the issuer Name DER
  absl::Time not_before;
  absl::Time not_after;
};

// Returns the extension to append, as the last one, before signing (the provenance pointer).
// Its errors abort the issuance: nothing is signed.
using PrecertHook = std::function<absl::StatusOr<Extension>(const Precertificate&)>;

// `issuer` must be a CA whose key is signer.public_key(); `key` an EC P-256/P-384 or Ed25519
// key. `serial` empty: a fresh random 16-octet serial. The signature is verified before the
// certificate is returned. With `hook`, the certificate carries the extension it returns, and
// removing that extension from the TBSCertificate gives back exactly Precertificate::tbs.
// Thread-safe if `signer` is. Errors: as X509SvidTemplate and IssueCertificate, the hook's own,
// and kInvalidArgument for a hook extension that is critical or is one the SVID already has.
absl::StatusOr<IssuedCertificate> IssueX509Svid(const spiffe::SpiffeId& id,
                                                const crypto::PublicKey& key, absl::Time now,
                                                absl::Duration ttl, absl::Duration backdate,
                                                const Certificate& issuer,
                                                const crypto::Signer& signer, Bytes serial = {},
                                                const PrecertHook& hook = nullptr);

}  // namespace twi::x509
