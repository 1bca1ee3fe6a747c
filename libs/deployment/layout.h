// Where everything of a deployment lives inside its directory (created by `twi server init`).
//
//   config.yaml                 deployment configuration
//   policies/                   appraisal.yaml, issuance.yaml, workloads/*.yaml
//   keystore/    (0700)         the default Key Store: softhsm2.conf and tokens/, the SoftHSM2
//                               token that holds every role key (key_store.h)
//   keys/        (0700)         the token's PINs (key-store.pin, key-store-so.pin) and symmetric
//                               secrets, <name>.secret (0600, deployment/secrets.h); no private
//                               key is ever a file here
//   pki/                        certificates and public keys others may read; log.vkey, the
//                               transparency log's signed-note verifier key
//   data/        (0700)         SQLite databases: ca.db, verifier.db, log.db (the transparency
//                               log and the provenance documents and records beside it)
//   run/                        endpoints.json of the running server
#pragma once

#include <string>

namespace twi::deployment {

// Names of the deployment's keys, which are also their labels in the Key Store; where a key
// certifies something, pki/<name>.pem holds its certificate.
inline constexpr char kTrustDomainRoot[] = "td-root";         // SPIFFE trust anchor
inline constexpr char kIssuingCa[] = "ca-issuing";            // signs X509-SVIDs
inline constexpr char kWitSigning[] = "wit-signing";          // signs WITs
inline constexpr char kVerifierEar[] = "verifier-ear";        // signs EARs
inline constexpr char kSamplePlatform[] = "sample-platform";  // INSECURE sample TEE "hardware"
inline constexpr char kInternalCa[] = "internal-ca";          // service-to-service PKI
inline constexpr char kTransparencyLog[] = "tlog";            // signs log checkpoints (Ed25519)
inline constexpr char kProvenanceSigning[] = "provenance-signing";  // signs provenance records
inline constexpr char kTpmAkCa[] = "tpm-ak-ca";  // certifies TPM AKs enrolled through their EK
// Service identities of the internal PKI (spiffe://<td>/twi/<service>). Their TLS keys are not
// in the Key Store: they live only in the memory of the process they serve, which has the
// internal CA certify them when it starts (service_tls.h).
inline constexpr char kServerService[] = "server";      // the listeners
inline constexpr char kVerifierService[] = "verifier";  // verifier -> CA mTLS
// Symmetric: keys/<name>.secret.
inline constexpr char kVerifierChallenge[] = "verifier-challenge";  // MACs the nonces

// The transparency log's origin (C2SP tlog-checkpoint): a schema-less URL unique to the
// deployment's trust domain, also the name of its note key.
inline std::string LogOrigin(std::string_view trust_domain) {
  return std::string(trust_domain) + "/twi/log";
}

class Layout {
 public:
  explicit Layout(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  std::string config() const { return dir_ + "/config.yaml"; }
  std::string policies() const { return dir_ + "/policies"; }
  std::string workloads() const { return dir_ + "/policies/workloads"; }
  std::string key_release_policies() const { return dir_ + "/policies/key-release"; }
  std::string provisioned() const { return dir_ + "/data/provisioned"; }
  std::string keys() const { return dir_ + "/keys"; }
  std::string pki() const { return dir_ + "/pki"; }
  std::string data() const { return dir_ + "/data"; }
  std::string run() const { return dir_ + "/run"; }
  std::string key_store() const { return dir_ + "/keystore"; }
  std::string softhsm_conf() const { return key_store() + "/softhsm2.conf"; }
  std::string softhsm_tokens() const { return key_store() + "/tokens"; }
  std::string key_store_pin() const { return keys() + "/key-store.pin"; }
  std::string key_store_so_pin() const { return keys() + "/key-store-so.pin"; }
  std::string secret(std::string_view name) const {
    return keys() + "/" + std::string(name) + ".secret";
  }
  std::string cert(std::string_view name) const { return pki() + "/" + std::string(name) + ".pem"; }
  std::string public_key(std::string_view name) const {
    return pki() + "/" + std::string(name) + ".pub.pem";
  }
  std::string verifier_jwks() const { return pki() + "/verifier-ear.jwks"; }
  std::string verifier_db() const { return data() + "/verifier.db"; }
  std::string ca_db() const { return data() + "/ca.db"; }
  std::string log_db() const { return data() + "/log.db"; }
  std::string log_vkey() const { return pki() + "/log.vkey"; }
  std::string endpoints() const { return run() + "/endpoints.json"; }

 private:
  std::string dir_;
};

}  // namespace twi::deployment
