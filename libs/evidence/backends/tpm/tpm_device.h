// The attesting side's TPM 2.0, through the TCG software stack (tpm2-tss ESAPI): the TCTI is
// chosen by a configuration string, "device:/dev/tpmrm0" in production (the kernel's resource
// manager) or "swtpm:host=127.0.0.1,port=2321" in tests. Only what attestation needs: an
// Attestation Key, quotes, PCR reads and (for the measured agent) PCR extends.
//
// There is no resource manager behind a swtpm TCTI, so every transient object is flushed when
// its handle dies; otherwise the TPM runs out of object slots.
//
// Not thread-safe: one TPM connection, one caller at a time (the agent's).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/core/secret.h"
#include "libs/crypto/keys.h"
#include "libs/evidence/backends/tpm/quote.h"

namespace twi::evidence::tpm {

class TpmDevice {
 public:
  class Key;

  // Connects through the TCTI `tcti`. kUnavailable naming the TCTI if it cannot be reached.
  static absl::StatusOr<std::unique_ptr<TpmDevice>> Open(const std::string& tcti);
  ~TpmDevice();
  TpmDevice(const TpmDevice&) = delete;
  TpmDevice& operator=(const TpmDevice&) = delete;

  // The Attestation Key: a restricted signing primary key in the endorsement hierarchy (ECC
  // P-256 with ECDSA/SHA-256, or RSA-2048 with RSASSA/SHA-256), fixedTPM and made inside the
  // TPM. A primary key is derived from the hierarchy's seed and its template, so the same TPM
  // gives the same AK every time, and nothing needs to be stored.
  absl::StatusOr<std::unique_ptr<Key>> CreateAttestationKey(crypto::KeyType type);

  // The Endorsement Key: the EK Credential Profile's default RSA-2048 template (L-1), which the
  // TPM derives from its endorsement seed, so it is the key the EK certificate certifies.
  absl::StatusOr<std::unique_ptr<Key>> CreateEndorsementKey();
  // The RSA EK certificate (DER) the manufacturer stored in NV index 0x01c00002. kNotFound if
  // the TPM has none.
  absl::StatusOr<Bytes> ReadEkCertificate();
  // TPM2_ActivateCredential: the secret a Verifier protected with MakeCredential for `ek` and
  // `ak`'s Name (credential.h). kTpmEkUntrusted if the TPM refuses (another EK or AK).
  absl::StatusOr<SecretBytes> ActivateCredential(const Key& ak, const Key& ek,
                                                 ByteView credential_blob,
                                                 ByteView encrypted_secret);

  // TPM2_Quote with `key`'s own scheme over `pcrs` of bank `hash_alg`, with `qualifying_data`
  // (at most 64 bytes) as extraData.
  absl::StatusOr<TpmQuote> Quote(const Key& key, ByteView qualifying_data, uint16_t hash_alg,
                                 const std::vector<uint32_t>& pcrs);
  // TPM2_PCR_Read of `pcrs` in bank `hash_alg`.
  absl::StatusOr<PcrBank> ReadPcrs(uint16_t hash_alg, const std::vector<uint32_t>& pcrs);
  // TPM2_PCR_Extend of one PCR in one bank with `digest` (the bank's digest size).
  absl::Status Extend(uint32_t pcr, uint16_t hash_alg, ByteView digest);

 private:
  struct Context;
  explicit TpmDevice(std::unique_ptr<Context> context);
  // `in` is a TPM2B_PUBLIC template (tss2 types stay out of this header).
  absl::StatusOr<std::unique_ptr<Key>> CreatePrimary(const void* in);
  std::unique_ptr<Context> context_;
};

// A loaded key; flushed from the TPM when destroyed. Must not outlive its TpmDevice.
class TpmDevice::Key {
 public:
  ~Key();
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  // TPMT_PUBLIC as the TPM returned it, marshalled, and parsed.
  const Bytes& public_area() const { return public_area_; }
  const TpmPublic& parsed() const { return parsed_; }

 private:
  friend class TpmDevice;
  Key(TpmDevice::Context* context, uint32_t handle, Bytes public_area, TpmPublic parsed)
      : context_(context),
        handle_(handle),
        public_area_(std::move(public_area)),
        parsed_(std::move(parsed)) {}
  TpmDevice::Context* context_;
  uint32_t handle_;  // ESYS_TR
  Bytes public_area_;
  TpmPublic parsed_;
};

}  // namespace twi::evidence::tpm
