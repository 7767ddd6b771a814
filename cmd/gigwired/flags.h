// Command-line flags of gigwired: a small parser for `--name value`,
// `--name=value` and boolean `--name`, with the usage text that --help prints.
#ifndef GIGWIRE_CMD_GIGWIRED_FLAGS_H_
#define GIGWIRE_CMD_GIGWIRED_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gigwire {

struct Flags {
  std::string listen = "127.0.0.1:50051";
  std::string db = "gigwire.db";
  std::string token_key;  // file; empty: a development key beside the database
  std::string tls_cert;
  std::string tls_key;
  std::string create_admin;  // email; the password is read from stdin
  std::string ready_file;    // written with "host:port" once serving
  // The web port (gRPC-Web and the console); off unless web_listen is set.
  std::string web_listen;
  std::string web_root;
  std::vector<std::string> web_origins;  // --web-origin, repeatable or comma-separated
  double web_max_connections = 512;
  double web_max_connections_per_address = 64;
  double web_idle_timeout_seconds = 30;
  double web_max_request_bytes = 5'600'000;  // a 4 MiB message in text mode (base64)
  bool demo_data = false;
  bool insecure_fast_password_hashing = false;
  bool sync_full = false;
  double rate_auth_per_second = 1.0;
  double rate_auth_burst = 30;
  double rate_account_per_second = 0.2;
  double rate_account_burst = 10;
  double rate_principal_per_second = 50;
  double rate_principal_burst = 200;
  double rate_browse_per_second = 20;
  double rate_browse_burst = 100;
  double rate_message_per_second = 1.0;
  double rate_message_burst = 20;
  double shutdown_grace_seconds = 10;
  double scheduler_interval_seconds = 1;
  double event_retention_seconds = 604800;  // 7 days; must be positive
  double stream_queue_events = 1024;
  double max_open_proposals = 50;
  double award_grace_days = 7;
  // Money (issue 15).
  double platform_fee_bps = 0;
  double auto_release_days = 14;
  std::string payment_gateway = "manual";
  std::string payee_details;
  std::string stripe_api_base = "https://api.stripe.com";
  std::string stripe_secret_key_file;
  double heartbeat_seconds = 15;
  // Files (issue 16).
  std::string files_dir;  // empty: "files" beside --db
  double max_upload_bytes = 25 << 20;
  double storage_quota_bytes = 1 << 30;
  bool help = false;
};

// Errors: INVALID_ARGUMENT naming the bad flag.
absl::StatusOr<Flags> ParseFlags(int argc, char** argv);

const char* Usage();

}  // namespace gigwire

#endif  // GIGWIRE_CMD_GIGWIRED_FLAGS_H_
