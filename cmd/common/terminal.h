// Reading from the terminal for the command-line tools (gigwired's
// --create-admin, gigctl login).
#ifndef GIGWIRE_CMD_COMMON_TERMINAL_H_
#define GIGWIRE_CMD_COMMON_TERMINAL_H_

#include <string>

namespace gigwire::cmd {

// Reads one line from stdin. When stdin is a terminal, first writes `prompt`
// to stderr, and with `secret` turns echo off while the line is typed.
// Without a terminal (a pipe, a file) it reads silently. Not thread-safe.
std::string ReadLine(const std::string& prompt, bool secret);

}  // namespace gigwire::cmd

#endif  // GIGWIRE_CMD_COMMON_TERMINAL_H_
