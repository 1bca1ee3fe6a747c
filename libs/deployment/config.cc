#include "libs/deployment/config.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "libs/core/status.h"
#include "libs/spiffe/spiffe_id.h"
// libs/policy's strict YAML adapter and schema readers are internal to it; libs/deployment reuses
// them (accepted exception) so that config.yaml and the policies read alike.
#include "libs/net/client.h"
#include "libs/policy/schema.h"
#include "libs/policy/yaml_json.h"
#include "libs/provenance/sealed_record.h"

namespace twi::deployment {
namespace {

using policy::internal::ConfigError;
using policy::internal::MapReader;
using policy::internal::ReadBool;
using policy::internal::ReadInt;
using policy::internal::ReadString;

// The config.yaml schema version this build reads.
constexpr int64_t kConfigVersion = 1;
constexpr int kMinServerThreads = 1;
constexpr int kMaxServerThreads = 64;
// A nonce older than this is useless as a freshness proof; longer is a configuration mistake.
constexpr absl::Duration kMaxNonceTtl = absl::Hours(1);
// Clock skew tolerance for X509-SVID notBefore; an hour covers any sane skew.
constexpr absl::Duration kMaxBackdate = absl::Hours(1);

constexpr std::string_view kDevelopmentName = "development";
constexpr std::string_view kProductionName = "production";

// Debian's abseil has its own string_view; Status::message() returns it.
std::string_view Message(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

bool IsHostChar(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_'; }
bool IsIpv6Char(char c) { return absl::ascii_isxdigit(c) || c == ':' || c == '.'; }

// Decimal 0..65535, digits only, no leading zeros (except "0" itself).
bool ParsePort(std::string_view text, uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  if (text.size() > 1 && text.front() == '0') return false;
  uint32_t value = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// A host name / IPv4 literal, or a bracketed IPv6 literal (brackets removed). Returns the rest
// of `authority` after the host through `rest`.
bool SplitHost(std::string_view authority, std::string& host, std::string_view& rest) {
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view literal = authority.substr(1, close - 1);
    if (literal.find(':') == std::string_view::npos) return false;
    for (char c : literal) {
      if (!IsIpv6Char(c)) return false;
    }
    host = std::string(literal);
    rest = authority.substr(close + 1);
    return true;
  }
  const size_t colon = authority.find(':');
  const std::string_view name = authority.substr(0, colon);
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsHostChar(c)) return false;
  }
  host = std::string(name);
  rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  return true;
}

// "https://host[:port][/]" with a port of 1..65535, the form libs/net's ParseHttpsUrl accepts
// (checked here without depending on libs/net). Returns a description of the problem, or "".
// "" if `url` is what net::HttpsClient can connect to (https://host[:port]), else why not.
std::string CheckHttpsUrl(std::string_view url) {
  auto endpoint = net::ParseHttpsUrl(url);
  return endpoint.ok() ? std::string() : std::string(endpoint.status().message());
}

absl::StatusOr<Profile> ProfileFromName(std::string_view name, std::string_view path) {
  if (name == kDevelopmentName) return Profile::kDevelopment;
  if (name == kProductionName) return Profile::kProduction;
  return ConfigError(path, absl::StrFormat("must be \"%s\" or \"%s\", not \"%s\"", kDevelopmentName,
                                           kProductionName, name));
}

absl::Status CheckSynchronous(std::string_view value, std::string_view path) {
  if (value == "normal" || value == "full") return absl::OkStatus();
  return ConfigError(path, absl::StrFormat("must be \"normal\" or \"full\", not \"%s\"", value));
}

constexpr size_t kMaxTpmRoots = 32;
constexpr absl::Duration kMaxAkCertificateTtl = absl::Hours(24 * 366);

// A list of file names; `key: []` is what RenderConfig writes for none.
absl::StatusOr<std::vector<std::string>> ReadFileList(const MapReader& section,
                                                      std::string_view key, size_t max) {
  std::vector<std::string> files;
  const Json* value = section.Optional(key);
  if (value == nullptr || (value->is_array() && value->empty())) return files;
  const std::string path = section.PathOf(key);
  TWI_ASSIGN_OR_RETURN(const Json* list, policy::internal::ReadList(*value, path));
  for (const Json& item : *list) {
    TWI_ASSIGN_OR_RETURN(std::string file, ReadString(item, path));
    if (file.empty()) return ConfigError(path, "a file name is empty");
    files.push_back(std::move(file));
  }
  if (files.size() > max) return ConfigError(path, absl::StrFormat("at most %d files", max));
  return files;
}

// A duration string as absl::ParseDuration reads it ("2m", "10s", "1h30m"); range checks are
// CheckDuration's, so that Validate applies the same rules to a config built in code.
absl::StatusOr<absl::Duration> ReadDurationText(const Json& value, std::string_view path) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadString(value, path));
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration)) {
    return ConfigError(path, "must be a duration such as \"10s\", \"2m\" or \"1h30m\"");
  }
  return duration;
}

absl::Status CheckDuration(absl::Duration duration, std::string_view path, bool allow_zero,
                           absl::Duration max) {
  const bool low_ok =
      allow_zero ? duration >= absl::ZeroDuration() : duration > absl::ZeroDuration();
  if (!low_ok || duration > max) {
    return ConfigError(path, absl::StrFormat("must be %s and at most %s",
                                             allow_zero ? "zero or positive" : "positive",
                                             absl::FormatDuration(max)));
  }
  return absl::OkStatus();
}

absl::Status CheckAddress(std::string_view address, std::string_view path) {
  absl::StatusOr<HostPort> parsed = ParseHostPort(address);
  if (!parsed.ok()) return ConfigError(path, Message(parsed.status()));
  return absl::OkStatus();
}

absl::Status CheckServerThreads(int64_t threads, std::string_view path) {
  if (threads < kMinServerThreads || threads > kMaxServerThreads) {
    return ConfigError(
        path, absl::StrFormat("must be between %d and %d", kMinServerThreads, kMaxServerThreads));
  }
  return absl::OkStatus();
}

absl::Status CheckKeyStore(const KeyStoreConfig& ks) {
  if (ks.pkcs11_module.empty()) return ConfigError("key_store.pkcs11_module", "must not be empty");
  if (ks.token.empty() || ks.token.size() > 32) {
    return ConfigError("key_store.token", "must have 1 to 32 characters (a PKCS#11 token label)");
  }
  if (ks.pin_file.empty()) return ConfigError("key_store.pin_file", "must not be empty");
  return absl::OkStatus();
}

// A YAML double-quoted scalar: JSON string escapes are a subset of YAML's (YAML 1.2 §7.3.1).
std::string Quote(std::string_view text) { return DumpJson(Json(std::string(text))); }

// Durations as absl::FormatDuration writes them ("2m", "10s", "1h30m"); zero as "0s" so that
// the plain scalar stays a string rather than the integer 0.
// "  key: []" or "  key:\n    - file" lines.
std::string RenderList(std::string_view key, const std::vector<std::string>& files) {
  std::string out = absl::StrFormat("  %s:", key);
  if (files.empty()) out += " []";
  for (const std::string& file : files) out += "\n    - " + Quote(file);
  return out + "\n";
}

std::string RenderDuration(absl::Duration duration) {
  if (duration == absl::ZeroDuration()) return "0s";
  return absl::FormatDuration(duration);
}

}  // namespace

std::string_view ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kDevelopment:
      return kDevelopmentName;
    case Profile::kProduction:
      return kProductionName;
  }
  return "unknown";
}

absl::StatusOr<DeploymentConfig> ReadConfigFile(const Layout& layout) {
  TWI_ASSIGN_OR_RETURN(std::string yaml, ReadFile(layout.config(), 1 << 20));
  auto config = ParseConfig(yaml);
  if (!config.ok()) return Annotate(config.status(), layout.config());
  return config;
}

absl::StatusOr<DeploymentConfig> ParseConfig(std::string_view yaml) {
  TWI_ASSIGN_OR_RETURN(Json document, policy::internal::YamlToJson(yaml));
  TWI_ASSIGN_OR_RETURN(
      MapReader root,
      MapReader::Make(document, "",
                      {"version", "profile", "trust_domain", "allow_insecure_sample_tee", "listen",
                       "server_threads", "nonce_ttl", "ca_url", "sqlite", "x509_svid_backdate",
                       "key_store", "provenance", "tpm"}));
  DeploymentConfig config;

  TWI_ASSIGN_OR_RETURN(const Json* version, root.Required("version"));
  if (!version->is_number_integer() || version->get<int64_t>() != kConfigVersion) {
    return ConfigError("version",
                       absl::StrFormat("unsupported config version %s; this build reads %d",
                                       DumpJson(*version), kConfigVersion));
  }

  TWI_ASSIGN_OR_RETURN(const Json* profile, root.Required("profile"));
  TWI_ASSIGN_OR_RETURN(std::string profile_name, ReadString(*profile, "profile"));
  TWI_ASSIGN_OR_RETURN(config.profile, ProfileFromName(profile_name, "profile"));

  TWI_ASSIGN_OR_RETURN(const Json* trust_domain, root.Required("trust_domain"));
  TWI_ASSIGN_OR_RETURN(config.trust_domain, ReadString(*trust_domain, "trust_domain"));

  if (const Json* value = root.Optional("allow_insecure_sample_tee")) {
    TWI_ASSIGN_OR_RETURN(config.allow_insecure_sample_tee,
                         ReadBool(*value, "allow_insecure_sample_tee"));
  }

  if (const Json* listen = root.Optional("listen")) {
    TWI_ASSIGN_OR_RETURN(MapReader reader,
                         MapReader::Make(*listen, "listen", {"public", "internal"}));
    if (const Json* value = reader.Optional("public")) {
      TWI_ASSIGN_OR_RETURN(config.public_address, ReadString(*value, reader.PathOf("public")));
    }
    if (const Json* value = reader.Optional("internal")) {
      TWI_ASSIGN_OR_RETURN(config.internal_address, ReadString(*value, reader.PathOf("internal")));
    }
  }

  if (const Json* value = root.Optional("server_threads")) {
    TWI_ASSIGN_OR_RETURN(int64_t threads,
                         ReadInt(*value, "server_threads", kMinServerThreads, kMaxServerThreads));
    config.server_threads = static_cast<int>(threads);
  }

  if (const Json* value = root.Optional("nonce_ttl")) {
    TWI_ASSIGN_OR_RETURN(config.nonce_ttl, ReadDurationText(*value, "nonce_ttl"));
    TWI_RETURN_IF_ERROR(CheckDuration(config.nonce_ttl, "nonce_ttl", false, kMaxNonceTtl));
  }

  if (const Json* value = root.Optional("ca_url")) {
    TWI_ASSIGN_OR_RETURN(config.ca_url, ReadString(*value, "ca_url"));
  }

  if (const Json* sqlite = root.Optional("sqlite")) {
    TWI_ASSIGN_OR_RETURN(MapReader reader, MapReader::Make(*sqlite, "sqlite", {"synchronous"}));
    if (const Json* value = reader.Optional("synchronous")) {
      const std::string path = reader.PathOf("synchronous");
      TWI_ASSIGN_OR_RETURN(config.sqlite_synchronous, ReadString(*value, path));
      TWI_RETURN_IF_ERROR(CheckSynchronous(config.sqlite_synchronous, path));
    }
  }

  if (const Json* value = root.Optional("x509_svid_backdate")) {
    TWI_ASSIGN_OR_RETURN(config.x509_svid_backdate, ReadDurationText(*value, "x509_svid_backdate"));
    TWI_RETURN_IF_ERROR(
        CheckDuration(config.x509_svid_backdate, "x509_svid_backdate", true, kMaxBackdate));
  }

  TWI_ASSIGN_OR_RETURN(const Json* key_store, root.Required("key_store"));
  TWI_ASSIGN_OR_RETURN(MapReader reader,
                       MapReader::Make(*key_store, "key_store",
                                       {"pkcs11_module", "token", "pin_file", "softhsm2_conf"}));
  KeyStoreConfig& ks = config.key_store;
  for (const auto& [name, field] :
       {std::pair<const char*, std::string*>{"pkcs11_module", &ks.pkcs11_module},
        {"token", &ks.token},
        {"pin_file", &ks.pin_file}}) {
    TWI_ASSIGN_OR_RETURN(const Json* value, reader.Required(name));
    TWI_ASSIGN_OR_RETURN(*field, ReadString(*value, reader.PathOf(name)));
  }
  if (const Json* value = reader.Optional("softhsm2_conf")) {
    TWI_ASSIGN_OR_RETURN(ks.softhsm2_conf, ReadString(*value, reader.PathOf("softhsm2_conf")));
  }
  TWI_RETURN_IF_ERROR(CheckKeyStore(ks));

  if (const Json* provenance = root.Optional("provenance")) {
    TWI_ASSIGN_OR_RETURN(MapReader section,
                         MapReader::Make(*provenance, "provenance", {"auditors"}));
    TWI_ASSIGN_OR_RETURN(config.provenance_auditors,
                         ReadFileList(section, "auditors", provenance::kMaxAuditors));
  }
  if (const Json* tpm = root.Optional("tpm")) {
    TWI_ASSIGN_OR_RETURN(
        MapReader section,
        MapReader::Make(*tpm, "tpm",
                        {"ek_roots", "ek_intermediates", "ak_roots", "min_firmware_version",
                         "refuse_unsafe_clock", "ak_certificate_ttl"}));
    TpmConfig& t = config.tpm;
    TWI_ASSIGN_OR_RETURN(t.ek_roots, ReadFileList(section, "ek_roots", kMaxTpmRoots));
    TWI_ASSIGN_OR_RETURN(t.ek_intermediates,
                         ReadFileList(section, "ek_intermediates", kMaxTpmRoots));
    TWI_ASSIGN_OR_RETURN(t.ak_roots, ReadFileList(section, "ak_roots", kMaxTpmRoots));
    if (const Json* v = section.Optional("min_firmware_version")) {
      TWI_ASSIGN_OR_RETURN(const int64_t version,
                           ReadInt(*v, section.PathOf("min_firmware_version"), 0, INT64_MAX));
      t.min_firmware_version = static_cast<uint64_t>(version);
    }
    if (const Json* v = section.Optional("refuse_unsafe_clock")) {
      TWI_ASSIGN_OR_RETURN(t.refuse_unsafe_clock,
                           ReadBool(*v, section.PathOf("refuse_unsafe_clock")));
    }
    if (const Json* v = section.Optional("ak_certificate_ttl")) {
      TWI_ASSIGN_OR_RETURN(t.ak_certificate_ttl,
                           ReadDurationText(*v, section.PathOf("ak_certificate_ttl")));
      TWI_RETURN_IF_ERROR(CheckDuration(t.ak_certificate_ttl, "tpm.ak_certificate_ttl",
                                        /*allow_zero=*/false, kMaxAkCertificateTtl));
    }
  }
  return config;
}

// An unset variable (nullptr) leaves the value alone. An empty TWI_CA_URL clears ca_url (the
// Verifier then uses the CA of its own process); any other empty variable is refused.
absl::Status ApplyEnvironment(DeploymentConfig& config,
                              const std::function<const char*(const char*)>& getenv) {
  auto env_error = [](std::string_view name, std::string_view message) {
    return Error(Reason::kConfigInvalid, absl::StrFormat("%s: %s", name, message));
  };
  DeploymentConfig updated = config;
  for (const char* name : {"TWI_LISTEN_PUBLIC", "TWI_LISTEN_INTERNAL"}) {
    const char* value = getenv(name);
    if (value == nullptr) continue;
    absl::StatusOr<HostPort> parsed = ParseHostPort(value);
    if (!parsed.ok()) return env_error(name, Message(parsed.status()));
    (std::string_view(name) == "TWI_LISTEN_PUBLIC" ? updated.public_address
                                                   : updated.internal_address) = value;
  }
  if (const char* value = getenv("TWI_CA_URL"); value != nullptr) {
    if (*value != '\0') {
      if (const std::string problem = CheckHttpsUrl(value); !problem.empty()) {
        return env_error("TWI_CA_URL", problem);
      }
    }
    updated.ca_url = value;
  }
  if (const char* value = getenv("TWI_SERVER_THREADS"); value != nullptr) {
    const std::string_view text(value);
    int64_t threads = 0;
    // At most three digits, so the value cannot overflow; no sign, no spaces.
    bool ok = !text.empty() && text.size() <= 3;
    for (char c : text) {
      ok = ok && absl::ascii_isdigit(c);
      if (ok) threads = threads * 10 + (c - '0');
    }
    if (!ok || threads < kMinServerThreads || threads > kMaxServerThreads) {
      return env_error("TWI_SERVER_THREADS", absl::StrFormat("must be an integer between %d and %d",
                                                             kMinServerThreads, kMaxServerThreads));
    }
    updated.server_threads = static_cast<int>(threads);
  }
  if (const char* value = getenv("TWI_INSECURE_WITHOUT_PROVENANCE"); value != nullptr) {
    const std::string_view text(value);
    if (text != "0" && text != "1")
      return env_error("TWI_INSECURE_WITHOUT_PROVENANCE", "must be 0 or 1");
    updated.insecure_without_provenance = text == "1";
  }
  // Applied only when every variable is good, so a refused override changes nothing.
  config = std::move(updated);
  return absl::OkStatus();
}

absl::Status Validate(const DeploymentConfig& config) {
  if (config.profile != Profile::kDevelopment && config.profile != Profile::kProduction) {
    return ConfigError("profile", "unknown profile");
  }
  if (config.profile == Profile::kProduction && config.allow_insecure_sample_tee) {
    return ConfigError(
        "allow_insecure_sample_tee",
        "must not be true in the production profile: the sample TEE is INSECURE (anyone who can "
        "use its software platform key can forge evidence); use profile: development to try it "
        "out");
  }
  if (config.insecure_without_provenance &&
      (config.profile != Profile::kDevelopment || !config.allow_insecure_sample_tee)) {
    return ConfigError("TWI_INSECURE_WITHOUT_PROVENANCE",
                       "issuing without provenance records is for benchmarks of a development "
                       "deployment with the sample TEE only");
  }
  if (absl::Status status = spiffe::ValidateTrustDomain(config.trust_domain); !status.ok()) {
    return ConfigError("trust_domain", Message(status));
  }
  TWI_RETURN_IF_ERROR(CheckAddress(config.public_address, "listen.public"));
  TWI_RETURN_IF_ERROR(CheckAddress(config.internal_address, "listen.internal"));
  TWI_RETURN_IF_ERROR(CheckServerThreads(config.server_threads, "server_threads"));
  TWI_RETURN_IF_ERROR(CheckDuration(config.nonce_ttl, "nonce_ttl", false, kMaxNonceTtl));
  if (!config.ca_url.empty()) {
    if (const std::string problem = CheckHttpsUrl(config.ca_url); !problem.empty()) {
      return ConfigError("ca_url", problem);
    }
  }
  TWI_RETURN_IF_ERROR(CheckSynchronous(config.sqlite_synchronous, "sqlite.synchronous"));
  TWI_RETURN_IF_ERROR(
      CheckDuration(config.x509_svid_backdate, "x509_svid_backdate", true, kMaxBackdate));
  return CheckKeyStore(config.key_store);
}

std::string RenderConfig(const DeploymentConfig& config) {
  std::string out =
      "# twi deployment configuration (written by `twi server init`).\n"
      "# Unknown keys are refused. The environment variables TWI_LISTEN_PUBLIC,\n"
      "# TWI_LISTEN_INTERNAL, TWI_CA_URL and TWI_SERVER_THREADS override the keys\n"
      "# listen.public, listen.internal, ca_url and server_threads.\n"
      "\n"
      "# Schema version of this file; this build reads 1.\n"
      "version: 1\n"
      "\n"
      "# development | production. production refuses allow_insecure_sample_tee.\n"
      "profile: ";
  out += ProfileName(config.profile);
  out +=
      "\n\n"
      "# The SPIFFE trust domain this deployment issues identities in.\n"
      "trust_domain: ";
  out += Quote(config.trust_domain);
  out +=
      "\n\n"
      "# INSECURE: accept evidence from the sample TEE, whose \"hardware\" key is a\n"
      "# software key any local agent with the PIN can use. For development and CI\n"
      "# only; refused in production.\n"
      "allow_insecure_sample_tee: ";
  out += config.allow_insecure_sample_tee ? "true" : "false";
  out +=
      "\n\n"
      "# Listener addresses, host:port ([ipv6]:port for IPv6; port 0 = ephemeral).\n"
      "listen:\n"
      "  # Workload-facing: TLS 1.3 with server authentication.\n"
      "  public: ";
  out += Quote(config.public_address);
  out +=
      "\n"
      "  # Service-to-service: TLS 1.3 with mutual authentication.\n"
      "  internal: ";
  out += Quote(config.internal_address);
  out +=
      "\n\n"
      "# Threads serving both listeners (1 to 64).\n"
      "server_threads: ";
  out += std::to_string(config.server_threads);
  out +=
      "\n\n"
      "# How long a Verifier nonce stays valid (a duration such as 2m; at most 1h).\n"
      "nonce_ttl: ";
  out += RenderDuration(config.nonce_ttl);
  out +=
      "\n\n"
      "# Empty: the Verifier uses the CA of its own process. Otherwise the URL of a\n"
      "# CA's internal listener, \"https://host:port\", reached with mTLS.\n"
      "ca_url: ";
  out += Quote(config.ca_url);
  out +=
      "\n\n"
      "sqlite:\n"
      "  # PRAGMA synchronous of the SQLite databases in data/: normal | full.\n"
      "  synchronous: ";
  out += Quote(config.sqlite_synchronous);
  out +=
      "\n\n"
      "# How far X509-SVID notBefore is set into the past to tolerate clock skew\n"
      "# (a duration such as 10s; 0s to 1h).\n"
      "x509_svid_backdate: ";
  out += RenderDuration(config.x509_svid_backdate);
  out +=
      "\n\n"
      "# The Key Store: the PKCS#11 token holding the CA, WIT, EAR and internal CA keys,\n"
      "# which never leave it. Relative paths are relative to this directory.\n"
      "key_store:\n";
  const KeyStoreConfig& ks = config.key_store;
  for (const auto& [comment, key, value] :
       {std::tuple<const char*, const char*, const std::string&>{
            "The Cryptoki module (any PKCS#11 HSM; SoftHSM2 by default).", "pkcs11_module",
            ks.pkcs11_module},
        {"Token label.", "token", ks.token},
        {"File holding the token's user PIN (mode 0600).", "pin_file", ks.pin_file},
        {"SoftHSM2 only: its configuration file (empty for other modules).", "softhsm2_conf",
         ks.softhsm2_conf}}) {
    out += absl::StrFormat("  # %s\n  %s: %s\n", comment, key, Quote(value));
  }
  out +=
      "\n"
      "# Credential Provenance records are stored sealed (JWE) for these auditors' public\n"
      "# keys (PEM files, EC P-256/P-384 or RSA; relative to this directory). Empty: stored\n"
      "# in the clear. The log and the credentials' pointers commit to the plain record\n"
      "# either way.\n"
      "provenance:\n";
  out += RenderList("auditors", config.provenance_auditors);
  const TpmConfig& t = config.tpm;
  out +=
      "\n"
      "# TPM 2.0 attestation (docs/tpm.md). AKs are enrolled through EK certificates that chain\n"
      "# to ek_roots (PEM, the TPM manufacturers' CAs), and get an AK certificate from this\n"
      "# deployment's AK CA; ak_roots adds other AK CAs (a cloud's vTPM CA). No roots: the TPM\n"
      "# TEE is not accepted.\n"
      "tpm:\n";
  out += RenderList("ek_roots", t.ek_roots) + RenderList("ek_intermediates", t.ek_intermediates) +
         RenderList("ak_roots", t.ak_roots);
  out += absl::StrFormat(
      "  # Quotes from TPM firmware older than this (TPMS_ATTEST firmwareVersion) are refused.\n"
      "  min_firmware_version: %d\n"
      "  # Refuse quotes whose clock the TPM reports unsafe (after a power loss, for up to an\n"
      "  # hour); the per-AK clock check holds either way.\n"
      "  refuse_unsafe_clock: %s\n"
      "  ak_certificate_ttl: %s\n",
      t.min_firmware_version, t.refuse_unsafe_clock ? "true" : "false",
      RenderDuration(t.ak_certificate_ttl));
  return out;
}

absl::StatusOr<HostPort> ParseHostPort(std::string_view address) {
  auto invalid = [address](std::string_view problem) {
    return Error(Reason::kConfigInvalid,
                 absl::StrFormat(
                     "bad address \"%s\": %s (expected host:port or [ipv6]:port)",
                     absl::CHexEscape(absl::string_view(address.data(), address.size())), problem));
  };
  HostPort result;
  std::string_view rest;
  if (!SplitHost(address, result.host, rest)) return invalid("bad host");
  if (rest.empty() || rest.front() != ':') return invalid("missing port");
  if (!ParsePort(rest.substr(1), result.port)) return invalid("port must be 0 to 65535");
  return result;
}

}  // namespace twi::deployment
