#include "libs/devtools/swtpm.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/files.h"
#include "libs/core/status.h"

namespace twi::devtools {
namespace {

extern "C" char** environ;

// Runs `argv` to completion with its output appended to `log`; true if it exited with 0.
// swtpm --daemon returns once its sockets listen, swtpm_setup within seconds.
bool Run(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// A listening TCP socket on 127.0.0.1 at `port` (0: an ephemeral one): the descriptor and port.
absl::StatusOr<std::pair<int, int>> Listen(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error(Reason::kInternal, "socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return Error(Reason::kUnavailable, "bind/listen on loopback failed");
  }
  return std::make_pair(fd, static_cast<int>(ntohs(addr.sin_port)));
}

// The swtpm TCTI reaches the control channel at the server's port + 1: two adjacent ports.
absl::StatusOr<std::pair<std::pair<int, int>, int>> ListenPair() {
  for (int attempt = 0; attempt < 64; ++attempt) {
    TWI_ASSIGN_OR_RETURN(const auto server, Listen(0));
    if (server.second < 65535) {
      absl::StatusOr<std::pair<int, int>> ctrl = Listen(server.second + 1);
      if (ctrl.ok()) return std::make_pair(server, ctrl->first);
    }
    close(server.first);
  }
  return Error(Reason::kUnavailable, "no two adjacent free loopback ports");
}

}  // namespace

absl::StatusOr<SwtpmManufacturer> ManufactureSwtpm(const std::string& state_dir,
                                                   const std::string& ca_dir) {
  std::filesystem::create_directories(state_dir);
  std::filesystem::create_directories(ca_dir);
  const std::string localca = ca_dir + "/swtpm-localca.conf";
  const std::string options = ca_dir + "/swtpm-localca.options";
  const std::string setup = ca_dir + "/swtpm_setup.conf";
  TWI_RETURN_IF_ERROR(WriteFileAtomic(
      localca, absl::StrCat("statedir = ", ca_dir, "\nsigningkey = ", ca_dir,
                            "/signkey.pem\nissuercert = ", ca_dir,
                            "/issuercert.pem\ncertserial = ", ca_dir, "/certserial\n")));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(
      options, "--platform-manufacturer twi\n--platform-version 2.1\n--platform-model swtpm\n"));
  TWI_RETURN_IF_ERROR(WriteFileAtomic(
      setup, absl::StrCat(
                 "create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = ", localca,
                 "\ncreate_certs_tool_options = ", options, "\nactive_pcr_banks = sha256\n")));
  const std::string log = ca_dir + "/swtpm_setup.log";
  if (!Run({"swtpm_setup", "--tpm2", "--tpmstate", state_dir, "--create-ek-cert", "--config", setup,
            "--overwrite"},
           log)) {
    return Error(Reason::kUnavailable,
                 absl::StrCat("swtpm_setup failed: ", ReadFile(log).value_or("(no output)")));
  }
  return SwtpmManufacturer{ca_dir + "/swtpm-localca-rootca-cert.pem", ca_dir + "/issuercert.pem"};
}

bool SwtpmInstalled() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
    if (access((std::string(dir) + "/swtpm").c_str(), X_OK) == 0 &&
        access((std::string(dir) + "/swtpm_setup").c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<std::unique_ptr<Swtpm>> Swtpm::Start(const std::string& state_dir) {
  if (!SwtpmInstalled()) {
    return Error(Reason::kUnavailable, "swtpm is not installed (apt-get install swtpm)");
  }
  std::filesystem::create_directories(state_dir);
  std::unique_ptr<Swtpm> tpm(new Swtpm());
  tpm->log_ = state_dir + "/swtpm.log";
  const std::string pid_file = state_dir + "/swtpm.pid";
  std::string errors;
  for (int attempt = 0; attempt < 8; ++attempt) {
    TWI_ASSIGN_OR_RETURN(const auto sockets, ListenPair());
    const int port = sockets.first.second;
    close(sockets.first.first);  // swtpm binds them itself
    close(sockets.second);
    if (!Run({"swtpm", "socket", "--tpm2", "--daemon", "--tpmstate", "dir=" + state_dir, "--pid",
              "file=" + pid_file, "--log", "file=" + tpm->log_, "--server",
              absl::StrCat("type=tcp,port=", port, ",bindaddr=127.0.0.1"), "--ctrl",
              absl::StrCat("type=tcp,port=", port + 1, ",bindaddr=127.0.0.1"), "--flags",
              "not-need-init,startup-clear"},
             tpm->log_)) {
      errors = ReadFile(tpm->log_).value_or("");
      continue;
    }
    absl::StatusOr<std::string> pid = ReadFile(pid_file);
    if (!pid.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*pid), &tpm->pid_)) {
      return Error(Reason::kUnavailable, "swtpm started but wrote no pid file");
    }
    tpm->port_ = port;
    return tpm;
  }
  return Error(Reason::kUnavailable, absl::StrCat("swtpm did not start: ", errors));
}

namespace {

// Whether `pid` still runs: it exists and is not a zombie (the daemon is not our child, and in a
// container without a reaping init it stays a zombie after exiting).
bool Running(int pid) {
  const absl::StatusOr<std::string> stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"), 4096);
  if (!stat.ok()) return false;
  const size_t paren = stat->rfind(')');
  return paren != std::string::npos && paren + 2 < stat->size() && (*stat)[paren + 2] != 'Z';
}

}  // namespace

// Waits for the daemon to exit, so that its state files are complete when the destructor
// returns (tests restart a TPM from, or copy, its state).
Swtpm::~Swtpm() {
  if (pid_ <= 0 || kill(pid_, SIGTERM) != 0) return;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (Running(pid_) && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(2));
}

std::string Swtpm::log() const { return ReadFile(log_).value_or(""); }

std::string Swtpm::tcti() const { return absl::StrCat("swtpm:host=127.0.0.1,port=", port_); }

}  // namespace twi::devtools
