// `twi verify`: relying-party checks of credentials and attestation results.
#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "libs/ear/ear.h"
#include "libs/policy/tier.h"
#include "libs/rp/credentials.h"
#include "tools/twi/cli.h"

namespace twi::cli {
namespace {

struct VerifyFlags {
  std::string file;
  std::string bundle;
  std::string trust_domain;
};

absl::StatusOr<rp::SpiffeBundle> ReadBundle(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1 << 20));
  return rp::ParseSpiffeBundle(text);
}

absl::StatusOr<Output> VerifySvid(const VerifyFlags& f) {
  TWI_ASSIGN_OR_RETURN(rp::SpiffeBundle bundle, ReadBundle(f.bundle));
  TWI_ASSIGN_OR_RETURN(std::string pem, ReadFile(f.file, 1 << 20));
  TWI_ASSIGN_OR_RETURN(rp::VerifiedX509Svid svid,
                       rp::VerifyX509Svid(pem, f.trust_domain, bundle, absl::Now()));
  const std::string until =
      absl::FormatTime(absl::RFC3339_sec, svid.leaf.not_after(), absl::UTCTimeZone());
  return Output{{{"valid", true},
                 {"spiffe_id", svid.id.ToString()},
                 {"serial", svid.leaf.SerialHex()},
                 {"not_after", until}},
                absl::StrFormat("valid X509-SVID for %s (serial %s, until %s)\n",
                                svid.id.ToString(), svid.leaf.SerialHex(), until)};
}

absl::StatusOr<Output> VerifyWitToken(const VerifyFlags& f) {
  TWI_ASSIGN_OR_RETURN(rp::SpiffeBundle bundle, ReadBundle(f.bundle));
  TWI_ASSIGN_OR_RETURN(std::string token, ReadTokenFile(f.file));
  TWI_ASSIGN_OR_RETURN(rp::VerifiedWit wit,
                       rp::VerifyWit(token, f.trust_domain, bundle, absl::Now()));
  return Output{{{"valid", true},
                 {"spiffe_id", wit.id.ToString()},
                 {"cnf_thumbprint", wit.confirmation_key.Thumbprint()},
                 {"claims", wit.claims}},
                absl::StrFormat("valid WIT for %s (bound key %s)\n", wit.id.ToString(),
                                wit.confirmation_key.Thumbprint())};
}

absl::StatusOr<Output> VerifyEar(const VerifyFlags& f) {
  TWI_ASSIGN_OR_RETURN(std::string jwks_text, ReadFile(f.bundle, 1 << 20));
  TWI_ASSIGN_OR_RETURN(jose::Jwks keys, jose::Jwks::Parse(jwks_text));
  TWI_ASSIGN_OR_RETURN(std::string token, ReadTokenFile(f.file));
  TWI_ASSIGN_OR_RETURN(ear::Ear result, ear::Verify(token, keys, absl::Now()));
  Output out;
  out.json = ear::ToJson(result);
  out.text = absl::StrFormat("valid EAR: status %s", policy::TierName(result.status));
  if (result.workload.has_value()) {
    out.text += absl::StrFormat(", workload %s (release %s)", result.workload->identifier,
                                result.workload->release);
  }
  out.text += "\n";
  return out;
}

void AddVerify(CLI::App* verify, Context& context, const std::string& name,
               const std::string& description, const std::string& file_flag,
               const std::string& bundle_flag, bool needs_trust_domain,
               absl::StatusOr<Output> (*run)(const VerifyFlags&)) {
  CLI::App* command = verify->add_subcommand(name, description);
  auto f = std::make_shared<VerifyFlags>();
  command->add_option(file_flag, f->file, "File to check")->required();
  command->add_option(bundle_flag, f->bundle, "Trust material (JWKS)")->required();
  if (needs_trust_domain) {
    command->add_option("--trust-domain", f->trust_domain, "Expected trust domain")->required();
  }
  Register(command, context, [f, run] { return run(*f); });
}

}  // namespace

void AddVerifyCommands(CLI::App& app, Context& context) {
  CLI::App* verify = app.add_subcommand("verify", "Relying party: check credentials");
  verify->require_subcommand(1);
  AddVerify(verify, context, "x509-svid", "Check an X509-SVID chain against a SPIFFE bundle",
            "--svid", "--bundle", true, VerifySvid);
  AddVerify(verify, context, "wit", "Check a Workload Identity Token against a SPIFFE bundle",
            "--token", "--bundle", true, VerifyWitToken);
  AddVerify(verify, context, "ear", "Check an EAR attestation result against verifier keys",
            "--token", "--jwks", false, VerifyEar);
}

}  // namespace twi::cli
