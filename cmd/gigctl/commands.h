// gigctl's commands: the generic ones (list, describe, call), the session
// ones (login, logout, whoami), watch, the admin verbs of verbs.h, help and
// shell completion. Each returns the process's exit code (see output.h).
#ifndef GIGWIRE_CMD_GIGCTL_COMMANDS_H_
#define GIGWIRE_CMD_GIGCTL_COMMANDS_H_

#include <iostream>
#include <string>
#include <vector>

#include "cmd/gigctl/session.h"

namespace gigctl {

// The flags every command takes.
struct GlobalOptions {
  ConnectionFlags connection;
  bool json = false;  // -o json
};

// Runs `args` (the command and its arguments, global flags removed).
int RunCommand(const GlobalOptions& options, const std::vector<std::string>& args);

// The overall help, and a bash completion script.
std::string MainHelp();
std::string BashCompletion();

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_COMMANDS_H_
