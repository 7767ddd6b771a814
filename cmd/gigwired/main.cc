// gigwired: parses flags, opens the backend, then either bootstraps an admin
// (--create-admin) or serves until SIGTERM/SIGINT and shuts down cleanly:
// stop accepting, finish in-flight calls within the grace period, close the
// database, exit 0.
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "cmd/common/terminal.h"
#include "cmd/gigwired/database_lock.h"
#include "cmd/gigwired/flags.h"
#include "server/api/server.h"
#include "server/common/json_log.h"
#include "server/common/status.h"
#include "server/domain/demo_data.h"
#include "server/web/web_server.h"

namespace gigwire {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!(out << text)) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  chmod(tmp.c_str(), mode);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", tmp));
  }
  return absl::OkStatus();
}

// The key file named by --token-key, or a development key beside the database.
absl::StatusOr<std::vector<TokenKey>> LoadTokenKeys(const Flags& flags) {
  std::string path = flags.token_key;
  if (path.empty()) {
    std::filesystem::path dir = std::filesystem::absolute(flags.db).parent_path();
    path = (dir / "gigwired-dev-token.key").string();
    if (!std::filesystem::exists(path)) {
      GW_RETURN_IF_ERROR(WriteFileAtomically(path, NewTokenKeyFileText(), 0600));
      JsonLog("generated a development token key; pass --token-key in production", "warn")
          .Str("path", path).Emit();
    }
  }
  GW_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseTokenKeyFile(text);
}

absl::StatusOr<BackendOptions> MakeBackendOptions(const Flags& flags) {
  BackendOptions options;
  options.store.path = flags.db;
  options.store.synchronous_full = flags.sync_full;
  GW_ASSIGN_OR_RETURN(options.token_keys, LoadTokenKeys(flags));
  if (flags.insecure_fast_password_hashing) {
    options.scrypt = ScryptParams::InsecureFastForTests();
    JsonLog("insecure fast password hashing is on: for tests only", "warn").Emit();
  }
  unsigned cores = std::thread::hardware_concurrency();
  options.max_concurrent_hashes = cores == 0 ? 1 : static_cast<int>(cores);
  options.rate_limits.per_address_auth = {flags.rate_auth_per_second, flags.rate_auth_burst};
  options.rate_limits.per_account_auth = {flags.rate_account_per_second,
                                           flags.rate_account_burst};
  options.rate_limits.per_principal = {flags.rate_principal_per_second,
                                       flags.rate_principal_burst};
  options.rate_limits.per_address_browse = {flags.rate_browse_per_second,
                                            flags.rate_browse_burst};
  options.rate_limits.per_sender_message = {flags.rate_message_per_second,
                                            flags.rate_message_burst};
  options.scheduler.interval = absl::Seconds(flags.scheduler_interval_seconds);
  options.scheduler.event_retention = absl::Seconds(flags.event_retention_seconds);
  options.events.max_queued_events = static_cast<int>(flags.stream_queue_events);
  options.max_open_proposals = static_cast<int>(flags.max_open_proposals);
  options.award_grace = absl::Hours(24) * flags.award_grace_days;
  options.events.heartbeat_interval = absl::Seconds(flags.heartbeat_seconds);
  options.money.platform_fee_bps = static_cast<int32_t>(flags.platform_fee_bps);
  options.money.auto_release_after = absl::Hours(24) * flags.auto_release_days;
  options.payment_gateway = flags.payment_gateway;
  options.files.dir = flags.files_dir;
  // --create-admin may run beside a serving gigwired, which owns the files.
  options.files.recover_at_open = flags.create_admin.empty();
  options.files.limits.max_upload_bytes = static_cast<int64_t>(flags.max_upload_bytes);
  options.files.limits.storage_quota_bytes = static_cast<int64_t>(flags.storage_quota_bytes);
  options.manual_gateway.payee_details = flags.payee_details;
  if (!flags.stripe_secret_key_file.empty()) {
    GW_ASSIGN_OR_RETURN(std::string key, ReadFile(flags.stripe_secret_key_file));
    options.stripe.secret_key = std::string(absl::StripAsciiWhitespace(key));
    options.stripe.api_base = flags.stripe_api_base;
  }
  return options;
}

absl::Status CreateAdmin(Backend& backend, const std::string& email) {
  std::string password = cmd::ReadLine("Password for the admin account: ", /*secret=*/true);
  GW_ASSIGN_OR_RETURN(User admin, backend.accounts.CreateOrPromoteAdmin(email, password));
  JsonLog("admin ready").Str("user_id", admin.id).Str("email", admin.email).Emit();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<web::WebServer>> StartWeb(const Flags& flags,
                                                          const ServerOptions& grpc_options,
                                                          GigwireServer& server) {
  if (flags.web_listen.empty()) return nullptr;
  web::WebServerOptions options;
  options.listen_address = flags.web_listen;
  options.tls_cert_pem = grpc_options.tls_cert_pem;
  options.tls_key_pem = grpc_options.tls_key_pem;
  options.allowed_origins = flags.web_origins;
  options.static_root = flags.web_root;
  options.max_message_bytes = grpc_options.max_message_bytes;
  options.max_request_bytes = static_cast<size_t>(flags.web_max_request_bytes);
  options.max_connections = static_cast<unsigned>(flags.web_max_connections);
  options.max_connections_per_address =
      static_cast<unsigned>(flags.web_max_connections_per_address);
  options.idle_timeout_seconds = static_cast<unsigned>(flags.web_idle_timeout_seconds);
  GW_ASSIGN_OR_RETURN(std::unique_ptr<web::WebServer> web,
                      web::WebServer::Start(options, server.InProcessChannel()));
  JsonLog("serving gRPC-Web").Str("address", web->address())
      .Str("console", flags.web_root.empty() ? "none" : flags.web_root).Emit();
  return web;
}

absl::Status Serve(const Flags& flags, Backend& backend, const sigset_t& stop_signals) {
  ServerOptions options;
  options.listen_address = flags.listen;
  if (!flags.tls_cert.empty()) {
    GW_ASSIGN_OR_RETURN(options.tls_cert_pem, ReadFile(flags.tls_cert));
    GW_ASSIGN_OR_RETURN(options.tls_key_pem, ReadFile(flags.tls_key));
  }
  GW_ASSIGN_OR_RETURN(std::unique_ptr<GigwireServer> server,
                      GigwireServer::Start(options, backend));
  JsonLog("serving").Str("address", server->address()).Str("db", flags.db)
      .Str("tls", flags.tls_cert.empty() ? "off" : "on").Emit();
  // Declared after the gRPC server, so destroyed (stopped) before it.
  GW_ASSIGN_OR_RETURN(std::unique_ptr<web::WebServer> web, StartWeb(flags, options, *server));
  backend.scheduler.Start();
  if (!flags.ready_file.empty()) {
    std::string ready = server->address();
    if (web != nullptr) absl::StrAppend(&ready, "\n", web->address());
    GW_RETURN_IF_ERROR(WriteFileAtomically(flags.ready_file, ready, 0644));
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  JsonLog("stop signal received").Int("signal", signal_number).Emit();
  backend.scheduler.Stop();
  const absl::Time stop_start = absl::Now();
  // No web call may start on the in-process channel once the gRPC server
  // shuts down (gRPC 1.51 then jumps to a cleared callback): the web port
  // answers new calls UNAVAILABLE itself first, as the draining server would.
  if (web != nullptr) web->StopForwarding();
  server->Shutdown(absl::Seconds(flags.shutdown_grace_seconds));
  if (web != nullptr) web->Stop();  // its calls ended with the gRPC server's streams
  server->Wait();
  JsonLog("drained").Num("ms", absl::ToDoubleMilliseconds(absl::Now() - stop_start)).Emit();
  return absl::OkStatus();
}

int Run(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) {
    std::cerr << "gigwired: " << flags.status().message() << "\n(see gigwired --help)\n";
    return 2;
  }
  if (flags->help) {
    std::cout << Usage();
    return 0;
  }
  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // Only a serving process takes the lock: --create-admin may run beside it.
  if (flags->create_admin.empty()) {
    if (absl::Status locked = LockDatabaseForThisProcess(flags->db); !locked.ok()) {
      JsonLog("fatal", "error").Str("error", locked.message()).Emit();
      return 1;
    }
  }
  absl::StatusOr<BackendOptions> options = MakeBackendOptions(*flags);
  absl::StatusOr<std::unique_ptr<Backend>> backend =
      options.ok() ? Backend::Open(*options) : absl::StatusOr<std::unique_ptr<Backend>>(options.status());
  absl::Status status = backend.status();
  if (status.ok() && !flags->create_admin.empty()) {
    status = CreateAdmin(**backend, flags->create_admin);
  } else if (status.ok()) {
    if (flags->demo_data) {
      Backend& b = **backend;
      absl::StatusOr<bool> seeded = SeedDemoDataIfEmpty(
          {*b.store, b.accounts, b.catalog, b.jobs, b.offers, b.proposals, b.bookings, b.reviews,
           b.milestones, b.payments, b.disputes, b.conversations, b.clock});
      status = seeded.status();
      if (seeded.ok() && *seeded) JsonLog("seeded demo data").Emit();
    }
    if (status.ok()) status = Serve(*flags, **backend, stop_signals);
  }
  if (backend.ok()) backend->reset();  // checkpoints and closes the database
  if (!status.ok()) {
    JsonLog("fatal", "error")
        .Str("code", absl::StatusCodeToString(status.code()))
        .Str("error", status.message())
        .Emit();
    return 1;
  }
  JsonLog("stopped").Emit();
  return 0;
}

}  // namespace
}  // namespace gigwire

int main(int argc, char** argv) {
  // Abseil's lock-order graph costs a few percent of every RPC; tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return gigwire::Run(argc, argv);
}
