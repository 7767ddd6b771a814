// Test harness: runs a real `gigwired` process on a loopback port with a
// fresh SQLite file in its own temporary folder.
//
// The binary comes from $GIGWIRED (set by the build for every test). Start()
// first bootstraps an admin account (admin@example.com / kAdminPassword) with
// `--create-admin`, then serves with `--listen 127.0.0.1:0 --ready-file` and
// waits (bounded) until the server reports its address.
//
// Thread safety: one thread drives a ServerProcess.
#ifndef GIGWIRE_TESTS_TESTING_SERVER_PROCESS_H_
#define GIGWIRE_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gigwire::testing {

inline constexpr char kAdminEmail[] = "admin@example.com";
inline constexpr char kAdminPassword[] = "admin-password-123";

class ServerProcess {
 public:
  // `extra_flags` are appended to the serving command line.
  static absl::StatusOr<ServerProcess> Start(std::vector<std::string> extra_flags = {});
  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&&) = delete;
  ~ServerProcess();  // SIGKILLs a still-running server

  const std::string& address() const { return address_; }
  const std::string& db_path() const { return db_path_; }
  // What the server wrote to stderr so far (one JSON line per finished call).
  std::string log() const;

  // Sends SIGTERM and waits; returns the exit status (0 for a clean stop),
  // or -1 if the process died from a signal.
  int Stop();

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  std::string dir_;
  std::string db_path_;
  std::string address_;
};

// Runs `argv` to completion feeding `stdin_text`; returns its exit status.
int RunToCompletion(const std::vector<std::string>& argv, const std::string& stdin_text);

// The gigwired binary under test ($GIGWIRED).
std::string GigwiredPath();

}  // namespace gigwire::testing

#endif  // GIGWIRE_TESTS_TESTING_SERVER_PROCESS_H_
