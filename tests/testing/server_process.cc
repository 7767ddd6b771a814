// Real gigwired processes for tests; see server_process.h.
#include "tests/testing/server_process.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace gigwire::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(20);

std::vector<char*> CArgs(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& arg : argv) out.push_back(const_cast<char*>(arg.c_str()));
  out.push_back(nullptr);
  return out;
}

// Forks and execs `argv` with stdin from `stdin_fd` (-1: /dev/null) and
// stderr appended to `log_path`.
pid_t Spawn(const std::vector<std::string>& argv, int stdin_fd, const std::string& log_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  if (stdin_fd >= 0) dup2(stdin_fd, STDIN_FILENO);
  FILE* log = std::fopen(log_path.c_str(), "a");
  if (log != nullptr) dup2(fileno(log), STDERR_FILENO);
  std::vector<char*> args = CArgs(argv);
  execv(args[0], args.data());
  _exit(127);
}

int ExitStatus(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::string GigwiredPath() {
  const char* path = std::getenv("GIGWIRED");
  return path != nullptr ? path : "build/cmake/bin/gigwired";
}

int RunToCompletion(const std::vector<std::string>& argv, const std::string& stdin_text) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = Spawn(argv, fds[0], "/dev/null");
  close(fds[0]);
  ssize_t ignored = write(fds[1], stdin_text.data(), stdin_text.size());
  (void)ignored;
  close(fds[1]);
  return ExitStatus(pid);
}

absl::StatusOr<ServerProcess> ServerProcess::Start(std::vector<std::string> extra_flags) {
  ServerProcess server;
  const char* test_tmpdir = std::getenv("TEST_TMPDIR");  // set by Bazel
  std::filesystem::path base =
      test_tmpdir != nullptr ? test_tmpdir : std::filesystem::temp_directory_path();
  std::string tmpl = (base / "gigwired-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  server.dir_ = tmpl;
  server.db_path_ = server.dir_ + "/gigwire.db";
  const std::string ready = server.dir_ + "/ready";
  const std::string binary = GigwiredPath();
  int admin = RunToCompletion({binary, "--db", server.db_path_, "--create-admin", kAdminEmail,
                               "--insecure-fast-password-hashing"},
                              absl::StrCat(kAdminPassword, "\n"));
  if (admin != 0) return absl::InternalError(absl::StrCat("--create-admin exited ", admin));
  std::vector<std::string> argv = {binary, "--listen", "127.0.0.1:0", "--db", server.db_path_,
                                   "--ready-file", ready, "--insecure-fast-password-hashing"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  server.pid_ = Spawn(argv, -1, server.dir_ + "/server.log");
  for (absl::Time deadline = absl::Now() + kStartTimeout; absl::Now() < deadline;) {
    if (std::filesystem::exists(ready)) {
      server.address_ = ReadAll(ready);
      return server;
    }
    if (waitpid(server.pid_, nullptr, WNOHANG) == server.pid_) {
      server.pid_ = -1;
      return absl::InternalError("gigwired exited at start: " + ReadAll(server.dir_ + "/server.log"));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError("gigwired did not become ready");
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(other.pid_), dir_(std::move(other.dir_)), db_path_(std::move(other.db_path_)),
      address_(std::move(other.address_)) {
  other.pid_ = -1;
}

std::string ServerProcess::log() const { return ReadAll(dir_ + "/server.log"); }

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = ExitStatus(pid_);
  pid_ = -1;
  return status;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    ExitStatus(pid_);
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

}  // namespace gigwire::testing
