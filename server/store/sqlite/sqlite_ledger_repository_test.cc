// The ledger's storage against a real SQLite file: posting keeps balances in
// the same transaction, refuses an overdraft or overflow with nothing
// half-posted, keeps posted rows append-only, lists entries in pages, adds up
// a booking's money and a party's escrow, and streams the whole ledger for a
// reconciliation that comes out clean.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <tuple>

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
  LedgerTransaction release =
      Posted(ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(100), 1'000), 4);
  release.actor_id = "usr_b";
  ASSERT_TRUE(Post(release).ok());
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
  EXPECT_EQ(rows[0].actor_id, "usr_b");
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

TEST_F(SqliteLedgerTest, ABookingsTotalsAddUpItsTransactionsInOneCurrency) {
  int n = 0;
  for (auto built : {FundTransaction("bkg_1", "mst_1", Usd(10'000)),
                     FundTransaction("bkg_1", "mst_2", Usd(5'000)),
                     FundTransaction("bkg_1", "mst_3", Usd(4'000)),
                     ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(10'000), 1'000),
                     ResolutionTransaction("bkg_1", "mst_2", "usr_s", Usd(3'000), Usd(2'000),
                                           1'000),
                     RefundTransaction("bkg_1", "mst_3", Usd(1'500)),
                     FundTransaction("bkg_1", "mst_4", {"EUR", 777}),
                     FundTransaction("bkg_2", "mst_9", Usd(999))}) {
    ASSERT_TRUE(Post(Posted(built, ++n)).ok()) << n;
  }
  ASSERT_TRUE(Post(Posted(PayoutTransaction("usr_s", "pyt_1", Usd(100)), ++n)).ok());
  BookingLedgerTotals usd;
  BookingLedgerTotals eur;
  BookingLedgerTotals none;
  ASSERT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(usd, tx.ledger().TotalsOfBooking("bkg_1", "USD"));
    GW_ASSIGN_OR_RETURN(eur, tx.ledger().TotalsOfBooking("bkg_1", "EUR"));
    GW_ASSIGN_OR_RETURN(none, tx.ledger().TotalsOfBooking("bkg_none", "USD"));
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(usd.funded, 19'000);
  EXPECT_EQ(usd.released_to_seller, 9'000 + 2'700);  // net of the 10% fee
  EXPECT_EQ(usd.platform_fees, 1'000 + 300);
  EXPECT_EQ(usd.refunded, 2'000 + 1'500);  // the resolution's part and the refund
  EXPECT_EQ(usd.in_escrow, 2'500);
  EXPECT_EQ(usd.funded, usd.released_to_seller + usd.platform_fees + usd.refunded + usd.in_escrow);
  EXPECT_EQ(eur.funded, 777);
  EXPECT_EQ(eur.in_escrow, 777);
  EXPECT_EQ(eur.released_to_seller + eur.platform_fees + eur.refunded, 0);
  EXPECT_EQ(none.funded + none.released_to_seller + none.platform_fees + none.refunded +
                none.in_escrow,
            0);
}

// Users and bookings for EscrowOfParty, which reads the bookings' parties.
absl::Status InsertParties(Tx& tx) {
  for (const char* id : {"usr_a", "usr_s", "usr_c"}) {
    User user;
    user.id = id;
    user.email = absl::StrCat(id, "@example.com");
    user.display_name = id;
    GW_RETURN_IF_ERROR(tx.users().Insert(user));
  }
  // usr_a buys bkg_1 and bkg_3 from usr_s and sells bkg_2 to usr_c.
  for (const auto& [id, buyer, seller] : {std::tuple("bkg_1", "usr_a", "usr_s"),
                                          std::tuple("bkg_2", "usr_c", "usr_a"),
                                          std::tuple("bkg_3", "usr_a", "usr_s")}) {
    Booking booking;
    booking.id = id;
    booking.source = BookingSource::kGigOrder;
    booking.buyer_id = buyer;
    booking.seller_id = seller;
    booking.job_title = "Logo";
    booking.price = Usd(900);
    GW_RETURN_IF_ERROR(tx.bookings().Insert(booking));
  }
  return absl::OkStatus();
}

TEST_F(SqliteLedgerTest, APartysEscrowIsSummedPerCurrencyAsBuyerAndSeller) {
  ASSERT_TRUE(store_->Write(InsertParties).ok());
  int n = 0;
  for (auto built : {FundTransaction("bkg_1", "mst_1", Usd(2'500)),
                     FundTransaction("bkg_1", "mst_2", {"EUR", 700}),
                     FundTransaction("bkg_2", "mst_3", Usd(400)),
                     FundTransaction("bkg_3", "mst_4", {"GBP", 50}),
                     ReleaseTransaction("bkg_3", "mst_4", "usr_s", {"GBP", 50}, 0)}) {
    ASSERT_TRUE(Post(Posted(built, ++n)).ok()) << n;
  }
  auto escrow_of = [&](const std::string& user) {
    std::vector<std::string> rows;
    EXPECT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(std::vector<PartyEscrow> escrow, tx.ledger().EscrowOfParty(user));
      for (const PartyEscrow& e : escrow) {
        rows.push_back(
            absl::StrCat(e.currency_code, " ", e.as_buyer_minor, " ", e.as_seller_minor));
      }
      return absl::OkStatus();
    }).ok());
    return rows;
  };
  // GBP is left out: bkg_3's escrow was released to nothing.
  EXPECT_THAT(escrow_of("usr_a"), testing::ElementsAre("EUR 700 0", "USD 2500 400"));
  EXPECT_THAT(escrow_of("usr_s"), testing::ElementsAre("EUR 0 700", "USD 0 2500"));
  EXPECT_THAT(escrow_of("usr_c"), testing::ElementsAre("USD 400 0"));
  EXPECT_THAT(escrow_of("usr_nobody"), IsEmpty());
}

}  // namespace
}  // namespace gigwire
