#include "libs/ear/ear.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "libs/core/bytes.h"
#include "libs/core/json_writer.h"
#include "libs/core/status.h"
#include "libs/jose/jws.h"
#include "libs/jose/jwt.h"

namespace twi::ear {
namespace {

// AR4SI JSON names of the trustworthiness vector (draft-ietf-rats-ar4si §2.3.2), in vector order.
struct VectorField {
  std::string_view name;
  int policy::TrustVector::*member;
};
constexpr VectorField kVectorFields[] = {
    {"instance-identity", &policy::TrustVector::instance_identity},
    {"configuration", &policy::TrustVector::configuration},
    {"executables", &policy::TrustVector::executables},
    {"file-system", &policy::TrustVector::file_system},
    {"hardware", &policy::TrustVector::hardware},
    {"runtime-opaque", &policy::TrustVector::runtime_opaque},
    {"storage-opaque", &policy::TrustVector::storage_opaque},
    {"sourced-data", &policy::TrustVector::sourced_data},
};

absl::Status Invalid(std::string_view what) { return Error(Reason::kEarInvalid, what); }

// -04 name first, then the pre-03 dotted name.
const Json* Find(const Json& object, std::string_view name, std::string_view legacy = {}) {
  auto it = object.find(name);
  if (it != object.end()) return &*it;
  if (!legacy.empty()) {
    it = object.find(legacy);
    if (it != object.end()) return &*it;
  }
  return nullptr;
}

// EAR -03 §3.1: iat/exp are integers; a floating-point NumericDate is an error.
absl::StatusOr<absl::Time> IntegerTime(const Json& claims, std::string_view name, bool required) {
  const Json* v = Find(claims, name);
  if (v == nullptr) {
    if (required) return Invalid(absl::StrFormat("missing \"%s\"", name));
    return absl::InfinitePast();
  }
  if (!v->is_number_integer()) return Invalid(absl::StrFormat("\"%s\" must be an integer", name));
  return absl::FromUnixSeconds(v->get<int64_t>());
}

absl::StatusOr<policy::Tier> ParseTier(const Json& value) {
  // JSON form uses the tier names; tolerate the CBOR integer form too.
  if (value.is_string()) {
    auto tier = policy::TierFromName(value.get<std::string>());
    if (!tier.ok()) return Invalid("unknown ear_status");
    return *tier;
  }
  if (value.is_number_integer()) {
    const int v = value.get<int>();
    for (policy::Tier t : {policy::Tier::kNone, policy::Tier::kAffirming, policy::Tier::kWarning,
                           policy::Tier::kContraindicated}) {
      if (static_cast<int>(t) == v) return t;
    }
  }
  return Invalid("ear_status must be a tier name");
}

absl::StatusOr<policy::TrustVector> ParseVector(const Json& value) {
  if (!value.is_object()) return Invalid("trustworthiness vector must be an object");
  policy::TrustVector vector;
  for (const auto& [name, v] : value.items()) {
    const VectorField* field = nullptr;
    for (const auto& f : kVectorFields) {
      if (f.name == name) field = &f;
    }
    // Unknown vector members are ignored (extensibility), but known ones must be claim ints.
    if (field == nullptr) continue;
    if (!v.is_number_integer() || v.get<int64_t>() < -128 || v.get<int64_t>() > 127) {
      return Invalid(absl::StrFormat("trustworthiness claim \"%s\" out of range", name));
    }
    vector.*(field->member) = v.get<int>();
  }
  return vector;
}

absl::StatusOr<Appraisal> ParseAppraisal(const Json& value) {
  if (!value.is_object()) return Invalid("submod must be an object");
  Appraisal a;
  const Json* status = Find(value, "ear_status", "ear.status");
  if (status == nullptr) return Invalid("submod without ear_status");
  TWI_ASSIGN_OR_RETURN(a.status, ParseTier(*status));
  if (const Json* v = Find(value, "ear_trustworthiness_vector", "ear.trustworthiness-vector")) {
    TWI_ASSIGN_OR_RETURN(a.vector, ParseVector(*v));
    // -04 §3.2: the status is no better than the worst claim of the vector.
    policy::Tier worst = policy::Tier::kNone;
    for (const auto& f : kVectorFields)
      worst = policy::WorseTier(worst, policy::TierOfClaim(a.vector.*(f.member)));
    if (static_cast<int>(a.status) < static_cast<int>(worst)) {
      return Invalid("submod status is better than its trustworthiness vector");
    }
  }
  if (const Json* v = Find(value, "ear_appraisal_policy_ids")) {
    if (!v->is_array() || v->empty())
      return Invalid("ear_appraisal_policy_ids must be a non-empty array");
    for (const auto& id : *v) {
      if (!id.is_string()) return Invalid("policy id must be a string");
      a.policy_ids.push_back(id.get<std::string>());
    }
  } else if (const Json* legacy = Find(value, "ear.appraisal-policy-id")) {
    if (!legacy->is_string()) return Invalid("ear.appraisal-policy-id must be a string");
    a.policy_ids.push_back(legacy->get<std::string>());
  }
  if (const Json* v = Find(value, "ear_attester_claims")) a.attester_claims = *v;
  if (const Json* v = Find(value, "ear_verifier_claims")) a.verifier_claims = *v;
  if (const Json* v = Find(value, "eat_nonce")) {
    if (!v->is_string()) return Invalid("eat_nonce must be a string");
    a.nonce = v->get<std::string>();
  }
  return a;
}

absl::StatusOr<WorkloadResult> ParseWorkload(const Json& value) {
  if (!value.is_object()) return Invalid("twi_workload must be an object");
  WorkloadResult w;
  auto str = [&](std::string_view name, std::string& out) -> absl::Status {
    const Json* v = Find(value, name);
    if (v == nullptr || !v->is_string()) {
      return Invalid(absl::StrFormat("twi_workload.%s must be a string", name));
    }
    out = v->get<std::string>();
    return absl::OkStatus();
  };
  TWI_RETURN_IF_ERROR(str("id", w.identifier));
  TWI_RETURN_IF_ERROR(str("workload", w.workload));
  TWI_RETURN_IF_ERROR(str("release", w.release));
  if (const Json* v = Find(value, "claims")) {
    if (!v->is_object()) return Invalid("twi_workload.claims must be an object");
    w.claims = *v;
  }
  if (const Json* creds = Find(value, "credentials")) {
    if (!creds->is_object()) return Invalid("twi_workload.credentials must be an object");
    if (const Json* f = Find(*creds, "formats"); f != nullptr && f->is_array()) {
      for (const auto& x : *f) {
        if (!x.is_string()) return Invalid("credential format must be a string");
        w.formats.push_back(x.get<std::string>());
      }
    }
    if (const Json* t = Find(*creds, "x509_svid_ttl"); t != nullptr && t->is_number_integer()) {
      w.x509_svid_ttl = absl::Seconds(t->get<int64_t>());
    }
    if (const Json* t = Find(*creds, "wit_ttl"); t != nullptr && t->is_number_integer()) {
      w.wit_ttl = absl::Seconds(t->get<int64_t>());
    }
  }
  const Json* cnf = Find(value, "cnf");
  if (cnf == nullptr || !cnf->is_object()) return Invalid("twi_workload.cnf missing");
  const Json* jwk = Find(*cnf, "jwk");
  if (jwk == nullptr) return Invalid("twi_workload.cnf.jwk missing");
  auto key = jose::Jwk::FromJson(*jwk);
  if (!key.ok()) return Invalid("twi_workload.cnf.jwk is not a valid public JWK");
  w.bound_key = *key;
  w.bound_key_thumbprint = key->Thumbprint();
  if (const Json* jkt = Find(*cnf, "jkt"); jkt != nullptr) {
    if (!jkt->is_string() || jkt->get<std::string>() != w.bound_key_thumbprint) {
      return Invalid("twi_workload.cnf.jkt does not match cnf.jwk");
    }
  }
  if (const Json* p = Find(value, "binding"); p != nullptr && p->is_string()) {
    w.binding_purpose = p->get<std::string>();
  }
  return w;
}

Json WorkloadToJson(const WorkloadResult& w) {
  Json out = {{"id", w.identifier},
              {"workload", w.workload},
              {"release", w.release},
              {"claims", w.claims},
              {"credentials",
               {{"formats", w.formats},
                {"x509_svid_ttl", absl::ToInt64Seconds(w.x509_svid_ttl)},
                {"wit_ttl", absl::ToInt64Seconds(w.wit_ttl)}}},
              {"binding", w.binding_purpose}};
  if (w.bound_key.has_value()) {
    out["cnf"] = {{"jwk", w.bound_key->ToJson()}, {"jkt", w.bound_key_thumbprint}};
  }
  return out;
}

// The writers below emit exactly DumpJson(ToJson(...)): members in nlohmann's sorted order.

void WriteVector(const policy::TrustVector& v, JsonWriter& out) {
  out.BeginObject();
  out.Key("configuration").Int(v.configuration);
  out.Key("executables").Int(v.executables);
  out.Key("file-system").Int(v.file_system);
  out.Key("hardware").Int(v.hardware);
  out.Key("instance-identity").Int(v.instance_identity);
  out.Key("runtime-opaque").Int(v.runtime_opaque);
  out.Key("sourced-data").Int(v.sourced_data);
  out.Key("storage-opaque").Int(v.storage_opaque);
  out.EndObject();
}

void WriteAppraisal(const Appraisal& a, JsonWriter& out) {
  out.BeginObject();
  if (!a.policy_ids.empty()) {
    out.Key("ear_appraisal_policy_ids").BeginArray();
    for (const std::string& id : a.policy_ids) out.String(id);
    out.EndArray();
  }
  if (!a.attester_claims.empty()) out.Key("ear_attester_claims").Raw(DumpJson(a.attester_claims));
  out.Key("ear_status").String(policy::TierName(a.status));
  out.Key("ear_trustworthiness_vector");
  WriteVector(a.vector, out);
  if (!a.verifier_claims.empty()) out.Key("ear_verifier_claims").Raw(DumpJson(a.verifier_claims));
  if (a.nonce.has_value()) out.Key("eat_nonce").String(*a.nonce);
  out.EndObject();
}

void WriteWorkload(const WorkloadResult& w, JsonWriter& out) {
  out.BeginObject().Key("binding").String(w.binding_purpose);
  out.Key("claims").Raw(DumpJson(w.claims));
  if (w.bound_key.has_value()) {
    out.Key("cnf").BeginObject().Key("jkt").String(w.bound_key_thumbprint);
    out.Key("jwk").Raw(DumpJson(w.bound_key->ToJson())).EndObject();
  }
  out.Key("credentials").BeginObject().Key("formats").BeginArray();
  for (const std::string& format : w.formats) out.String(format);
  out.EndArray();
  out.Key("wit_ttl").Int(absl::ToInt64Seconds(w.wit_ttl));
  out.Key("x509_svid_ttl").Int(absl::ToInt64Seconds(w.x509_svid_ttl));
  out.EndObject();
  out.Key("id").String(w.identifier);
  out.Key("release").String(w.release);
  out.Key("workload").String(w.workload);
  out.EndObject();
}

}  // namespace

policy::Tier WorstStatus(const std::map<std::string, Appraisal>& submods) {
  policy::Tier worst = policy::Tier::kNone;
  for (const auto& [label, a] : submods) worst = policy::WorseTier(worst, a.status);
  return worst;
}

Json ToJson(const Ear& ear) {
  Json submods = Json::object();
  for (const auto& [label, a] : ear.submods) {
    Json s = {{"ear_status", policy::TierName(a.status)},
              {"ear_trustworthiness_vector", a.vector.ToJson()}};
    if (!a.policy_ids.empty()) s["ear_appraisal_policy_ids"] = a.policy_ids;
    if (!a.attester_claims.empty()) s["ear_attester_claims"] = a.attester_claims;
    if (!a.verifier_claims.empty()) s["ear_verifier_claims"] = a.verifier_claims;
    if (a.nonce.has_value()) s["eat_nonce"] = *a.nonce;
    submods[label] = std::move(s);
  }
  Json out = {{"eat_profile", kProfile},
              {"iat", absl::ToUnixSeconds(ear.issued_at)},
              {"exp", absl::ToUnixSeconds(ear.expires_at)},
              {"ear_verifier_id",
               {{"developer", ear.verifier_id.developer}, {"build", ear.verifier_id.build}}},
              {"ear_status", policy::TierName(ear.status)},
              {"submods", std::move(submods)}};
  if (!ear.jti.empty()) out["jti"] = ear.jti;
  if (ear.workload.has_value()) out[std::string(kWorkloadClaim)] = WorkloadToJson(*ear.workload);
  return out;
}

std::string ToJsonText(const Ear& ear) {
  JsonWriter out;
  out.BeginObject().Key("ear_status").String(policy::TierName(ear.status));
  out.Key("ear_verifier_id").BeginObject();
  out.Key("build").String(ear.verifier_id.build);
  out.Key("developer").String(ear.verifier_id.developer);
  out.EndObject();
  out.Key("eat_profile").String(kProfile);
  out.Key("exp").Int(absl::ToUnixSeconds(ear.expires_at));
  out.Key("iat").Int(absl::ToUnixSeconds(ear.issued_at));
  if (!ear.jti.empty()) out.Key("jti").String(ear.jti);
  out.Key("submods").BeginObject();
  for (const auto& [label, a] : ear.submods) {
    out.Key(label);
    WriteAppraisal(a, out);
  }
  out.EndObject();
  if (ear.workload.has_value()) {
    out.Key(kWorkloadClaim);
    WriteWorkload(*ear.workload, out);
  }
  out.EndObject();
  return out.Take();
}

absl::StatusOr<Ear> FromJson(const Json& claims) {
  if (!claims.is_object()) return Invalid("EAR claims must be an object");
  const Json* profile = Find(claims, "eat_profile");
  if (profile == nullptr || !profile->is_string()) return Invalid("missing eat_profile");
  const std::string p = profile->get<std::string>();
  bool known = p == kProfile;
  for (std::string_view legacy : kLegacyProfiles) known = known || p == legacy;
  if (!known) return Invalid(absl::StrFormat("unsupported eat_profile \"%s\"", p));

  Ear ear;
  TWI_ASSIGN_OR_RETURN(ear.issued_at, IntegerTime(claims, "iat", /*required=*/true));
  TWI_ASSIGN_OR_RETURN(ear.expires_at, IntegerTime(claims, "exp", /*required=*/false));
  if (ear.expires_at == absl::InfinitePast()) ear.expires_at = absl::InfiniteFuture();
  if (const Json* jti = Find(claims, "jti"); jti != nullptr && jti->is_string()) {
    ear.jti = jti->get<std::string>();
  }
  const Json* vid = Find(claims, "ear_verifier_id", "ear.verifier-id");
  if (vid == nullptr || !vid->is_object()) return Invalid("missing ear_verifier_id");
  ear.verifier_id.developer = vid->value("developer", "");
  ear.verifier_id.build = vid->value("build", "");
  if (ear.verifier_id.developer.empty() || ear.verifier_id.build.empty()) {
    return Invalid("ear_verifier_id needs developer and build");
  }
  const Json* submods = Find(claims, "submods");
  if (submods == nullptr || !submods->is_object() || submods->empty()) {
    return Invalid("submods must be a non-empty object");
  }
  for (const auto& [label, value] : submods->items()) {
    auto appraisal = ParseAppraisal(value);
    if (!appraisal.ok()) return Annotate(appraisal.status(), absl::StrFormat("submod %s", label));
    ear.submods.emplace(label, std::move(appraisal).value());
  }
  const policy::Tier worst = WorstStatus(ear.submods);
  if (const Json* status = Find(claims, "ear_status", "ear.status")) {
    TWI_ASSIGN_OR_RETURN(ear.status, ParseTier(*status));
    // -03 §3.1: the overall status is no better than the worst submod.
    if (static_cast<int>(ear.status) < static_cast<int>(worst)) {
      return Invalid("ear_status is better than a submod status");
    }
  } else {
    ear.status = worst;
  }
  if (const Json* w = Find(claims, kWorkloadClaim)) {
    TWI_ASSIGN_OR_RETURN(ear.workload, ParseWorkload(*w));
  }
  return ear;
}

absl::StatusOr<std::string> Sign(const Ear& ear, const crypto::Signer& signer, std::string kid) {
  Json header = {{"typ", "JWT"}, {"kid", std::move(kid)}};
  return jose::SignCompact(std::move(header), AsBytes(ToJsonText(ear)), signer);
}

absl::StatusOr<Ear> Verify(std::string_view token, const jose::Jwks& trusted, absl::Time now,
                           const VerifyOptions& options) {
  jose::JwtValidation validation;
  validation.allowed_algorithms = {jose::Algorithm::kES256, jose::Algorithm::kES384,
                                   jose::Algorithm::kEdDSA};
  validation.require_exp = false;  // EAR exp is optional; enforced below when present
  validation.require_iat = true;
  validation.leeway = options.leeway;
  auto jwt = jose::VerifyJwt(token, trusted, validation, now);
  if (!jwt.ok()) {
    switch (GetReason(jwt.status())) {
      case Reason::kJoseKeyNotFound:
      case Reason::kSignatureInvalid:
        return Error(Reason::kEarUntrustedKey, "EAR is not signed by a trusted verifier key");
      case Reason::kJwtExpired:
        return Error(Reason::kEarExpired, "EAR has expired");
      default:
        return Annotate(Error(Reason::kEarInvalid, jwt.status().message()), "EAR");
    }
  }
  TWI_ASSIGN_OR_RETURN(Ear ear, FromJson(jwt->claims));
  if (options.max_age != absl::InfiniteDuration() &&
      now - ear.issued_at > options.max_age + options.leeway) {
    return Error(Reason::kEarTooOld, "EAR is older than the issuance policy allows");
  }
  return ear;
}

}  // namespace twi::ear
