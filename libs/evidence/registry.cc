#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/evidence/evidence.h"

namespace twi::evidence {

absl::Status EvidenceRegistry::Register(std::unique_ptr<EvidenceVerifier> verifier) {
  if (verifier->insecure() && !allow_insecure_) {
    return Error(Reason::kConfigInvalid,
                 absl::StrFormat("TEE kind \"%s\" is insecure and this deployment does not allow "
                                 "insecure TEEs",
                                 verifier->tee()));
  }
  for (const auto& v : verifiers_) {
    if (v->tee() == verifier->tee()) {
      return Error(Reason::kConfigInvalid,
                   absl::StrFormat("TEE kind \"%s\" registered twice", verifier->tee()));
    }
  }
  verifiers_.push_back(std::move(verifier));
  return absl::OkStatus();
}

absl::StatusOr<const EvidenceVerifier*> EvidenceRegistry::Find(std::string_view tee,
                                                               std::string_view media_type) const {
  for (const auto& v : verifiers_) {
    if (v->tee() != tee) continue;
    if (v->media_type() != media_type) {
      return Error(Reason::kEvidenceMalformed,
                   absl::StrFormat("TEE kind \"%s\" expects media type %s", tee, v->media_type()));
    }
    return v.get();
  }
  return Error(
      Reason::kTeeNotAllowed,
      absl::StrFormat("evidence of TEE kind \"%s\" is not accepted by this verifier", tee));
}

std::vector<std::string> EvidenceRegistry::tees() const {
  std::vector<std::string> out;
  for (const auto& v : verifiers_) out.emplace_back(v->tee());
  return out;
}

}  // namespace twi::evidence
