// gigctl's connection settings and saved login; see session.h.
#include "cmd/gigctl/session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace gigctl {
namespace {

constexpr char kDefaultServer[] = "127.0.0.1:50051";
constexpr absl::Duration kRefreshMargin = absl::Minutes(1);

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string FirstOf(std::initializer_list<std::string> values) {
  for (const std::string& value : values) {
    if (!value.empty()) return value;
  }
  return "";
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status MakePrivateDir(const std::string& dir) {
  size_t slash = dir.rfind('/');
  if (slash != std::string::npos && slash > 0) (void)MakePrivateDir(dir.substr(0, slash));
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InvalidArgumentError(absl::StrCat("cannot create ", dir, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

google::protobuf::Struct ToStruct(const SavedLogin& login) {
  google::protobuf::Struct out;
  auto& fields = *out.mutable_fields();
  fields["server"].set_string_value(login.server);
  fields["insecure"].set_bool_value(login.insecure);
  fields["email"].set_string_value(login.email);
  fields["access_token"].set_string_value(login.access_token);
  fields["refresh_token"].set_string_value(login.refresh_token);
  fields["access_token_expire_time"].set_string_value(
      absl::FormatTime(absl::RFC3339_sec, login.access_token_expire_time, absl::UTCTimeZone()));
  fields["cacert"].set_string_value(login.cacert);
  return out;
}

SavedLogin FromStruct(const google::protobuf::Struct& in) {
  auto text = [&in](const char* key) {
    auto it = in.fields().find(key);
    return it == in.fields().end() ? std::string() : it->second.string_value();
  };
  SavedLogin login{text("server"), false, text("email"), text("access_token"),
                   text("refresh_token")};
  login.cacert = text("cacert");
  auto insecure = in.fields().find("insecure");
  login.insecure = insecure != in.fields().end() && insecure->second.bool_value();
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text("access_token_expire_time"),
                       &login.access_token_expire_time, &error)) {
    login.access_token_expire_time = absl::InfinitePast();
  }
  return login;
}

void Keep(SavedLogin& login, const gigwire::v1::TokenPair& pair) {
  login.access_token = pair.access_token();
  login.refresh_token = pair.refresh_token();
  login.access_token_expire_time = absl::FromUnixSeconds(pair.access_token_expire_time().seconds());
}

// The CA certificate file for `target`: --cacert (made absolute, so that
// it can be saved), else the saved one when `target` is the saved server.
std::string CaCertPath(const ConnectionFlags& flags, const SavedLogin& saved,
                       const std::string& target) {
  if (!flags.cacert.empty()) {
    return std::filesystem::absolute(flags.cacert).lexically_normal().string();
  }
  return target == saved.server ? saved.cacert : "";
}

// Client options from the flags, environment and saved login (no
// credentials): the saved TLS settings apply to the saved server only.
absl::StatusOr<gigwire::ClientOptions> BaseOptions(const ConnectionFlags& flags,
                                                   const SavedLogin& saved) {
  gigwire::ClientOptions options;
  options.target = FirstOf({flags.server, Env("GIGWIRE_SERVER"), saved.server, kDefaultServer});
  bool insecure = flags.insecure || Env("GIGWIRE_INSECURE") == "1" ||
                  (saved.insecure && options.target == saved.server);
  options.tls = !insecure;
  std::string cacert = CaCertPath(flags, saved, options.target);
  if (options.tls && !cacert.empty()) {
    absl::StatusOr<std::string> pem = ReadFile(cacert);
    if (!pem.ok()) return absl::InvalidArgumentError(std::string(pem.status().message()));
    options.root_certificates_pem = *pem;
  }
  return options;
}

std::string NoLoginThere(const std::string& target, const SavedLogin& saved) {
  return absl::StrCat("gigctl has no saved login for ", target, " (the saved login is for ",
                      saved.server, "); log in there with: gigctl --server ", target, " login");
}

}  // namespace

std::string ConfigPath() {
  if (std::string path = Env("GIGCTL_CONFIG"); !path.empty()) return path;
  std::string base = FirstOf({Env("XDG_CONFIG_HOME"), Env("HOME") + "/.config"});
  return base + "/gigctl/config.json";
}

absl::StatusOr<SavedLogin> LoadLogin(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return SavedLogin();
  google::protobuf::Struct config;
  if (!google::protobuf::util::JsonStringToMessage(*text, &config).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is damaged: log in again (gigctl login) or delete it"));
  }
  return FromStruct(config);
}

absl::Status SaveLogin(const std::string& path, const SavedLogin& login) {
  if (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0) {
    if (absl::Status made = MakePrivateDir(path.substr(0, slash)); !made.ok()) return made;
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions pretty;
  pretty.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(ToStruct(login), &json, pretty);
  std::string temp = path + ".tmp";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return absl::InvalidArgumentError(absl::StrCat("cannot write ", temp));
  bool written = fchmod(fd, 0600) == 0 &&
                 write(fd, json.data(), json.size()) == static_cast<ssize_t>(json.size()) &&
                 fsync(fd) == 0;
  written = close(fd) == 0 && written;
  if (!written || rename(temp.c_str(), path.c_str()) != 0) {
    unlink(temp.c_str());
    return absl::InvalidArgumentError(absl::StrCat("cannot write ", path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<gigwire::Client>> Connect(const ConnectionFlags& flags) {
  std::string path = ConfigPath();
  absl::StatusOr<SavedLogin> saved = LoadLogin(path);
  if (!saved.ok()) return saved.status();
  absl::StatusOr<gigwire::ClientOptions> options = BaseOptions(flags, *saved);
  if (!options.ok()) return options.status();
  options->access_token = FirstOf({flags.token, Env("GIGWIRE_TOKEN")});
  options->api_key = FirstOf({flags.api_key, Env("GIGWIRE_API_KEY")});
  bool no_credentials = options->access_token.empty() && options->api_key.empty();
  bool use_saved = no_credentials && !saved->access_token.empty() &&
                   saved->server == options->target;
  if (no_credentials && !saved->access_token.empty() && !use_saved) {
    std::cerr << NoLoginThere(options->target, *saved) << "; calling without credentials\n";
  }
  if (!use_saved) return gigwire::Client::Connect(*options);
  options->access_token = saved->access_token;
  options->refresh_token = saved->refresh_token;
  options->on_tokens = [path, login = *saved](const gigwire::v1::TokenPair& pair) mutable {
    Keep(login, pair);
    if (absl::Status kept = SaveLogin(path, login); !kept.ok()) {
      std::cerr << "gigctl: warning: the refreshed login was not saved: " << kept.message() << "\n";
    }
  };
  std::unique_ptr<gigwire::Client> client = gigwire::Client::Connect(*options);
  if (saved->access_token_expire_time - absl::Now() < kRefreshMargin) {
    if (absl::Status refreshed = client->Refresh().status(); !refreshed.ok()) return refreshed;
  }
  return client;
}

absl::StatusOr<SavedLogin> LogIn(const ConnectionFlags& flags, const std::string& email,
                                 const std::string& password) {
  // Logging in again without --server goes to the saved server, as saved.
  absl::StatusOr<SavedLogin> saved = LoadLogin(ConfigPath());
  SavedLogin before = saved.ok() ? *saved : SavedLogin();
  absl::StatusOr<gigwire::ClientOptions> options = BaseOptions(flags, before);
  if (!options.ok()) return options.status();
  std::unique_ptr<gigwire::Client> client = gigwire::Client::Connect(*options);
  absl::StatusOr<gigwire::v1::TokenPair> pair = client->Login(email, password);
  if (!pair.ok()) return pair.status();
  SavedLogin login{options->target, !options->tls, email};
  if (options->tls) login.cacert = CaCertPath(flags, before, options->target);
  Keep(login, *pair);
  if (absl::Status saved = SaveLogin(ConfigPath(), login); !saved.ok()) return saved;
  return login;
}

absl::Status LogOut(const ConnectionFlags& flags) {
  std::string path = ConfigPath();
  absl::StatusOr<SavedLogin> saved = LoadLogin(path);
  if (!saved.ok() || saved->refresh_token.empty()) return saved.status();
  absl::StatusOr<gigwire::ClientOptions> options = BaseOptions(flags, *saved);
  if (!options.ok()) return options.status();
  if (options->target != saved->server) {
    return absl::FailedPreconditionError(NoLoginThere(options->target, *saved));
  }
  options->refresh_token = saved->refresh_token;
  absl::Status done = gigwire::Client::Connect(*options)->Logout();
  SavedLogin forgotten{saved->server, saved->insecure, saved->email};
  forgotten.cacert = saved->cacert;
  if (absl::Status written = SaveLogin(path, forgotten); !written.ok()) return written;
  return done;
}

}  // namespace gigctl
