// Terminal input; see terminal.h.
#include "cmd/common/terminal.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace gigwire::cmd {

std::string ReadLine(const std::string& prompt, bool secret) {
  bool terminal = isatty(STDIN_FILENO) != 0;
  if (terminal) std::cerr << prompt << std::flush;
  termios saved{};
  bool hide = secret && terminal && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (hide) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (hide) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  return line;
}

}  // namespace gigwire::cmd
