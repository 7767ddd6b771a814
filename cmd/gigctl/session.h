// Where gigctl connects and as whom: flags over the environment over the
// config file that `gigctl login` writes.
//
//   server   --server, $GIGWIRE_SERVER, the config's, else 127.0.0.1:50051
//   TLS      on unless --insecure ($GIGWIRE_INSECURE=1); --cacert PEM file
//            for a private CA. Login saves both with the server, and they
//            apply again whenever the server is the saved one.
//   who      --token, $GIGWIRE_TOKEN, --api-key, else the config's login,
//            but only for the server it was made on: for another server
//            gigctl says it has no login there (stderr) and calls without
//            credentials; the saved tokens never go to another server.
//
// The config file ($GIGCTL_CONFIG, else $XDG_CONFIG_HOME/gigctl/config.json,
// else ~/.config/gigctl/config.json) holds the server, its TLS settings and
// the login's token pair; it is written atomically with mode 0600 (its
// folder 0700), and the access token in it is refreshed (and the file
// rewritten) when it expires within a minute.
//
// Errors: INVALID_ARGUMENT for an unreadable --cacert or a damaged config
// file; FAILED_PRECONDITION for a logout from a server without the saved
// login; the server's status for a failed login or refresh.
#ifndef GIGWIRE_CMD_GIGCTL_SESSION_H_
#define GIGWIRE_CMD_GIGCTL_SESSION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gigwire/client.h"

namespace gigctl {

// The connection flags of the command line (empty: not given).
struct ConnectionFlags {
  std::string server;
  bool insecure = false;
  std::string cacert;
  std::string token;
  std::string api_key;
};

// What the config file keeps.
struct SavedLogin {
  std::string server;
  bool insecure = false;
  std::string email;
  std::string access_token;
  std::string refresh_token;
  absl::Time access_token_expire_time = absl::InfinitePast();
  std::string cacert;  // absolute path of the CA certificate given at login, or empty
};

std::string ConfigPath();
// The saved login; an empty SavedLogin when the file does not exist.
absl::StatusOr<SavedLogin> LoadLogin(const std::string& path);
// Writes `login` to `path` (mode 0600, atomically), creating its folder.
absl::Status SaveLogin(const std::string& path, const SavedLogin& login);

// The client of one command. When it calls with the saved login, the login
// is refreshed first if about to expire, and every new token pair (that one,
// or one the client gets by itself on TOKEN_EXPIRED) is saved at once: a
// refresh token is single-use, so a stale one in the file would end the login.
absl::StatusOr<std::unique_ptr<gigwire::Client>> Connect(const ConnectionFlags& flags);

// `gigctl login`: logs in to the flags' server (else the saved login's, with
// its TLS settings) and saves the server, its TLS settings and the token pair.
absl::StatusOr<SavedLogin> LogIn(const ConnectionFlags& flags, const std::string& email,
                                 const std::string& password);
// `gigctl logout`: ends the saved login on the server and forgets it.
absl::Status LogOut(const ConnectionFlags& flags);

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_SESSION_H_
