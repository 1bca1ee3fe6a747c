#include "testing/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "absl/time/clock.h"

extern char** environ;

namespace twi::testing {
namespace {

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  return {fds[0], fds[1]};
}

// Spawns with stdin/stdout/stderr redirected to the given fds.
pid_t Spawn(const std::vector<std::string>& argv, const Environment& extra, int in, int out,
            int err) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const size_t eq = entry.find('=');
    if (eq != std::string::npos) merged[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + strerror(rc));
  return pid;
}

int ExitCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// Reads what is available on the open fds into the buffers until `deadline` or until every fd
// is at EOF; `stop` ends the wait early.
template <typename Stop>
void Pump(std::vector<std::pair<int*, std::string*>> fds, absl::Time deadline, Stop stop) {
  while (!stop()) {
    std::vector<pollfd> polled;
    for (auto& [fd, buf] : fds) {
      if (*fd >= 0) polled.push_back({*fd, POLLIN, 0});
    }
    if (polled.empty()) return;
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return;
    if (poll(polled.data(), polled.size(), static_cast<int>(ms)) <= 0) continue;
    for (auto& [fd, buf] : fds) {
      if (*fd < 0) continue;
      for (const pollfd& p : polled) {
        if (p.fd != *fd || p.revents == 0) continue;
        char chunk[8192];
        const ssize_t n = read(*fd, chunk, sizeof(chunk));
        if (n > 0) {
          buf->append(chunk, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          close(*fd);
          *fd = -1;
        }
      }
    }
  }
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const Environment& env,
                         absl::Duration timeout, const std::string& input) {
  Pipe in = MakePipe(), out = MakePipe(), err = MakePipe();
  const pid_t pid = Spawn(argv, env, in.read, out.write, err.write);
  close(in.read);
  close(out.write);
  close(err.write);
  if (!input.empty()) {
    // Small inputs only (a pipe buffer); enough for the scripts tests feed.
    (void)!write(in.write, input.data(), input.size());
  }
  close(in.write);
  CommandResult result;
  const absl::Time deadline = absl::Now() + timeout;
  Pump({{&out.read, &result.out}, {&err.read, &result.err}}, deadline, [] { return false; });
  int status = 0;
  if (out.read >= 0 || err.read >= 0) {  // deadline passed with output still open
    kill(pid, SIGKILL);
    if (out.read >= 0) close(out.read);
    if (err.read >= 0) close(err.read);
    waitpid(pid, &status, 0);
    result.exit_code = -1;
    return result;
  }
  waitpid(pid, &status, 0);
  result.exit_code = ExitCode(status);
  return result;
}

struct BackgroundProcess::Pipes {
  mutable std::mutex mu;
  std::condition_variable changed;
  std::string out;      // guarded by mu
  std::string err;      // guarded by mu
  bool closed = false;  // both pipes at EOF; guarded by mu
  std::thread reader;
};

std::unique_ptr<BackgroundProcess> BackgroundProcess::Start(const std::vector<std::string>& argv,
                                                            const Environment& env) {
  Pipe out = MakePipe(), err = MakePipe();
  const int null_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::unique_ptr<BackgroundProcess> p(new BackgroundProcess());
  p->pid_ = Spawn(argv, env, null_in, out.write, err.write);
  close(null_in);
  close(out.write);
  close(err.write);
  p->pipes_ = std::make_unique<Pipes>();
  Pipes* pipes = p->pipes_.get();
  pipes->reader = std::thread([pipes, out_fd = out.read, err_fd = err.read]() mutable {
    std::string out_chunk, err_chunk;
    while (out_fd >= 0 || err_fd >= 0) {
      Pump({{&out_fd, &out_chunk}, {&err_fd, &err_chunk}}, absl::Now() + absl::Seconds(1),
           [&] { return !out_chunk.empty() || !err_chunk.empty(); });
      std::lock_guard<std::mutex> lock(pipes->mu);
      pipes->out += out_chunk;
      pipes->err += err_chunk;
      out_chunk.clear();
      err_chunk.clear();
      pipes->changed.notify_all();
    }
    std::lock_guard<std::mutex> lock(pipes->mu);
    pipes->closed = true;
    pipes->changed.notify_all();
  });
  return p;
}

std::optional<std::string> BackgroundProcess::ReadLine(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(pipes_->mu);
  pipes_->changed.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
    return pipes_->out.find('\n') != std::string::npos || pipes_->closed;
  });
  const size_t nl = pipes_->out.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  std::string line = pipes_->out.substr(0, nl);
  pipes_->out.erase(0, nl + 1);
  return line;
}

std::string BackgroundProcess::err() const {
  std::lock_guard<std::mutex> lock(pipes_->mu);
  return pipes_->err;
}

int BackgroundProcess::Stop(absl::Duration timeout) {
  if (exited_) return status_ == -1 ? -1 : ExitCode(status_);
  kill(pid_, SIGTERM);
  {
    // The pipes close when the child exits.
    std::unique_lock<std::mutex> lock(pipes_->mu);
    pipes_->changed.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                             [&] { return pipes_->closed; });
  }
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    status = -1;
  }
  exited_ = true;
  status_ = status;
  return status == -1 ? -1 : ExitCode(status);
}

BackgroundProcess::~BackgroundProcess() {
  Stop();
  if (pipes_->reader.joinable()) pipes_->reader.join();
}

std::string TwiBinary() {
  const char* dir = std::getenv("TWI_BIN_DIR");
  return std::string(dir != nullptr ? dir : "build/bin") + "/twi";
}

}  // namespace twi::testing
