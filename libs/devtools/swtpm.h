// Development only: a real TPM 2.0 (Debian's swtpm) as a process of its own, for the tests and
// `twi quickstart`. Never used by a production configuration, which names a TCTI instead. swtpm is
// started with --daemon: it forks only once its sockets listen, so the TPM is reachable the moment
// Start returns, with no polling. The ports are ephemeral loopback ports picked just before (the
// swtpm TCTI wants the control channel at port + 1); if another process takes one in between, Start
// tries other ports.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace twi::devtools {

class Swtpm {
 public:
  // Starts `swtpm socket --tpm2` over the TPM state in `state_dir` (created if missing; a fresh
  // directory is a factory-fresh TPM without an EK certificate), already started with
  // TPM2_Startup(CLEAR). kUnavailable if swtpm is not installed.
  static absl::StatusOr<std::unique_ptr<Swtpm>> Start(const std::string& state_dir);
  ~Swtpm();

  // The tpm2-tss TCTI configuration that reaches it: "swtpm:host=127.0.0.1,port=N".
  std::string tcti() const;
  int port() const { return port_; }
  // swtpm's log file, for failure messages.
  std::string log() const;

 private:
  Swtpm() = default;
  int pid_ = -1;  // the daemon's, from its pid file
  int port_ = 0;
  std::string log_;
};

// A manufacturer for swtpm: `swtpm_setup --create-ek-cert` with a local CA of its own (Debian's
// swtpm_localca, configured under `ca_dir`), so a TPM made here has an RSA EK certificate in NV
// index 0x01c00002 that chains to that CA's root.
struct SwtpmManufacturer {
  std::string root_pem;          // the local CA's self-signed root (the "manufacturer root")
  std::string intermediate_pem;  // the local CA's issuing certificate
};
// Writes a factory-fresh TPM state with an EK certificate into `state_dir` (which must not be
// running). The CA is created under `ca_dir` on first use and reused afterwards.
absl::StatusOr<SwtpmManufacturer> ManufactureSwtpm(const std::string& state_dir,
                                                   const std::string& ca_dir);

// Whether swtpm and swtpm_setup are installed (tests GTEST_SKIP with an apt-get hint otherwise).
bool SwtpmInstalled();

}  // namespace twi::devtools
