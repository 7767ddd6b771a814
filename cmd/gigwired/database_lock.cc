// The serving lock of a database; see database_lock.h.
#include "cmd/gigwired/database_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gigwire {
namespace {

std::string ReadOwner(int fd) {
  char buffer[32] = {};
  ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
  if (n <= 0) return "another process";
  return absl::StrCat("process ", absl::StripAsciiWhitespace(buffer));
}

void WriteOwner(int fd) {
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) == 0) {
    (void)!pwrite(fd, pid.data(), pid.size(), 0);
  }
}

}  // namespace

absl::Status LockDatabaseForThisProcess(const std::string& database_path) {
  const std::string lock_path = absl::StrCat(database_path, ".lock");
  // Never closed: the lock lasts as long as the process.
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", lock_path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string owner = ReadOwner(fd);
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat(
        database_path, " is already served by ", owner, " (lock ", lock_path,
        "); one gigwired per database: stop it first, or use another --db"));
  }
  WriteOwner(fd);
  return absl::OkStatus();
}

}  // namespace gigwire
