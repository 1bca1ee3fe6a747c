// The evidence framework: one backend per TEE kind, each in three stages (house style 6):
// parse (bounds-checked, no crypto) -> verify (signatures, chains, collateral; outputs
// normalized Claims) -> appraise (libs/policy decides, not the backend).
//
// A backend that cannot protect anything (the `sample` TEE) reports insecure() == true; the
// registry refuses to hold it unless the deployment explicitly allows insecure TEEs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/bytes.h"
#include "libs/evidence/claims.h"

namespace twi::evidence {

// One piece of evidence as it travels: TEE kind, media type and the native bytes.
struct EvidenceItem {
  std::string tee;
  std::string media_type;
  Bytes data;
};

class EvidenceVerifier {
 public:
  virtual ~EvidenceVerifier() = default;
  virtual std::string_view tee() const = 0;
  virtual std::string_view media_type() const = 0;
  virtual bool insecure() const { return false; }
  // Parses and verifies `evidence`; `now` is the instant collateral must be valid at.
  // Thread-safe. Reasons: kEvidenceMalformed, kEvidenceSignatureInvalid, backend-specific ones.
  virtual absl::StatusOr<Claims> Verify(ByteView evidence, absl::Time now) const = 0;
};

// The attesting side: produces native evidence whose report-data field holds `report_data`.
class Attester {
 public:
  virtual ~Attester() = default;
  virtual std::string_view tee() const = 0;
  virtual std::string_view media_type() const = 0;
  // Size of the TEE's report-data field in bytes.
  virtual size_t report_data_size() const = 0;
  virtual absl::StatusOr<Bytes> Attest(ByteView report_data) = 0;
};

// Backends a Verifier accepts, by TEE kind. Immutable after setup; lookups are thread-safe.
class EvidenceRegistry {
 public:
  explicit EvidenceRegistry(bool allow_insecure) : allow_insecure_(allow_insecure) {}
  // kConfigInvalid for a second backend of the same kind, or an insecure backend when the
  // deployment does not allow insecure TEEs.
  absl::Status Register(std::unique_ptr<EvidenceVerifier> verifier);
  // kTeeNotAllowed if no backend for `tee` is configured; kEvidenceMalformed if the media type
  // is not the backend's.
  absl::StatusOr<const EvidenceVerifier*> Find(std::string_view tee,
                                               std::string_view media_type) const;
  std::vector<std::string> tees() const;

 private:
  bool allow_insecure_;
  std::vector<std::unique_ptr<EvidenceVerifier>> verifiers_;
};

}  // namespace twi::evidence
