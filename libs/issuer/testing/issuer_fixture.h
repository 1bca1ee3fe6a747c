// Test-only: a Credential Authority for trust domain example.org wired like a deployment (root
// and issuing CA from the x509 test PKI, an ES256 WIT key, the example issuance policy trusting
// one verifier key, a SQLite issuance ledger in a temporary directory), plus workload keys and
// CSRs. Shared by the issuer tests and the Verifier's mechanism-A tests.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/clock.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/issuer/authority.h"
#include "libs/issuer/credential_api.h"
#include "libs/jose/jwk.h"
#include "libs/policy/test_policies.h"
#include "libs/storage/backends/sqlite/sqlite_database.h"
#include "libs/storage/issuance_ledger.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/temp_dir.h"

namespace twi::issuer::testing {

inline constexpr char kTrustDomain[] = "example.org";
// The identifier of the payroll workload of policy::testing::PayrollYaml().
inline constexpr char kPayrollId[] = "spiffe://example.org/workload/payroll";

// A non-owning Signer that forwards to another, so that one test key can back several
// configurations (AuthorityConfig owns its signers). `target` must outlive it.
class ForwardingSigner final : public crypto::Signer {
 public:
  explicit ForwardingSigner(const crypto::Signer* target) : target_(target) {}
  absl::StatusOr<Bytes> Sign(ByteView data) const override { return target_->Sign(data); }
  crypto::SignatureAlgorithm algorithm() const override { return target_->algorithm(); }
  const crypto::PublicKey& public_key() const override { return target_->public_key(); }

 private:
  const crypto::Signer* target_;
};

// An IssuanceLedger decorator whose Append can be made to fail with kStorageError (as a lost
// database would), to show that nothing is issued without a ledger entry. Thread-safe.
class FaultyLedger final : public storage::IssuanceLedger {
 public:
  explicit FaultyLedger(storage::IssuanceLedger* base) : base_(base) {}
  void set_fail_appends(bool fail) { fail_appends_ = fail; }
  int append_calls() const { return append_calls_; }

  absl::Status Append(const std::vector<storage::IssuanceRecord>& records) override;
  absl::StatusOr<std::vector<storage::IssuanceRecord>> List(
      const storage::LedgerQuery& query) override {
    return base_->List(query);
  }
  absl::StatusOr<int64_t> Count() override { return base_->Count(); }
  absl::StatusOr<std::optional<storage::IssuanceRecord>> Find(
      std::string_view credential_id) override {
    return base_->Find(credential_id);
  }

 private:
  storage::IssuanceLedger* base_;
  std::atomic<bool> fail_appends_ = false;
  std::atomic<int> append_calls_ = 0;
};

// A workload's credential key.
struct WorkloadKey {
  std::unique_ptr<crypto::Signer> signer;
  jose::Jwk jwk;
  std::string thumbprint;  // RFC 7638
};
absl::StatusOr<WorkloadKey> NewWorkloadKey(crypto::KeyType type = crypto::KeyType::kEcP256);
// A PEM CSR (proof of possession) for `key`.
absl::StatusOr<std::string> CsrPem(const WorkloadKey& key);

struct AuthorityOptions {
  // Occurrences of policy::testing::kThumbprint are replaced by the trusted verifier key's
  // thumbprint.
  std::string issuance_yaml = policy::testing::IssuanceYaml();
};

class AuthorityHarness {
 public:
  // A CA trusting EARs signed by `verifier_key`, reading time from `clock` (not owned).
  static absl::StatusOr<std::unique_ptr<AuthorityHarness>> Create(
      const crypto::PublicKey& verifier_key, const Clock* clock, AuthorityOptions options = {});

  // A fresh configuration over this harness's PKI and keys, for tests of
  // CredentialAuthority::Create. Its signers forward to the harness's.
  absl::StatusOr<AuthorityConfig> NewConfig(const AuthorityOptions& options = {}) const;

  CredentialAuthority& authority() { return *authority_; }
  // The ledger the authority appends to.
  FaultyLedger& ledger() { return *ledger_; }
  // Number of ledger records; -1 if the ledger cannot be read.
  int64_t LedgerCount();

  const x509::Certificate& root() const { return root_->certificate; }
  const x509::Certificate& issuing_ca() const { return issuing_->certificate; }
  const jose::Jwk& verifier_jwk() const { return *verifier_jwk_; }
  const std::string& wit_kid() const { return wit_kid_; }

  // Checks `credentials`, issued at `now`, as a relying party would at that instant: the X509-SVID
  // chain validates to the bundle's roots with one URI SAN `spiffe_id`, a non-CA leaf with
  // serverAuth+clientAuth for `key`; the WIT verifies with the bundle's WIT keys (typ wit+jwt, kid)
  // and carries sub, iat, exp, jti and cnf.jwk (with alg) of `key`. Formats absent from
  // `credentials` are skipped; callers assert which ones must be there.
  void ExpectValidCredentials(const IssuedCredentials& credentials, std::string_view spiffe_id,
                              const WorkloadKey& key, absl::Time now) const;

 private:
  AuthorityHarness() = default;

  ::twi::testing::TempDir dir_;
  std::shared_ptr<storage::SqliteDatabase> db_;
  std::unique_ptr<storage::IssuanceLedger> sqlite_ledger_;
  std::unique_ptr<FaultyLedger> ledger_;
  std::optional<x509::testing::Party> root_;
  std::optional<x509::testing::Party> issuing_;
  std::unique_ptr<crypto::Signer> wit_signer_;
  std::string wit_kid_;
  std::optional<jose::Jwk> verifier_jwk_;
  std::unique_ptr<CredentialAuthority> authority_;
};

}  // namespace twi::issuer::testing
