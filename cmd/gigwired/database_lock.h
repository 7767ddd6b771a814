// One serving gigwired per database. Watches see only the writes of their
// own process (the event hub is in memory), so until several processes are
// supported a second gigwired on the same database must refuse to start
// instead of serving silently stale streams.
//
// The lock is an advisory flock(2) on "<database>.lock", held for the life
// of the process: the kernel releases it when the process ends, however it
// ends (SIGKILL included), so a crash never leaves a stale lock. The file
// holds the owner's pid, for the error message.
//
// Thread safety: call once, from main.
#ifndef GIGWIRE_CMD_GIGWIRED_DATABASE_LOCK_H_
#define GIGWIRE_CMD_GIGWIRED_DATABASE_LOCK_H_

#include <string>

#include "absl/status/status.h"

namespace gigwire {

// Takes the lock of `database_path` for the rest of the process's life.
// FAILED_PRECONDITION naming the other process when another holds it;
// UNAVAILABLE when the lock file cannot be opened.
absl::Status LockDatabaseForThisProcess(const std::string& database_path);

}  // namespace gigwire

#endif  // GIGWIRE_CMD_GIGWIRED_DATABASE_LOCK_H_
