// The ledger's storage against a real SQLite file: posting keeps balances in
// the same transaction, refuses an overdraft or overflow with nothing
// half-posted, keeps posted rows append-only, lists entries in pages, and
// streams the whole ledger for a reconciliation that comes out clean.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/ledger.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::IsEmpty;

Money Usd(int64_t minor) { return {"USD", minor}; }

LedgerTransaction Posted(absl::StatusOr<LedgerTransaction> built, int n) {
  EXPECT_TRUE(built.ok()) << built.status();
  built->id = absl::StrCat("ltx_", n);
  built->create_time = absl::FromUnixSeconds(1'800'000'000 + n);
  return *built;
}

class SqliteLedgerTest : public ::testing::Test {
 protected:
  absl::Status Post(const LedgerTransaction& transaction) {
    return store_->Write([&](Tx& tx) { return tx.ledger().Append(transaction); });
  }
  int64_t BalanceOf(const Account& account) {
    int64_t balance = 0;
    EXPECT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(balance, tx.ledger().Balance(account));
      return absl::OkStatus();
    }).ok());
    return balance;
  }
  testutil::TempDir dir_;
  std::unique_ptr<SqliteStore> store_ = testutil::OpenTestStore(dir_);
};

TEST_F(SqliteLedgerTest, PostingKeepsEveryBalance) {
  ASSERT_TRUE(Post(Posted(FundTransaction("bkg_1", "mst_1", Usd(10'000)), 1)).ok());
  ASSERT_TRUE(Post(Posted(ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(10'000), 1'000), 2)).ok());
  EXPECT_EQ(BalanceOf({AccountKind::kWorld, "", "USD"}), -10'000);
  EXPECT_EQ(BalanceOf({AccountKind::kEscrow, "bkg_1", "USD"}), 0);
  EXPECT_EQ(BalanceOf({AccountKind::kSellerAvailable, "usr_s", "USD"}), 9'000);
  EXPECT_EQ(BalanceOf({AccountKind::kPlatformFees, "", "USD"}), 1'000);
  EXPECT_EQ(BalanceOf({AccountKind::kSellerAvailable, "usr_nobody", "USD"}), 0);
}

TEST_F(SqliteLedgerTest, AnOverdraftIsInsufficientFundsAndPostsNothing) {
  ASSERT_TRUE(Post(Posted(FundTransaction("bkg_1", "mst_1", Usd(500)), 1)).ok());
  absl::Status overdraft = Post(Posted(RefundTransaction("bkg_1", "mst_1", Usd(501)), 2));
  EXPECT_EQ(overdraft.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(overdraft), v1::INSUFFICIENT_FUNDS);
  EXPECT_EQ(BalanceOf({AccountKind::kEscrow, "bkg_1", "USD"}), 500);
  EXPECT_EQ(BalanceOf({AccountKind::kWorld, "", "USD"}), -500);
  int transactions = 0;
  ASSERT_TRUE(store_->Read([&](Tx& tx) {
    return tx.ledger().ForEachTransaction([&](const LedgerTransaction&) { ++transactions; });
  }).ok());
  EXPECT_EQ(transactions, 1);  // the refused refund left no row
}

TEST_F(SqliteLedgerTest, AnOverflowingBalanceIsOutOfRange) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  ASSERT_TRUE(Post(Posted(FundTransaction("bkg_1", "mst_1", Usd(max)), 1)).ok());
  EXPECT_EQ(Post(Posted(FundTransaction("bkg_1", "mst_2", Usd(1)), 2)).code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(BalanceOf({AccountKind::kEscrow, "bkg_1", "USD"}), max);
}

TEST_F(SqliteLedgerTest, ATransactionIdPostsOnce) {
  ASSERT_TRUE(Post(Posted(FundTransaction("bkg_1", "mst_1", Usd(5)), 1)).ok());
  EXPECT_EQ(Post(Posted(FundTransaction("bkg_1", "mst_1", Usd(5)), 1)).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(BalanceOf({AccountKind::kEscrow, "bkg_1", "USD"}), 5);
}

TEST_F(SqliteLedgerTest, PostedRowsCannotBeChangedOrDeleted) {
  ASSERT_TRUE(Post(Posted(FundTransaction("bkg_1", "mst_1", Usd(5)), 1)).ok());
  SQLite::Database db(dir_.Path("gigwire.db"), SQLite::OPEN_READWRITE);
  EXPECT_THROW(db.exec("UPDATE ledger_entries SET amount_minor = 6"), SQLite::Exception);
  EXPECT_THROW(db.exec("DELETE FROM ledger_entries"), SQLite::Exception);
  EXPECT_THROW(db.exec("UPDATE ledger_transactions SET kind = 3"), SQLite::Exception);
  EXPECT_THROW(db.exec("DELETE FROM ledger_transactions"), SQLite::Exception);
  EXPECT_THROW(db.exec("UPDATE account_balances SET balance_minor = -1 WHERE account_key = "
                       "'escrow:bkg_1:USD'"),
               SQLite::Exception);  // the CHECK: only the world goes negative
}

TEST_F(SqliteLedgerTest, EntriesListInPagesByOwnerBookingAndTime) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(Post(Posted(FundTransaction("bkg_1", absl::StrCat("mst_", i), Usd(100 * i)), i)).ok());
  }
  ASSERT_TRUE(Post(Posted(ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(100), 1'000), 4)).ok());
  ASSERT_TRUE(Post(Posted(FundTransaction("bkg_2", "mst_9", Usd(7)), 5)).ok());
  std::vector<std::string> seen;
  LedgerEntryQuery query;
  query.booking_id = "bkg_1";
  query.limit = 4;
  for (int page = 0; page < 5; ++page) {
    std::vector<LedgerEntryRow> rows;
    ASSERT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(rows, tx.ledger().ListEntries(query));
      return absl::OkStatus();
    }).ok());
    for (const LedgerEntryRow& row : rows) {
      seen.push_back(absl::StrCat(row.transaction_id, " ", row.entry.account.Key(), " ",
                                  row.entry.amount_minor));
    }
    if (rows.size() < 4u) break;
    query.after_seq = rows.back().transaction_seq;
    query.after_position = rows.back().position;
  }
  EXPECT_EQ(seen.size(), 9u);  // three funds of two entries, a release of three
  EXPECT_EQ(seen.front(), "ltx_1 world:USD -100");
  EXPECT_EQ(seen.back(), "ltx_4 platform:USD 10");
  LedgerEntryQuery mine;
  mine.owner_id = "usr_s";
  mine.since = absl::FromUnixSeconds(1'800'000'004);
  std::vector<LedgerEntryRow> rows;
  ASSERT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(rows, tx.ledger().ListEntries(mine));
    return absl::OkStatus();
  }).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].entry.amount_minor, 90);
  EXPECT_EQ(rows[0].milestone_id, "mst_1");
}

TEST_F(SqliteLedgerTest, TheStoredLedgerReconcilesAgainstItsBalances) {
  int n = 0;
  for (int b = 0; b < 20; ++b) {
    const std::string booking = absl::StrCat("bkg_", b);
    ASSERT_TRUE(Post(Posted(FundTransaction(booking, "mst_a", Usd(1'000 + b)), ++n)).ok());
    ASSERT_TRUE(Post(Posted(FundTransaction(booking, "mst_b", Usd(500)), ++n)).ok());
    ASSERT_TRUE(Post(Posted(ReleaseTransaction(booking, "mst_a", "usr_s", Usd(1'000 + b), 750), ++n)).ok());
  }
  ASSERT_TRUE(Post(Posted(PayoutTransaction("usr_s", "pyo_1", Usd(5'000)), ++n)).ok());
  Reconciler reconciler;
  ASSERT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.ledger().ForEachTransaction(
        [&](const LedgerTransaction& t) { reconciler.Add(t); }));
    return tx.ledger().ForEachBalance([&](const AccountBalance& balance) {
      reconciler.ExpectBalance(balance.account.Key(), balance.balance_minor);
    });
  }).ok());
  for (int b = 0; b < 20; ++b) reconciler.ExpectEscrow(absl::StrCat("bkg_", b), Usd(500));
  reconciler.ExpectEscrowListComplete();
  ReconcileReport report = reconciler.Finish();
  EXPECT_THAT(report.violations, IsEmpty());
  EXPECT_EQ(report.transactions, n);
}

}  // namespace
}  // namespace gigwire
