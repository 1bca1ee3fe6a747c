// Verifier backend for TPM 2.0 evidence (tpm_evidence.h). Stages (house style 6):
//
//  parse:  the evidence document, the AK's TPMT_PUBLIC, the quotes, the event logs;
//  verify: the AK certificate chains to a configured AK root and certifies the AK; the AK is a
//          restricted signing key; every quote verifies under it with one qualifyingData, over
//          the PCR values sent and only those, all from one boot (reset and restart counts,
//          firmwareVersion); the clock, per AK, never goes back (and is safe, if required); the
//          firmware log and the agent's log replay to the quoted PCRs of every quoted bank;
//  output: Claims with tee "tpm", report_data = qualifyingData, and measurements
//          "pcr<i>" (SHA-256 bank), "pcr<i>.sha384" (if quoted), boot.<i>, kernel, initrd,
//          cmdline (event_claims.h), agent and agent-config (the agent's log).
//
// A SHA-256 bank must be quoted: it is the bank the event digests used as claims are checked in.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/crypto/keys.h"
#include "libs/evidence/evidence.h"
#include "libs/x509/certificate.h"

namespace twi::evidence::tpm {

struct TpmEvidence;  // tpm_evidence.h
struct TpmPublic;    // tpm_wire.h

// The newest clockInfo seen from one TPM.
struct TpmClock {
  uint32_t reset_count = 0;
  uint32_t restart_count = 0;
  uint64_t clock = 0;
};

// The Verifier's memory of each AK's clock, so that a TPM whose state was rolled back, or an
// old quote presented again, is refused. A quote is older than the recorded one when its
// (resetCount, restartCount) is lower, or equal with a lower clock.
class TpmClockStore {
 public:
  virtual ~TpmClockStore() = default;
  // Atomically: kTpmClockInvalid if `clock` is older than what is recorded for `ak_name`,
  // otherwise records it. Thread-safe.
  virtual absl::Status Advance(ByteView ak_name, const TpmClock& clock) = 0;
};

// Every member has a default, so designated initialization names only what differs.
struct TpmVerifierOptions {
  // Trust anchors of AK certificates: a cloud's vTPM CA, and the deployment's own AK CA for
  // AKs enrolled through their EK.
  std::vector<x509::Certificate> ak_roots = {};
  // Quotes reporting a lower firmwareVersion are refused (kTpmFirmwareRefused).
  uint64_t min_firmware_version = 0;
  // clockInfo.safe is NO after the TPM restarted from an unorderly shutdown (power loss, crash)
  // until its next clock save to NV (about an hour on common TPMs). The per-AK check below stays
  // sound then (the reset count went up), so by default such quotes are accepted and reported
  // with "safe": false; true refuses them (kTpmClockInvalid).
  bool refuse_unsafe_clock = false;
  // Not owned; nullptr disables the per-AK clock check (tests of single quotes only).
  TpmClockStore* clocks = nullptr;
};

// What a verified AK certificate chain establishes, and for how long.
struct TrustedAk {
  Json certificate;  // the AK certificate's subject, issuer and serial, for the EAR
  absl::Time not_before;
  absl::Time not_after;
  crypto::PublicKey key;  // the AK's
  Bytes name;             // the AK's Name
};

class TpmVerifier final : public EvidenceVerifier {
 public:
  // kConfigInvalid without any AK root.
  static absl::StatusOr<std::unique_ptr<TpmVerifier>> Create(TpmVerifierOptions options);

  std::string_view tee() const override;
  std::string_view media_type() const override;
  // Reasons: kEvidenceMalformed, kTpmAkUntrusted, kTpmAkInvalid, kUnsupportedAlgorithm,
  // kEvidenceSignatureInvalid, kBindingMismatch (quotes disagree on qualifyingData),
  // kTpmPcrDigestMismatch, kTpmClockInvalid, kTpmFirmwareRefused, kTpmEventLogMismatch.
  absl::StatusOr<Claims> Verify(ByteView evidence, absl::Time now) const override;

 private:
  explicit TpmVerifier(TpmVerifierOptions options) : options_(std::move(options)) {}
  // The AK certificate chain's verdict, cached while every certificate of the path is valid,
  // so that an enrolled AK costs one quote verification per attestation.
  // Shared: the cached entry itself, not a copy of its key and JSON per attestation.
  absl::StatusOr<std::shared_ptr<const TrustedAk>> Trust(const TpmEvidence& evidence,
                                                         const TpmPublic& ak, absl::Time now) const;

  static constexpr size_t kMaxTrustedAks = 4096;
  TpmVerifierOptions options_;
  mutable std::mutex mutex_;
  struct TrustedChain {
    std::vector<Bytes> certificates;  // as the evidence carried them
    std::shared_ptr<const TrustedAk> ak;
  };
  // By the AK's TPMT_PUBLIC, one chain each (a new chain replaces the old); guarded by mutex_.
  mutable std::map<std::string, TrustedChain> trusted_;
};

}  // namespace twi::evidence::tpm
