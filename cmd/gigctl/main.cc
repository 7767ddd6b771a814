// gigctl: the Gigwire admin CLI (first slice: whoami and login check).
// The generic grpcurl-style verbs and the admin verbs build on this.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "gigwire/client.h"

namespace {

constexpr char kUsage[] = R"(gigctl: command-line client for a Gigwire server.

Usage: gigctl [--server HOST:PORT] [--token TOKEN | --api-key KEY] COMMAND

Commands:
  whoami                 print the account the credentials belong to
  version                print the gigctl version

Connection (flags override the environment):
  --server HOST:PORT     default $GIGWIRE_SERVER, else 127.0.0.1:50051
  --token TOKEN          bearer access token; default $GIGWIRE_TOKEN
  --api-key KEY          partner API key (x-api-key)

Examples:
  TOKEN=$(grpcurl -plaintext -d '{"email":"admin@demo.gigwire.dev","password":"gigwire-demo-password"}' \
      127.0.0.1:50051 gigwire.v1.AuthService/Login | jq -r .access_token)
  gigctl --token "$TOKEN" whoami

Exit codes: 0 success, 2 usage error, otherwise 10 + the gRPC status code.
)";

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

int ExitCodeFor(const absl::Status& status) { return 10 + static_cast<int>(status.code()); }

int WhoAmI(gigwire::Client& client) {
  auto me = client.GetMe();
  if (!me.ok()) {
    gigwire::ApiError error = gigwire::ApiErrorOf(me.status());
    std::cerr << "error: " << absl::StatusCodeToString(error.code) << " (" << error.reason_name
              << "): " << error.message << "\n";
    return ExitCodeFor(me.status());
  }
  std::cout << me->id() << "\t" << me->display_name() << "\t" << me->email() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  gigwire::ClientOptions options;
  options.target = EnvOr("GIGWIRE_SERVER", "127.0.0.1:50051");
  options.access_token = EnvOr("GIGWIRE_TOKEN", "");
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool has_value = i + 1 < args.size();
    if (arg == "--help" || arg == "-h" || arg == "help") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--server" && has_value) {
      options.target = args[++i];
    } else if (arg == "--token" && has_value) {
      options.access_token = args[++i];
    } else if (arg == "--api-key" && has_value) {
      options.api_key = args[++i];
    } else if (command.empty() && arg.rfind("--", 0) != 0) {
      command = arg;
    } else {
      std::cerr << "gigctl: unexpected argument '" << arg << "' (see gigctl --help)\n";
      return 2;
    }
  }
  if (command == "version") {
    std::cout << "gigctl " << gigwire::kSdkVersion << "\n";
    return 0;
  }
  if (command != "whoami") {
    std::cerr << (command.empty() ? "gigctl: missing command" : "gigctl: unknown command '" + command + "'")
              << " (see gigctl --help)\n";
    return 2;
  }
  auto client = gigwire::Client::Connect(options);
  return WhoAmI(*client);
}
