// ledger_bench: reconciling the whole ledger (issue 15) against a plain scan
// of the same rows, measured in the same run. It fills a fresh SQLite store
// (the code gigwired uses) with money steps through LedgerRepository::Append
// until --entries entries exist, adds each booking's (RELEASED) milestone row,
// then times, --repeat times:
//   baseline    SELECT COUNT(*), SUM(amount_minor) FROM ledger_entries (one scan)
//   reconcile   ForEachTransaction + ForEachBalance through the repository, fed
//               to the domain's Reconciler (every ledger invariant)
//   in-process  LedgerReads::Reconcile, the domain call ReconcileLedger makes
//               (the same, plus the milestones holding escrow and the totals)
//   RPC         LedgerService.ReconcileLedger through gRPC as an admin, served
//               in-process on a loopback port by the code gigwired uses; the
//               server's own duration_ms is reported beside it
//
//   ledger_bench [--entries 1000000] [--repeat 1] [--markdown]
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gigwire/v1/ledger.grpc.pb.h"
#include "server/api/server.h"
#include "server/common/status.h"
#include "server/domain/ledger.h"
#include "server/store/sqlite/sqlite_store.h"

namespace gigwire::bench {
namespace {

Money Usd(int64_t minor) { return {"USD", minor}; }

// Fund, release and (every fourth booking) pay out: 2 + 3 + 2 entries.
absl::Status AppendBooking(Tx& tx, int64_t n, int64_t& entries) {
  const std::string booking = absl::StrCat("bkg_", n), seller = absl::StrCat("usr_", n % 997);
  const int64_t amount = 10'000 + n % 50'000;
  int step = 0;
  auto post = [&](absl::StatusOr<LedgerTransaction> built) -> absl::Status {
    GW_RETURN_IF_ERROR(built.status());
    built->id = absl::StrCat("ltx_", n, "_", step++);
    built->create_time = absl::FromUnixSeconds(1'800'000'000 + n);
    entries += static_cast<int64_t>(built->entries.size());
    return tx.ledger().Append(*built);
  };
  GW_RETURN_IF_ERROR(post(FundTransaction(booking, "mst_1", Usd(amount))));
  GW_RETURN_IF_ERROR(post(ReleaseTransaction(booking, "mst_1", seller, Usd(amount), 1'000)));
  if (n % 4 == 0) {
    GW_RETURN_IF_ERROR(post(PayoutTransaction(seller, absl::StrCat("pyo_", n), Usd(amount / 2))));
  }
  return absl::OkStatus();
}

int64_t Fill(SqliteStore& store, int64_t target_entries) {
  int64_t entries = 0, n = 0;
  while (entries < target_entries) {
    absl::Status written = store.Write([&](Tx& tx) -> absl::Status {
      for (int i = 0; i < 2'000 && entries < target_entries; ++i) {
        GW_RETURN_IF_ERROR(AppendBooking(tx, n++, entries));
      }
      return absl::OkStatus();
    });
    if (!written.ok()) {
      std::cerr << "filling the ledger: " << written << "\n";
      std::exit(1);
    }
  }
  return entries;
}

// One RELEASED milestone row per booking, as the real flow leaves them, so
// that ReconcileLedger's pass over the milestones holding escrow reads a
// table of realistic size. Written with plain SQL on a connection of its own
// (foreign keys off: the bench has ledger rows but no bookings).
void AddReleasedMilestones(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.setBusyTimeout(10'000);
  db.exec("PRAGMA foreign_keys = OFF");
  db.exec(
      "INSERT INTO milestones (id, booking_id, position, title, currency_code, amount_minor, "
      "due_time, state, version, create_time, update_time, released_minor) "
      "SELECT 'mst_' || t.booking_id, t.booking_id, 0, 'Benchmark milestone', e.currency_code, "
      "e.amount_minor, t.create_time, 6, 4, t.create_time, t.create_time, e.amount_minor "
      "FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_seq = t.seq "
      "WHERE t.kind = 1 AND e.amount_minor > 0");
}

double BaselineScanSeconds(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  const absl::Time start = absl::Now();
  SQLite::Statement scan(db, "SELECT COUNT(*), SUM(amount_minor) FROM ledger_entries");
  scan.executeStep();
  if (scan.getColumn(1).getInt64() != 0) std::cerr << "entries do not sum to zero!\n";
  return absl::ToDoubleSeconds(absl::Now() - start);
}

double ReconcileSeconds(SqliteStore& store, ReconcileReport& report) {
  const absl::Time start = absl::Now();
  Reconciler reconciler;
  absl::Status read = store.Read([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.ledger().ForEachTransaction(
        [&](const LedgerTransaction& t) { reconciler.Add(t); }));
    return tx.ledger().ForEachBalance([&](const AccountBalance& balance) {
      reconciler.ExpectBalance(balance.account.Key(), balance.balance_minor);
    });
  });
  reconciler.ExpectEscrowListComplete();  // every milestone above was released
  report = reconciler.Finish();
  if (!read.ok()) std::cerr << "reading the ledger: " << read << "\n";
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// The server gigwired runs, on the bench's database, and an admin's token.
struct RpcServer {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::unique_ptr<v1::LedgerService::Stub> stub;
  Principal admin;
  std::string admin_token;
};

RpcServer StartServer(const std::string& path) {
  RpcServer s;
  BackendOptions options;
  options.store.path = path;
  options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
  options.scrypt = ScryptParams::InsecureFastForTests();
  absl::StatusOr<std::unique_ptr<Backend>> backend = Backend::Open(options);
  if (!backend.ok()) {
    std::cerr << "opening the backend: " << backend.status() << "\n";
    std::exit(1);
  }
  s.backend = *std::move(backend);
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  s.server = *GigwireServer::Start(server_options, *s.backend);
  s.stub = v1::LedgerService::NewStub(
      grpc::CreateChannel(s.server->address(), grpc::InsecureChannelCredentials()));
  absl::StatusOr<User> admin =
      s.backend->accounts.CreateOrPromoteAdmin("admin@bench.dev", "bench-password-1");
  if (!admin.ok()) std::exit(1);
  s.admin = Principal{admin->id, admin->roles, ""};
  s.admin_token = s.backend->tokens.Issue(admin->id);
  return s;
}

// The domain call ReconcileLedger makes, in-process (no gRPC), as an admin.
double InProcessReconcileSeconds(RpcServer& s) {
  const absl::Time start = absl::Now();
  absl::StatusOr<LedgerCheck> check = s.backend->ledger_reads.Reconcile(s.admin);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!check.ok()) std::cerr << "LedgerReads::Reconcile: " << check.status() << "\n";
  return seconds;
}

// Seconds at the client; `response` holds the server's report.
double RpcReconcileSeconds(RpcServer& s, v1::ReconcileLedgerResponse& response) {
  const absl::Time start = absl::Now();
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + s.admin_token);
  grpc::Status status = s.stub->ReconcileLedger(&ctx, v1::ReconcileLedgerRequest(), &response);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!status.ok()) std::cerr << "ReconcileLedger: " << status.error_message() << "\n";
  return seconds;
}

}  // namespace
}  // namespace gigwire::bench

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as gigwired does
  int64_t target = 1'000'000;
  int repeat = 1;
  bool markdown = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--entries" && i + 1 < argc) target = std::stoll(argv[++i]);
    else if (arg == "--repeat" && i + 1 < argc) repeat = std::max(1, std::stoi(argv[++i]));
    else if (arg == "--markdown") markdown = true;
    else {
      std::cerr << "usage: ledger_bench [--entries N] [--repeat N] [--markdown]\n";
      return 2;
    }
  }
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("gigwire-ledger-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    gigwire::SqliteStoreOptions options;
    options.path = (dir / "gigwire.db").string();
    auto store = *gigwire::SqliteStore::Open(options);
    const absl::Time fill_start = absl::Now();
    const int64_t entries = gigwire::bench::Fill(*store, target);
    gigwire::bench::AddReleasedMilestones(options.path);
    const double fill = absl::ToDoubleSeconds(absl::Now() - fill_start);
    struct Round {
      double scan, reconcile, in_process, rpc;
      gigwire::ReconcileReport report;
      gigwire::v1::ReconcileLedgerResponse response;
    };
    std::vector<Round> rounds(repeat);
    for (Round& r : rounds) {
      r.scan = gigwire::bench::BaselineScanSeconds(options.path);
      r.reconcile = gigwire::bench::ReconcileSeconds(*store, r.report);
    }
    store.reset();  // the server opens the database itself
    {
      gigwire::bench::RpcServer server = gigwire::bench::StartServer(options.path);
      for (Round& r : rounds) {
        r.in_process = gigwire::bench::InProcessReconcileSeconds(server);
        r.rpc = gigwire::bench::RpcReconcileSeconds(server, r.response);
      }
      server.server->Shutdown(absl::Seconds(1));
    }
    const char* format =
        markdown ? "| %d | %d | %.1f | %.3f | %.2f | %.1f | %.2f | %.2f | %.2f | %.2f | %d / %d |\n"
                 : "entries=%d transactions=%d fill=%.1fs scan=%.3fs reconcile=%.2fs "
                   "reconcile/scan=%.1f in-process=%.2fs rpc=%.2fs rpc-server=%.2fs "
                   "rpc/reconcile=%.2f violations=%d/%d\n";
    if (markdown) {
      std::cout << "| entries | transactions | fill s | baseline scan s | reconcile s | "
                   "reconcile / scan | LedgerReads::Reconcile in-process s | "
                   "ReconcileLedger RPC s | its duration_ms as s | RPC / reconcile | "
                   "violations (reconcile / RPC) |\n"
                   "|---|---|---|---|---|---|---|---|---|---|---|\n";
    }
    for (const Round& r : rounds) {
      if (r.response.entries() != entries) {
        std::cerr << "the RPC checked " << r.response.entries() << " entries, not " << entries
                  << "\n";
      }
      std::cout << absl::StrFormat(format, entries, r.report.transactions, fill, r.scan,
                                   r.reconcile, r.reconcile / r.scan, r.in_process, r.rpc,
                                   r.response.duration_ms() / 1000.0, r.rpc / r.reconcile,
                                   r.report.violations.size(), r.response.violations_size());
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
