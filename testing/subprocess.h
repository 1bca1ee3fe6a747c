// Test-only: real child processes (the `twi` binary, openssl, curl, python3) with captured
// output and deadlines, for end-to-end and interop tests. Waits are on pipes and exit status,
// never on sleeps.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace twi::testing {

using Environment = std::vector<std::pair<std::string, std::string>>;

struct CommandResult {
  int exit_code = -1;  // -1: killed at the deadline or by a signal
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0; }
};

// Runs `argv` (argv[0] is looked up in PATH) with `env` added to this process' environment,
// `input` on stdin, until it exits or `timeout` passes (then it is killed).
CommandResult RunCommand(const std::vector<std::string>& argv, const Environment& env = {},
                         absl::Duration timeout = absl::Seconds(60), const std::string& input = "");

// A long-running child (a server). A reader thread drains its stdout and stderr all the time,
// so a chatty child never blocks on a full pipe. Killed with SIGTERM (then SIGKILL) when
// destroyed.
class BackgroundProcess {
 public:
  static std::unique_ptr<BackgroundProcess> Start(const std::vector<std::string>& argv,
                                                  const Environment& env = {});
  ~BackgroundProcess();

  // The next complete stdout line, or nullopt if the process ends or `timeout` passes first.
  std::optional<std::string> ReadLine(absl::Duration timeout);
  // Sends SIGTERM and waits up to `timeout`; the exit status, or -1.
  int Stop(absl::Duration timeout = absl::Seconds(10));
  // What it wrote to stderr so far.
  std::string err() const;
  pid_t pid() const { return pid_; }

 private:
  struct Pipes;
  BackgroundProcess() = default;
  pid_t pid_ = -1;
  std::unique_ptr<Pipes> pipes_;
  bool exited_ = false;
  int status_ = -1;
};

// The twi CLI under test: $TWI_BIN_DIR/twi.
std::string TwiBinary();

}  // namespace twi::testing
