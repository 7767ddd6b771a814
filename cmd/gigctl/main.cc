// gigctl: the Gigwire admin CLI. Parses the global flags, then hands the
// command to commands.cc. `gigctl --help` explains everything.
#include <iostream>
#include <string>
#include <vector>

#include "cmd/gigctl/commands.h"
#include "cmd/gigctl/output.h"

namespace {

// Takes the global flags out of `args`; false (after printing why) on a
// flag without its value or an unknown output format.
bool TakeGlobalFlags(std::vector<std::string>& args, gigctl::GlobalOptions& options) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string* target = arg == "--server"    ? &options.connection.server
                          : arg == "--cacert"  ? &options.connection.cacert
                          : arg == "--token"   ? &options.connection.token
                          : arg == "--api-key" ? &options.connection.api_key
                                               : nullptr;
    bool output = arg == "-o" || arg == "--output";
    if ((target != nullptr || output) && i + 1 == args.size()) {
      std::cerr << "gigctl: " << arg << " needs a value (see gigctl --help)\n";
      return false;
    }
    if (target != nullptr) {
      *target = args[++i];
    } else if (output) {
      std::string format = args[++i];
      if (format != "json" && format != "table") {
        std::cerr << "gigctl: -o takes json or table, not '" << format << "'\n";
        return false;
      }
      options.json = format == "json";
    } else if (arg == "--insecure") {
      options.connection.insecure = true;
    } else {
      rest.push_back(arg);
    }
  }
  args = rest;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  gigctl::GlobalOptions options;
  if (!TakeGlobalFlags(args, options)) return gigctl::kExitUsage;
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << gigctl::MainHelp();
    return args.empty() ? gigctl::kExitUsage : 0;
  }
  return gigctl::RunCommand(options, args);
}
