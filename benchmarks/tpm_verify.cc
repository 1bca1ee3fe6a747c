// TPM quote verification with an enrolled (cached) AK versus the raw signature verification of
// the same key type, in one process and one run (issue 5's performance target: >= 0.7).
//
// The evidence is real: a quote by swtpm over all 24 SHA-256 PCRs with the agent's two
// measurement events, an AK certificate from a deployment-style AK CA. Two rates against one
// baseline:
//  - quote: VerifyQuote with the AK's key made once (parse TPMS_ATTEST and TPMT_SIGNATURE,
//    signature, qualifyingData, pcrDigest over the 24 values), what a quote check costs;
//  - evidence: TpmVerifier::Verify of the whole document, what the Verifier pays per
//    attestation (JSON, AK certificate lookup, quote, agent log replay, clock, claims).
// The baseline is crypto::VerifySignature over the same TPMS_ATTEST bytes with the same
// signature and key, the floor of any quote verification. Rounds alternate between the three
// so that machine noise hits them alike.
#include <cstdio>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/backends/tpm/agent_measurement.h"
#include "libs/evidence/backends/tpm/ak_certificate.h"
#include "libs/evidence/backends/tpm/event_claims.h"
#include "libs/evidence/backends/tpm/memory_clock_store.h"
#include "libs/evidence/backends/tpm/quote.h"
#include "libs/evidence/backends/tpm/tpm_attester.h"
#include "libs/evidence/backends/tpm/tpm_evidence.h"
#include "libs/evidence/backends/tpm/tpm_verifier.h"
#include "libs/x509/issue.h"
#include "libs/x509/testing/test_pki.h"
#include "testing/swtpm.h"
#include "testing/temp_dir.h"

namespace twi::bench {
namespace {

namespace tpm = evidence::tpm;

struct Rates {
  std::vector<double> evidence, quote, raw;
};

Json Summary(const std::vector<double>& rates, const std::vector<double>& raw) {
  std::vector<double> ratios;
  for (size_t i = 0; i < rates.size(); ++i) ratios.push_back(rates[i] / raw[i]);
  std::sort(ratios.begin(), ratios.end());
  return {{"ratio_min", ratios.front()},
          {"ratio_median", ratios[ratios.size() / 2]},
          {"ratio_max", ratios.back()}};
}

// Calls `op` for `seconds` and returns operations per second; stops at the first failure.
template <typename Op>
absl::StatusOr<double> Rate(double seconds, Op op) {
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(seconds);
  int64_t count = 0;
  while (true) {
    for (int i = 0; i < 64; ++i, ++count) {
      if (absl::Status s = op(); !s.ok()) return s;
    }
    const absl::Time now = absl::Now();
    if (now >= end) return count / absl::ToDoubleSeconds(now - start);
  }
}

absl::StatusOr<Json> RunKeyType(crypto::KeyType type, int rounds, double seconds) {
  testing::TempDir tmp;
  TWI_ASSIGN_OR_RETURN(auto swtpm, testing::Swtpm::Start(tmp.File("tpm")));
  TWI_ASSIGN_OR_RETURN(auto device, tpm::TpmDevice::Open(swtpm->tcti()));
  const std::vector<uint16_t> banks = {tpm::kAlgSha256};
  const std::string agent_log = tmp.File("agent.log");
  for (const auto& [tag, what] : {std::pair{tpm::kTagAgentBinary, "/usr/bin/twi"},
                                  {tpm::kTagAgentConfig, "{\"tee\":\"tpm\"}"}}) {
    TWI_RETURN_IF_ERROR(tpm::RecordAgentMeasurement(
        *device, agent_log, tpm::kDefaultAgentPcr, banks,
        {.tag = tag, .what = what, .digests = tpm::DigestsFor(AsBytes(what), banks)}));
  }
  TWI_ASSIGN_OR_RETURN(auto attester, tpm::TpmAttester::Create({.device = std::move(device),
                                                                .ak_type = type,
                                                                .banks = banks,
                                                                .agent_log_path = agent_log}));
  const absl::Time now = absl::Now();
  TWI_ASSIGN_OR_RETURN(const x509::testing::Party ca, x509::testing::MakeRoot(now, "ak-ca.bench"));
  TWI_ASSIGN_OR_RETURN(const x509::Certificate ak_cert,
                       tpm::IssueAkCertificate(attester->ak().parsed(), ca.certificate, *ca.signer,
                                               now, absl::Hours(24)));
  // As the agent ships it: the AK CA is the Verifier's root (agent::ChainToShip).
  attester->set_ak_certificates({ak_cert.ToDer()});
  TWI_ASSIGN_OR_RETURN(const Bytes evidence, attester->Attest(crypto::Sha256(AsBytes("bench"))));

  tpm::MemoryTpmClockStore clocks;
  TWI_ASSIGN_OR_RETURN(auto verifier,
                       tpm::TpmVerifier::Create({.ak_roots = {ca.certificate}, .clocks = &clocks}));
  TWI_ASSIGN_OR_RETURN(const tpm::TpmEvidence parsed, tpm::ParseTpmEvidence(evidence));
  const tpm::TpmQuote& quote = parsed.quotes[0];
  TWI_ASSIGN_OR_RETURN(const crypto::PublicKey key, attester->ak().parsed().Key());
  TWI_ASSIGN_OR_RETURN(const tpm::SignatureCheck check,
                       tpm::QuoteSignatureCheck(quote.signature, attester->ak().parsed()));

  TWI_ASSIGN_OR_RETURN(const tpm::QuoteAttest attest, tpm::ParseQuoteAttest(quote.attest));
  TWI_ASSIGN_OR_RETURN(const std::vector<tpm::PcrBank> pcr_banks, tpm::BanksOf(parsed, {attest}));
  auto verify = [&]() { return verifier->Verify(evidence, now).status(); };
  auto verify_quote = [&]() {
    return tpm::VerifyQuote(quote.attest, quote.signature, attester->ak().parsed(), key,
                            attest.extra_data, pcr_banks)
        .status();
  };
  auto raw = [&]() {
    return crypto::VerifySignature(key, check.algorithm, quote.attest, check.encoded);
  };
  TWI_RETURN_IF_ERROR(verify());  // warms the AK cache: the enrolled-AK steady state
  Rates rates;
  for (int round = 0; round < rounds; ++round) {
    TWI_ASSIGN_OR_RETURN(const double v, Rate(seconds, verify));
    TWI_ASSIGN_OR_RETURN(const double q, Rate(seconds, verify_quote));
    TWI_ASSIGN_OR_RETURN(const double r, Rate(seconds, raw));
    rates.evidence.push_back(v);
    rates.quote.push_back(q);
    rates.raw.push_back(r);
  }
  Json per_round = Json::array();
  for (int i = 0; i < rounds; ++i) {
    per_round.push_back({{"evidence_per_s", rates.evidence[i]},
                         {"quote_per_s", rates.quote[i]},
                         {"raw_per_s", rates.raw[i]}});
  }
  return Json{{"key_type", crypto::KeyTypeName(type)},
              {"evidence_bytes", evidence.size()},
              {"rounds", per_round},
              {"evidence", Summary(rates.evidence, rates.raw)},
              {"quote", Summary(rates.quote, rates.raw)}};
}

}  // namespace
}  // namespace twi::bench

int main(int argc, char** argv) {
  CLI::App app("TPM quote verification (enrolled AK) versus raw signature verification");
  std::string out;
  int rounds = 5;
  double seconds = 1.0;
  app.add_option("--out", out, "JSON report file");
  app.add_option("--rounds", rounds, "Alternating rounds per key type")->capture_default_str();
  app.add_option("--seconds", seconds, "Seconds per measurement")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  twi::Json report = {{"benchmark", "tpm-verify"}, {"results", twi::Json::array()}};
  for (const twi::crypto::KeyType type :
       {twi::crypto::KeyType::kEcP256, twi::crypto::KeyType::kRsa}) {
    auto result = twi::bench::RunKeyType(type, rounds, seconds);
    if (!result.ok()) {
      std::cerr << "twi-bench-tpm: " << result.status() << "\n";
      return 1;
    }
    for (const char* kind : {"quote", "evidence"}) {
      const twi::Json& summary = (*result)[kind];
      std::cout << absl::StrFormat(
          "%-7s %-8s/raw ratio min %.2f median %.2f max %.2f\n",
          (*result)["key_type"].get<std::string>(), kind, summary["ratio_min"].get<double>(),
          summary["ratio_median"].get<double>(), summary["ratio_max"].get<double>());
    }
    report["results"].push_back(*result);
  }
  std::cout << report.dump(2) << "\n";
  if (!out.empty() && !twi::WriteFileAtomic(out, report.dump(2) + "\n").ok()) return 1;
  return 0;
}
