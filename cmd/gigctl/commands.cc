// gigctl's commands; see commands.h.
#include "cmd/gigctl/commands.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include <google/protobuf/dynamic_message.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cmd/common/terminal.h"
#include "cmd/gigctl/connection_notices.h"
#include "cmd/gigctl/download.h"
#include "cmd/gigctl/dynamic_call.h"
#include "cmd/gigctl/names.h"
#include "cmd/gigctl/output.h"
#include "cmd/gigctl/reflection.h"
#include "cmd/gigctl/verb_runner.h"
#include "cmd/gigctl/verbs.h"

namespace gigctl {
namespace {

using Args = std::vector<std::string>;

int Usage(const std::string& message) {
  std::cerr << "gigctl: " << message << " (see gigctl --help)\n";
  return kExitUsage;
}

bool WantsHelp(const Args& args) {
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

using Body = std::function<absl::Status(gigwire::Client&, Printer&, Names&)>;

// Connects and runs `body` with a printer that shows names for ids; errors
// go to stderr.
int WithConnection(const GlobalOptions& options, const Body& body) {
  absl::StatusOr<std::unique_ptr<gigwire::Client>> client = Connect(options.connection);
  if (!client.ok()) return ReportError(client.status(), std::cerr);
  Printer printer(std::cout, options.json, Printer::StdoutWantsColour());
  ServerNames names(**client);
  printer.set_labeler(
      [&names](IdKind kind, const std::string& id) { return names.Label(kind, id); });
  absl::Status status = body(**client, printer, names);
  if (status.ok()) return 0;
  int code = ReportError(status, std::cerr);
  if (absl::IsUnavailable(status) && !options.connection.insecure) {
    std::cerr << "  hint: for a plaintext server (like `make run`'s) add --insecure\n";
  }
  return code;
}

int Login(const GlobalOptions& options, const Args& args) {
  std::string email;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--email" && i + 1 < args.size()) {
      email = args[++i];
    } else if (args[i] != "--password-stdin") {
      return Usage("login takes [--email EMAIL] [--password-stdin]");
    }
  }
  if (email.empty()) email = gigwire::cmd::ReadLine("Email: ", /*secret=*/false);
  std::string password = gigwire::cmd::ReadLine("Password: ", /*secret=*/true);
  absl::StatusOr<SavedLogin> login = LogIn(options.connection, email, password);
  if (!login.ok()) return ReportError(login.status(), std::cerr);
  std::cerr << "logged in to " << login->server << " as " << email << " (saved in "
            << ConfigPath() << ")\n";
  return 0;
}

int Logout(const GlobalOptions& options) {
  absl::Status done = LogOut(options.connection);
  if (!done.ok()) return ReportError(done, std::cerr);
  std::cerr << "logged out\n";
  return 0;
}

int WhoAmI(const GlobalOptions& options) {
  return WithConnection(options, [](gigwire::Client& client, Printer& printer,
                                    Names&) -> absl::Status {
    absl::StatusOr<gigwire::v1::User> me = client.GetMe();
    if (!me.ok()) return me.status();
    printer.Record(*me, {{"ID", "id"}, {"EMAIL", "email"}, {"NAME", "display_name"},
                         {"ROLES", "roles"}});
    return absl::OkStatus();
  });
}

int List(const GlobalOptions& options, const Args& args) {
  if (args.size() > 2) return Usage("list takes at most one SERVICE");
  return WithConnection(options, [&args](gigwire::Client& client, Printer&,
                                         Names&) -> absl::Status {
    ReflectionClient reflection(client);
    if (args.size() == 1) {
      absl::StatusOr<std::vector<std::string>> services = reflection.ListServices();
      if (!services.ok()) return services.status();
      for (const std::string& name : *services) std::cout << name << "\n";
      return absl::OkStatus();
    }
    auto service = reflection.FindService(args[1]);
    if (!service.ok()) return service.status();
    std::vector<std::string> methods;  // sorted, as grpcurl lists them
    for (int i = 0; i < (*service)->method_count(); ++i) {
      methods.push_back((*service)->method(i)->full_name());
    }
    std::sort(methods.begin(), methods.end());
    for (const std::string& name : methods) std::cout << name << "\n";
    return absl::OkStatus();
  });
}

int Describe(const GlobalOptions& options, const Args& args) {
  if (args.size() != 2) return Usage("describe takes one SYMBOL, e.g. gigwire.v1.JobService");
  return WithConnection(options, [&args](gigwire::Client& client, Printer&,
                                         Names&) -> absl::Status {
    absl::StatusOr<std::string> text = ReflectionClient(client).Describe(args[1]);
    if (!text.ok()) return text.status();
    std::cout << *text;
    return absl::OkStatus();
  });
}

// The request of `call`: -d JSON, -d @FILE, -d @- (stdin), or stdin when it is
// not a terminal, else {}.
absl::StatusOr<std::string> CallData(const Args& args, std::string* method) {
  std::string data;
  for (size_t i = 1; i < args.size(); ++i) {
    if ((args[i] == "-d" || args[i] == "--data") && i + 1 < args.size()) {
      data = args[++i];
    } else if (method->empty() && args[i].rfind("-", 0) != 0) {
      *method = args[i];
    } else {
      return absl::InvalidArgumentError("unexpected argument '" + args[i] + "'");
    }
  }
  if (method->empty()) return absl::InvalidArgumentError("call needs SERVICE/METHOD");
  bool from_stdin = data == "@-" || (data.empty() && isatty(STDIN_FILENO) == 0);
  if (!from_stdin && data.rfind("@", 0) != 0) return data.empty() ? "{}" : data;
  std::stringstream text;
  if (from_stdin) {
    text << std::cin.rdbuf();
  } else {
    std::ifstream file(data.substr(1));
    if (!file) return absl::InvalidArgumentError("cannot read " + data.substr(1));
    text << file.rdbuf();
  }
  return text.str().empty() ? "{}" : text.str();
}

absl::Status CallMethod(gigwire::Client& client, const std::string& name, const std::string& json,
                        bool json_lines) {
  ReflectionClient reflection(client);
  absl::StatusOr<const google::protobuf::MethodDescriptor*> method = reflection.FindMethod(name);
  if (!method.ok()) return method.status();
  if ((*method)->client_streaming()) {
    return absl::UnimplementedError("gigctl calls unary and server-streaming methods only");
  }
  google::protobuf::DynamicMessageFactory factory(&reflection.pool());
  DynamicCaller caller(client, factory);
  std::unique_ptr<google::protobuf::Message> request = caller.New(*(*method)->input_type());
  if (absl::Status parsed = MessageFromJson(json, *request); !parsed.ok()) return parsed;
  if ((*method)->server_streaming()) {
    return caller.ServerStream(**method, *request, [](const google::protobuf::Message& response) {
      std::cout << MessageToJson(response, /*pretty=*/false) << std::endl;
      return true;
    });
  }
  auto response = caller.Unary(**method, *request);
  if (!response.ok()) return response.status();
  std::cout << MessageToJson(**response, /*pretty=*/!json_lines) << "\n";
  return absl::OkStatus();
}

int Call(const GlobalOptions& options, const Args& args) {
  std::string method;
  absl::StatusOr<std::string> json = CallData(args, &method);
  if (!json.ok()) return Usage(std::string(json.status().message()));
  return WithConnection(options, [&](gigwire::Client& client, Printer&, Names&) {
    return CallMethod(client, method, *json, options.json);
  });
}

// `watch offers|events [--job ID] [--from CURSOR] [--count N]`.
struct WatchArgs {
  std::string kind, job, from;
  int count = 0;  // 0: until interrupted
};

absl::StatusOr<WatchArgs> ParseWatch(const Args& args) {
  WatchArgs watch;
  if (args.size() < 2 || (args[1] != "offers" && args[1] != "events")) {
    return absl::InvalidArgumentError("watch takes offers or events");
  }
  watch.kind = args[1];
  for (size_t i = 2; i < args.size(); ++i) {
    bool value = i + 1 < args.size();
    if (args[i] == "--job" && value && watch.kind == "offers") {
      watch.job = args[++i];
    } else if (args[i] == "--from" && value) {
      watch.from = args[++i];
    } else if (args[i] == "--count" && value && absl::SimpleAtoi(args[i + 1], &watch.count)) {
      ++i;
    } else {
      return absl::InvalidArgumentError("unexpected argument '" + args[i] + "'");
    }
  }
  return watch;
}

absl::Status RunWatch(gigwire::Client& client, Printer& printer, const WatchArgs& watch) {
  int seen = 0;
  auto more = [&seen, &watch] { return watch.count == 0 || ++seen < watch.count; };
  if (watch.kind == "offers") {
    gigwire::v1::WatchOffersRequest request;
    request.set_resume_cursor(watch.from);
    request.set_job_id(watch.job);
    return client.WatchOffers(request, [&](const gigwire::v1::OfferEvent& event) {
      printer.StreamRow(event, {{"TIME", "create_time"}, {"EVENT", "type"}, {"OFFER", "offer.id"},
                                {"JOB", "offer.job_id", IdKind::kJob},
                                {"SELLER", "offer.seller_id", IdKind::kUser},
                                {"STATE", "offer.state"}});
      return more();
    });
  }
  gigwire::v1::WatchEventsRequest request;
  request.set_resume_cursor(watch.from);
  return client.WatchEvents(request, [&](const gigwire::v1::Event& event) {
    printer.StreamRow(event, {{"TIME", "create_time"}, {"EVENT", "type"},
                              {"ACTOR", "actor_id", IdKind::kUser},
                              {"JOB", "job.id"}, {"OFFER", "offer.id"}, {"BOOKING", "booking.id"}});
    return more();
  });
}

int Watch(const GlobalOptions& options, const Args& args) {
  absl::StatusOr<WatchArgs> watch = ParseWatch(args);
  if (!watch.ok()) return Usage(std::string(watch.status().message()));
  return WithConnection(options, [&watch](gigwire::Client& client, Printer& printer, Names&) {
    ConnectionNotices notices(client.channel(), std::cerr);
    return RunWatch(client, printer, *watch);
  });
}

int RunVerb(const GlobalOptions& options, const Verb& verb, const Args& args) {
  if (WantsHelp(args)) {
    std::cout << VerbHelp(verb);
    return 0;
  }
  Switches switches;
  absl::StatusOr<std::string> json =
      RequestJson(verb, Args(args.begin() + 2, args.end()), &switches);
  if (!json.ok()) return Usage(absl::StrCat(json.status().message(), "; usage: ", VerbUsage(verb)));
  const google::protobuf::MethodDescriptor* method = VerbMethod(verb);
  if (method == nullptr) return Usage("this gigctl does not know " + verb.method);
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method->input_type());
  std::unique_ptr<google::protobuf::Message> request(prototype->New());
  if (absl::Status parsed = MessageFromJson(*json, *request); !parsed.ok()) {
    return Usage(absl::StrCat(parsed.message(), "; usage: ", VerbUsage(verb)));
  }
  return WithConnection(options, [&](gigwire::Client& client, Printer& printer, Names& names) {
    if (absl::Status resolved = ResolveIds(verb, *request, names); !resolved.ok()) return resolved;
    if (!verb.confirm.empty() && !switches.yes &&
        !Confirmed(ConfirmationText(verb, *request, names), std::cin, std::cerr)) {
      return absl::CancelledError("not confirmed; nothing was done");
    }
    return CallVerb(client, verb, *request, switches.all, printer);
  });
}

// `files download`: a stream to a file, outside the verb table.
int Download(const GlobalOptions& options, const Args& args) {
  if (WantsHelp(args)) {
    std::cout << DownloadHelp();
    return 0;
  }
  absl::StatusOr<DownloadArgs> parsed = ParseDownloadArgs(Args(args.begin() + 2, args.end()));
  if (!parsed.ok()) {
    return Usage(absl::StrCat(parsed.status().message(), "; usage: ", DownloadUsage()));
  }
  return WithConnection(options, [&parsed](gigwire::Client& client, Printer& printer, Names&) {
    return DownloadFile(client, *parsed, printer, std::cerr, isatty(STDERR_FILENO) != 0);
  });
}

int RunGroup(const GlobalOptions& options, const Args& args) {
  if (args.size() < 2 || args[1] == "--help" || args[1] == "-h") {
    std::cout << "gigctl " << args[0] << " commands:\n";
    for (const Verb& verb : AdminVerbs()) {
      if (verb.group != args[0]) continue;
      std::cout << "  " << VerbUsage(verb) << "\n      " << verb.summary << "\n";
    }
    if (args[0] == "files") std::cout << "  " << DownloadUsage() << "\n      " << DownloadSummary() << "\n";
    return args.size() < 2 ? kExitUsage : 0;
  }
  if (args[0] == "files" && args[1] == "download") return Download(options, args);
  const Verb* verb = FindVerb(args[0], args[1]);
  if (verb == nullptr) return Usage("unknown command '" + args[0] + " " + args[1] + "'");
  return RunVerb(options, *verb, args);
}

bool IsGroup(const std::string& name) {
  for (const Verb& verb : AdminVerbs()) {
    if (verb.group == name) return true;
  }
  return false;
}

}  // namespace

int RunCommand(const GlobalOptions& options, const std::vector<std::string>& args) {
  const std::string& command = args[0];
  if (IsGroup(command)) return RunGroup(options, args);
  if (WantsHelp(args)) {
    std::cout << MainHelp();
    return 0;
  }
  if (command == "version") {
    std::cout << "gigctl " << gigwire::kSdkVersion << "\n";
    return 0;
  }
  if (command == "completion") {
    if (args.size() != 2 || args[1] != "bash") return Usage("completion takes bash");
    std::cout << BashCompletion();
    return 0;
  }
  if (command == "login") return Login(options, args);
  if (command == "logout") return Logout(options);
  if (command == "whoami") return WhoAmI(options);
  if (command == "list") return List(options, args);
  if (command == "describe") return Describe(options, args);
  if (command == "call") return Call(options, args);
  if (command == "watch") return Watch(options, args);
  return Usage("unknown command '" + command + "'");
}

}  // namespace gigctl
