// gigwired flag parsing; see flags.h.
#include "cmd/gigwired/flags.h"

#include <functional>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using Setter = std::function<bool(Flags&, absl::string_view)>;

Setter Text(std::string Flags::*field) {
  return [field](Flags& f, absl::string_view v) { f.*field = std::string(v); return true; };
}
Setter List(std::vector<std::string> Flags::*field) {
  return [field](Flags& f, absl::string_view v) {
    for (absl::string_view item : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
      (f.*field).emplace_back(absl::StripAsciiWhitespace(item));
    }
    return true;
  };
}
Setter Number(double Flags::*field) {
  return [field](Flags& f, absl::string_view v) { return absl::SimpleAtod(v, &(f.*field)); };
}

const std::map<std::string, Setter>& ValueFlags() {
  static const auto* const kFlags = new std::map<std::string, Setter>{
      {"listen", Text(&Flags::listen)},
      {"db", Text(&Flags::db)},
      {"token-key", Text(&Flags::token_key)},
      {"tls-cert", Text(&Flags::tls_cert)},
      {"tls-key", Text(&Flags::tls_key)},
      {"create-admin", Text(&Flags::create_admin)},
      {"ready-file", Text(&Flags::ready_file)},
      {"rate-auth-per-second", Number(&Flags::rate_auth_per_second)},
      {"rate-auth-burst", Number(&Flags::rate_auth_burst)},
      {"rate-account-per-second", Number(&Flags::rate_account_per_second)},
      {"rate-account-burst", Number(&Flags::rate_account_burst)},
      {"rate-principal-per-second", Number(&Flags::rate_principal_per_second)},
      {"rate-principal-burst", Number(&Flags::rate_principal_burst)},
      {"rate-browse-per-second", Number(&Flags::rate_browse_per_second)},
      {"rate-browse-burst", Number(&Flags::rate_browse_burst)},
      {"rate-message-per-second", Number(&Flags::rate_message_per_second)},
      {"rate-message-burst", Number(&Flags::rate_message_burst)},
      {"shutdown-grace-seconds", Number(&Flags::shutdown_grace_seconds)},
      {"scheduler-interval-seconds", Number(&Flags::scheduler_interval_seconds)},
      {"event-retention-seconds", Number(&Flags::event_retention_seconds)},
      {"stream-queue-events", Number(&Flags::stream_queue_events)},
      {"heartbeat-seconds", Number(&Flags::heartbeat_seconds)},
      {"max-open-proposals", Number(&Flags::max_open_proposals)},
      {"award-grace-days", Number(&Flags::award_grace_days)},
      {"platform-fee-bps", Number(&Flags::platform_fee_bps)},
      {"auto-release-days", Number(&Flags::auto_release_days)},
      {"payment-gateway", Text(&Flags::payment_gateway)},
      {"payee-details", Text(&Flags::payee_details)},
      {"stripe-api-base", Text(&Flags::stripe_api_base)},
      {"stripe-secret-key-file", Text(&Flags::stripe_secret_key_file)},
      {"web-listen", Text(&Flags::web_listen)},
      {"web-root", Text(&Flags::web_root)},
      {"web-origin", List(&Flags::web_origins)},
      {"web-max-connections", Number(&Flags::web_max_connections)},
      {"web-max-connections-per-address", Number(&Flags::web_max_connections_per_address)},
      {"web-idle-timeout-seconds", Number(&Flags::web_idle_timeout_seconds)},
      {"web-max-request-bytes", Number(&Flags::web_max_request_bytes)},
      {"files-dir", Text(&Flags::files_dir)},
      {"max-upload-bytes", Number(&Flags::max_upload_bytes)},
      {"storage-quota-bytes", Number(&Flags::storage_quota_bytes)},
  };
  return *kFlags;
}

const std::map<std::string, bool Flags::*>& BoolFlags() {
  static const auto* const kFlags = new std::map<std::string, bool Flags::*>{
      {"demo-data", &Flags::demo_data},
      {"insecure-fast-password-hashing", &Flags::insecure_fast_password_hashing},
      {"sync-full", &Flags::sync_full},
      {"help", &Flags::help},
  };
  return *kFlags;
}

absl::Status CheckMoneyFlags(const Flags& flags) {
  const double fee = flags.platform_fee_bps;
  if (!(fee >= 0 && fee <= 10000 && fee == static_cast<int>(fee))) {
    return absl::InvalidArgumentError("--platform-fee-bps must be a whole number 0..10000");
  }
  if (!(flags.auto_release_days > 0 && flags.auto_release_days <= 365)) {
    return absl::InvalidArgumentError("--auto-release-days must be more than 0, at most 365");
  }
  if (flags.payment_gateway != "manual" && flags.payment_gateway != "stripe") {
    return absl::InvalidArgumentError("--payment-gateway must be manual or stripe");
  }
  if ((flags.payment_gateway == "stripe") == flags.stripe_secret_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--stripe-secret-key-file goes with --payment-gateway=stripe, and only with it");
  }
  return absl::OkStatus();
}

absl::Status CheckFileFlags(const Flags& flags) {
  const double max = flags.max_upload_bytes, quota = flags.storage_quota_bytes;
  if (!(max >= 1 && max <= (int64_t{1} << 40) && max == static_cast<int64_t>(max))) {
    return absl::InvalidArgumentError("--max-upload-bytes must be a whole number 1..2^40");
  }
  if (!(quota >= 1 && quota <= (int64_t{1} << 50) && quota == static_cast<int64_t>(quota))) {
    return absl::InvalidArgumentError("--storage-quota-bytes must be a whole number 1..2^50");
  }
  return absl::OkStatus();
}

absl::StatusOr<Flags> CheckWebFlags(Flags flags) {
  if (flags.web_listen.empty() && (!flags.web_root.empty() || !flags.web_origins.empty())) {
    return absl::InvalidArgumentError("--web-root and --web-origin need --web-listen");
  }
  if (!(flags.web_max_connections >= 1 && flags.web_max_connections <= 100000)) {
    return absl::InvalidArgumentError("--web-max-connections must be between 1 and 100000");
  }
  if (!(flags.web_max_connections_per_address >= 0 &&
        flags.web_max_connections_per_address <= 100000)) {
    return absl::InvalidArgumentError(
        "--web-max-connections-per-address must be between 0 (no limit) and 100000");
  }
  if (!(flags.web_idle_timeout_seconds >= 1 && flags.web_idle_timeout_seconds <= 3600)) {
    return absl::InvalidArgumentError("--web-idle-timeout-seconds must be between 1 and 3600");
  }
  if (!(flags.web_max_request_bytes >= 1024 && flags.web_max_request_bytes <= (64 << 20))) {
    return absl::InvalidArgumentError("--web-max-request-bytes must be between 1024 and 64 MiB");
  }
  return flags;
}

}  // namespace

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "-h") arg = "--help";
    if (arg.substr(0, 2) != "--") return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
    arg.remove_prefix(2);
    size_t eq = arg.find('=');
    std::string name(arg.substr(0, eq));
    if (auto b = BoolFlags().find(name); b != BoolFlags().end() && eq == absl::string_view::npos) {
      flags.*(b->second) = true;
      continue;
    }
    auto v = ValueFlags().find(name);
    if (v == ValueFlags().end()) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
    }
    if (!v->second(flags, value)) {
      return absl::InvalidArgumentError(absl::StrCat("bad value '", value, "' for --", name));
    }
  }
  if (flags.tls_cert.empty() != flags.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!(flags.event_retention_seconds > 0)) {
    return absl::InvalidArgumentError("--event-retention-seconds must be positive");
  }
  if (!(flags.stream_queue_events >= 1 && flags.stream_queue_events <= 1'000'000)) {
    return absl::InvalidArgumentError("--stream-queue-events must be between 1 and 1000000");
  }
  if (!(flags.max_open_proposals >= 1 && flags.max_open_proposals <= 100000)) {
    return absl::InvalidArgumentError("--max-open-proposals must be between 1 and 100000");
  }
  if (!(flags.award_grace_days >= 0 && flags.award_grace_days <= 365)) {
    return absl::InvalidArgumentError("--award-grace-days must be between 0 and 365");
  }
  if (!(flags.heartbeat_seconds > 0)) {
    return absl::InvalidArgumentError("--heartbeat-seconds must be positive");
  }
  GW_RETURN_IF_ERROR(CheckMoneyFlags(flags));
  GW_RETURN_IF_ERROR(CheckFileFlags(flags));
  return CheckWebFlags(flags);
}

const char* Usage() {
  return R"(gigwired: the Gigwire marketplace gRPC server.

Usage: gigwired [flags]

Serving:
  --listen HOST:PORT        address to serve on (default 127.0.0.1:50051; port 0 picks one)
  --db PATH                 SQLite database file, created if absent (default gigwire.db)
  --token-key FILE          access-token signing keys: base64url secrets of >= 32 bytes,
                            one per line; the first signs, all verify (key rotation).
                            Default: a development key generated beside the database.
  --tls-cert FILE --tls-key FILE
                            serve TLS with this PEM certificate chain and key
  --ready-file FILE         write the bound HOST:PORT here once serving (for scripts)
  --demo-data               seed demo accounts into an empty database
  --sync-full               SQLite synchronous=FULL (default NORMAL: WAL-safe, faster)
  --shutdown-grace-seconds N  on SIGTERM/SIGINT, let in-flight calls finish this long (10)
  --scheduler-interval-seconds N
                            how often offers past their ttl and jobs past their due date
                            expire (1)
  --event-retention-seconds N
                            how long events stay replayable by WatchEvents/WatchOffers
                            resume cursors; older ones are deleted (604800: 7 days)
  --stream-queue-events N   events queued for one stream before it is ended with
                            RESOURCE_EXHAUSTED/SLOW_CONSUMER (1024)
  --heartbeat-seconds N     how often an idle stream gets a heartbeat with the
                            current cursor (15)
  --max-open-proposals N    live (submitted or shortlisted) proposals one seller may
                            have at once; more fail RESOURCE_EXHAUSTED (50)
  --award-grace-days N      how long after an open project's bidding closes its buyer
                            may still accept a proposal before it expires (7)

Money (milestones, escrow, payments):
  --platform-fee-bps N      the platform's fee on released money, in basis points
                            (0..10000; 250 = 2.5%), recorded on each ledger entry (0)
  --auto-release-days N     a submitted milestone the buyer neither approves nor
                            disputes is released to the seller after N days (14)
  --payment-gateway NAME    how buyers' money comes in: manual (bank transfers an admin
                            confirms with ConfirmPayment) or stripe (PaymentIntents)
  --payee-details TEXT      manual: the bank account buyers pay into, shown in each
                            payment's instructions
  --stripe-secret-key-file FILE
                            stripe: a file holding the secret (or restricted) API key
  --stripe-api-base URL     stripe: the API's base URL (https://api.stripe.com; plain
                            http only for a loopback host, e.g. stripe-mock)

Files (uploads attached to messages, deliveries, milestones, gigs, portfolio items):
  --files-dir DIR           where uploaded files are kept, content-addressed by SHA-256
                            (default: "files" beside --db; a temporary directory for an
                            in-memory database). Leftovers of a crash are removed at
                            start, before serving
  --max-upload-bytes N      the largest file one upload may be (26214400: 25 MiB)
  --storage-quota-bytes N   the bytes one user may have uploaded in all (1073741824: 1 GiB)

Browsers (gRPC-Web and the web console):
  --web-listen HOST:PORT    also serve gRPC-Web over HTTP/1.1 here (TLS with --tls-cert),
                            every call forwarded to the gRPC server in-process; off
                            unless given (port 0 picks one; the ready file gets a
                            second line with it)
  --web-root DIR            serve the web console's files (its build output) at /
  --web-origin ORIGIN       let pages of ORIGIN (scheme://host[:port]) call the API
                            cross-origin (CORS); repeatable or comma-separated. A
                            page's own origin needs nothing; others are refused (403)
  --web-max-connections N   open connections on the web port at most (512); more wait
  --web-max-connections-per-address N
                            open connections from one client address at most (64;
                            0: no limit); more are closed at once. Behind a proxy
                            every browser shares its address: raise or disable it
  --web-idle-timeout-seconds N
                            close a connection with no byte in or out this long (30);
                            a watch's heartbeats keep it open
  --web-max-request-bytes N refuse larger request bodies with 413 (5600000)

Rate limits (token buckets):
  --rate-auth-per-second N --rate-auth-burst N
                            Register/Login/Refresh/Logout per client address (1/s, 30)
  --rate-account-per-second N --rate-account-burst N
                            Login and Register per email (0.2/s, 10)
  --rate-principal-per-second N --rate-principal-burst N
                            every authenticated call per user (50/s, 200)
  --rate-browse-per-second N --rate-browse-burst N
                            anonymous catalog browsing per client address (20/s, 100)
  --rate-message-per-second N --rate-message-burst N
                            SendMessage per sender, besides the per-user limit (1/s, 20)

Administration:
  --create-admin EMAIL      create an admin account (or make an existing one admin),
                            reading its password from stdin, then exit

Testing only:
  --insecure-fast-password-hashing
                            cheap scrypt parameters; never in production

Examples:
  gigwired --db /var/lib/gigwire/gigwire.db --token-key /etc/gigwire/token.key
  echo "$ADMIN_PASSWORD" | gigwired --db gigwire.db --create-admin ops@example.com
  gigwired --demo-data --web-listen 127.0.0.1:8080 --web-root build/web-console
  grpcurl -plaintext 127.0.0.1:50051 list
)";
}

}  // namespace gigwire
