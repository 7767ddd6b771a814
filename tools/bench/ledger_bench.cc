// ledger_bench: reconciling the whole ledger (issue 15) against a plain scan
// of the same rows, measured in the same run. It fills a fresh SQLite store
// (the code gigwired uses) with money steps through LedgerRepository::Append
// until --entries entries exist, then times:
//   baseline   SELECT COUNT(*), SUM(amount_minor) FROM ledger_entries (one scan)
//   reconcile  ForEachTransaction + ForEachBalance through the repository, fed
//              to the domain's Reconciler (every invariant), as ReconcileLedger
//              will do
//
//   ledger_bench [--entries 1000000] [--markdown]
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "SQLiteCpp/Database.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
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

}  // namespace
}  // namespace gigwire::bench

int main(int argc, char** argv) {
  int64_t target = 1'000'000;
  bool markdown = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--entries" && i + 1 < argc) target = std::stoll(argv[++i]);
    else if (arg == "--markdown") markdown = true;
    else {
      std::cerr << "usage: ledger_bench [--entries N] [--markdown]\n";
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
    const double fill = absl::ToDoubleSeconds(absl::Now() - fill_start);
    const double scan = gigwire::bench::BaselineScanSeconds(options.path);
    gigwire::ReconcileReport report;
    const double reconcile = gigwire::bench::ReconcileSeconds(*store, report);
    const char* format = markdown ? "| %d | %d | %.1f | %.3f | %.2f | %.1f | %d |\n"
                                  : "entries=%d transactions=%d fill=%.1fs scan=%.3fs "
                                    "reconcile=%.2fs reconcile/scan=%.1f violations=%d\n";
    if (markdown) {
      std::cout << "| entries | transactions | fill s | baseline scan s | reconcile s | "
                   "reconcile / scan | violations |\n|---|---|---|---|---|---|---|\n";
    }
    std::cout << absl::StrFormat(format, entries, report.transactions, fill, scan, reconcile,
                                 reconcile / scan, report.violations.size());
  }
  std::filesystem::remove_all(dir);
  return 0;
}
