// The ledger's rules: each money step's entries, their validation, the shape
// check that catches a tampered transaction, balances that never go negative,
// and reconciliation; plus a seeded random run of 10,000 money steps checking
// every invariant as it goes.
#include "server/domain/ledger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Money Usd(int64_t minor) { return {"USD", minor}; }

std::vector<std::pair<std::string, int64_t>> Entries(const LedgerTransaction& t) {
  std::vector<std::pair<std::string, int64_t>> entries;
  for (const LedgerEntry& e : t.entries) entries.emplace_back(e.account.Key(), e.amount_minor);
  return entries;
}

TEST(LedgerTransactionsTest, EachMoneyStepHasItsEntries) {
  using P = std::pair<std::string, int64_t>;
  EXPECT_THAT(Entries(*FundTransaction("bkg_1", "mst_1", Usd(10'000))),
              ElementsAre(P("world:USD", -10'000), P("escrow:bkg_1:USD", 10'000)));
  EXPECT_THAT(Entries(*ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(10'000), 1'000)),
              ElementsAre(P("escrow:bkg_1:USD", -10'000), P("seller:usr_s:USD", 9'000),
                          P("platform:USD", 1'000)));
  EXPECT_THAT(Entries(*RefundTransaction("bkg_1", "mst_1", Usd(500))),
              ElementsAre(P("escrow:bkg_1:USD", -500), P("world:USD", 500)));
  EXPECT_THAT(Entries(*ResolutionTransaction("bkg_1", "mst_1", "usr_s", Usd(7'000), Usd(3'000), 1'000)),
              ElementsAre(P("escrow:bkg_1:USD", -10'000), P("seller:usr_s:USD", 6'300),
                          P("platform:USD", 700), P("world:USD", 3'000)));
  EXPECT_THAT(Entries(*PayoutTransaction("usr_s", "pyo_1", Usd(6'300))),
              ElementsAre(P("seller:usr_s:USD", -6'300), P("world:USD", 6'300)));
}

TEST(LedgerTransactionsTest, ZeroFeesAndZeroPartsLeaveNoZeroEntries) {
  EXPECT_EQ(ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(99), 100)->entries.size(), 2u);
  EXPECT_EQ(ResolutionTransaction("bkg_1", "mst_1", "usr_s", Usd(0), Usd(50), 1'000)->entries.size(), 2u);
  for (const auto& t : {*ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(99), 100),
                        *ResolutionTransaction("bkg_1", "mst_1", "usr_s", Usd(0), Usd(50), 1'000)}) {
    EXPECT_EQ(ShapeProblem(t), "") << LedgerTransactionKindName(t.kind);
  }
}

TEST(LedgerTransactionsTest, BadAmountsCurrenciesAndRatesAreRefusedWithTheField) {
  struct Case {
    absl::StatusOr<LedgerTransaction> built;
    const char* field;
  };
  const Case cases[] = {
      {FundTransaction("bkg_1", "mst_1", Usd(0)), "amount.amount_minor"},
      {FundTransaction("bkg_1", "mst_1", Usd(-5)), "amount.amount_minor"},
      {FundTransaction("bkg_1", "mst_1", {"XYZ", 5}), "amount.currency_code"},
      {FundTransaction("", "mst_1", Usd(5)), "booking_id"},
      {ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(5), 10'001), "fee_bps"},
      {ReleaseTransaction("bkg_1", "mst_1", "", Usd(5), 0), "seller_id"},
      {ResolutionTransaction("bkg_1", "mst_1", "usr_s", Usd(5), {"EUR", 5}, 0),
       "refunded.currency_code"},
      {ResolutionTransaction("bkg_1", "mst_1", "usr_s", Usd(0), Usd(0), 0), "to_seller.amount_minor"},
      {PayoutTransaction("usr_s", "", Usd(5)), "payout_id"},
  };
  for (const Case& c : cases) {
    ASSERT_FALSE(c.built.ok()) << c.field;
    EXPECT_EQ(c.built.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(ReasonOf(c.built.status()), v1::INVALID_FIELDS) << c.field;
    EXPECT_THAT(std::string(c.built.status().message()), HasSubstr(c.field));
  }
}

TEST(LedgerTransactionsTest, AResolutionWhosePartsOverflowIsOutOfRange) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(ResolutionTransaction("bkg_1", "mst_1", "usr_s", Usd(max), Usd(1), 0).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(ShapeProblemTest, CatchesTamperedTransactions) {
  const LedgerTransaction release = *ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(1'000), 1'000);
  auto tampered = [&](auto change) {
    LedgerTransaction t = release;
    change(t);
    return ShapeProblem(t);
  };
  EXPECT_EQ(ShapeProblem(release), "");
  EXPECT_THAT(tampered([](LedgerTransaction& t) { t.entries[1].amount_minor += 1; }),
              HasSubstr("does not balance"));
  EXPECT_THAT(tampered([](LedgerTransaction& t) {
                t.entries[1].amount_minor += 1;
                t.entries[2].amount_minor -= 1;
              }),
              HasSubstr("takes a fee of 99"));
  EXPECT_THAT(tampered([](LedgerTransaction& t) { t.entries[0].account.owner_id = "bkg_2"; }),
              HasSubstr("another booking"));
  EXPECT_THAT(tampered([](LedgerTransaction& t) { t.kind = LedgerTransactionKind::kFund; }),
              HasSubstr("may not"));
  EXPECT_THAT(tampered([](LedgerTransaction& t) { t.entries[2].account.currency_code = "EUR"; }),
              HasSubstr("mixes currencies"));
  EXPECT_THAT(tampered([](LedgerTransaction& t) { t.entries.push_back(t.entries[1]); }),
              HasSubstr("twice"));
  EXPECT_THAT(tampered([](LedgerTransaction& t) { t.milestone_id.clear(); }),
              HasSubstr("milestone"));
}

TEST(LedgerBalancesTest, NoAccountButTheWorldGoesNegativeAndNothingHalfApplies) {
  LedgerBalances balances;
  ASSERT_TRUE(balances.Apply(*FundTransaction("bkg_1", "mst_1", Usd(1'000))).ok());
  EXPECT_EQ(balances.Of({AccountKind::kWorld, "", "USD"}), -1'000);
  absl::Status over = balances.Apply(*ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(1'001), 0));
  EXPECT_EQ(over.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(over.message()), HasSubstr("escrow:bkg_1:USD holds 1000"));
  EXPECT_EQ(balances.Of({AccountKind::kEscrow, "bkg_1", "USD"}), 1'000);  // untouched
  EXPECT_EQ(balances.Of({AccountKind::kSellerAvailable, "usr_s", "USD"}), 0);
  EXPECT_EQ(balances.Apply(*PayoutTransaction("usr_s", "pyo_1", Usd(1))).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(LedgerBalancesTest, OverflowIsRefused) {
  LedgerBalances balances;
  const int64_t max = std::numeric_limits<int64_t>::max();
  ASSERT_TRUE(balances.Apply(*FundTransaction("bkg_1", "mst_1", Usd(max))).ok());
  EXPECT_EQ(balances.Apply(*FundTransaction("bkg_1", "mst_2", Usd(1))).code(),
            absl::StatusCode::kOutOfRange);
}

TEST(ReconcilerTest, ACleanLedgerReconciles) {
  Reconciler reconciler;
  reconciler.Add(*FundTransaction("bkg_1", "mst_1", Usd(10'000)));
  reconciler.Add(*FundTransaction("bkg_1", "mst_2", Usd(5'000)));
  reconciler.Add(*ReleaseTransaction("bkg_1", "mst_1", "usr_s", Usd(10'000), 1'000));
  reconciler.Add(*PayoutTransaction("usr_s", "pyo_1", Usd(9'000)));
  reconciler.ExpectEscrow("bkg_1", Usd(5'000));
  reconciler.ExpectEscrowListComplete();
  reconciler.ExpectBalance("world:USD", -6'000);
  reconciler.ExpectBalance("escrow:bkg_1:USD", 5'000);
  reconciler.ExpectBalance("platform:USD", 1'000);
  ReconcileReport report = reconciler.Finish();
  EXPECT_THAT(report.violations, IsEmpty());
  EXPECT_EQ(report.transactions, 4);
  EXPECT_EQ(report.entries, 9);
}

TEST(ReconcilerTest, ReportsEachKindOfViolation) {
  Reconciler reconciler;
  LedgerTransaction unbalanced = *FundTransaction("bkg_1", "mst_1", Usd(100));
  unbalanced.id = "ltx_unbalanced";
  unbalanced.entries[1].amount_minor = 150;
  reconciler.Add(unbalanced);
  LedgerTransaction overdraw = *PayoutTransaction("usr_s", "pyo_1", Usd(10));
  overdraw.id = "ltx_overdraw";
  reconciler.Add(overdraw);
  reconciler.Add(*FundTransaction("bkg_2", "mst_9", Usd(70)));
  reconciler.ExpectEscrow("bkg_1", Usd(100));
  reconciler.ExpectEscrowListComplete();
  reconciler.ExpectBalance("world:USD", -100);
  ReconcileReport report = reconciler.Finish();
  EXPECT_THAT(report.violations,
              testing::UnorderedElementsAre(
                  HasSubstr("ltx_unbalanced does not balance"),
                  HasSubstr("ltx_overdraw: seller:usr_s:USD holds 0"),
                  HasSubstr("escrow:bkg_1:USD holds 150 but its milestones hold 100"),
                  HasSubstr("escrow:bkg_2:USD holds 70 but no milestone of its booking does"),
                  HasSubstr("world:USD is stored as -100 but its entries add up to -160"),
                  HasSubstr("escrow:bkg_1:USD has entries adding up to 150 but no stored balance"),
                  HasSubstr("escrow:bkg_2:USD has entries"),
                  HasSubstr("seller:usr_s:USD has entries")));
}

// A model of milestones in money terms: each is pending, held in escrow, or done.
struct ModelMilestone {
  std::string booking_id, id, seller_id;
  int64_t amount = 0;
  bool held = false, done = false;
};

TEST(LedgerRandomTest, TenThousandMoneyStepsKeepEveryInvariant) {
  std::mt19937_64 rng(15);
  std::vector<ModelMilestone> milestones;
  for (int b = 0; b < 60; ++b) {
    for (int m = 0; m < 4; ++m) {
      milestones.push_back({absl::StrCat("bkg_", b), absl::StrCat("mst_", b, "_", m),
                            absl::StrCat("usr_", b % 7), 1 + static_cast<int64_t>(rng() % 1'000'000)});
    }
  }
  LedgerBalances balances;
  Reconciler full;
  int steps = 0, refused = 0, payouts = 0;
  auto post = [&](absl::StatusOr<LedgerTransaction> built) {
    ASSERT_TRUE(built.ok()) << built.status();
    ASSERT_EQ(ShapeProblem(*built), "");
    built->id = absl::StrCat("ltx_", ++steps);
    absl::Status applied = balances.Apply(*built);
    if (!applied.ok()) {
      ++refused;
      return;
    }
    full.Add(*built);
  };
  while (steps < 10'000) {
    ModelMilestone& m = milestones[rng() % milestones.size()];
    const int32_t fee = static_cast<int32_t>(rng() % 2'001);
    switch (rng() % 5) {
      case 0:  // fund (again after done: a new milestone of the same size)
        if (!m.held) post(FundTransaction(m.booking_id, m.id, Usd(m.amount))), m.held = true;
        break;
      case 1:  // release a held milestone; else ask the escrow for more than it holds
        if (m.held) {
          post(ReleaseTransaction(m.booking_id, m.id, m.seller_id, Usd(m.amount), fee));
          m.held = false, m.done = true;
        } else {  // which milestone may be released is the milestone rules' call; the
                  // ledger refuses what the booking's escrow cannot cover
          const int64_t escrow = balances.Of({AccountKind::kEscrow, m.booking_id, "USD"});
          post(ReleaseTransaction(m.booking_id, m.id, m.seller_id, Usd(escrow + 1), fee));
        }
        break;
      case 2:
        if (m.held) post(RefundTransaction(m.booking_id, m.id, Usd(m.amount))), m.held = false;
        break;
      case 3: {
        const int64_t to_seller = static_cast<int64_t>(rng() % (m.amount + 1));
        if (m.held && m.amount > 0) {
          post(ResolutionTransaction(m.booking_id, m.id, m.seller_id, Usd(to_seller),
                                     Usd(m.amount - to_seller), fee));
          m.held = false;
        }
        break;
      }
      case 4: {
        const int64_t available = balances.Of({AccountKind::kSellerAvailable, m.seller_id, "USD"});
        const int64_t asked = 1 + static_cast<int64_t>(rng() % (available + 10));
        post(PayoutTransaction(m.seller_id, absl::StrCat("pyo_", ++payouts), Usd(asked)));
        break;
      }
    }
    if (testing::Test::HasFatalFailure()) return;
    for (const auto& [key, balance] : balances.by_key()) {
      ASSERT_TRUE(balance >= 0 || key.rfind("world:", 0) == 0) << key << " " << balance;
    }
  }
  for (const ModelMilestone& m : milestones) {
    if (m.held) full.ExpectEscrow(m.booking_id, Usd(m.amount));
  }
  full.ExpectEscrowListComplete();
  for (const auto& [key, balance] : balances.by_key()) full.ExpectBalance(key, balance);
  ReconcileReport report = full.Finish();
  EXPECT_THAT(report.violations, IsEmpty());
  EXPECT_GT(refused, 0);  // overdrawn releases and payouts were tried, and refused
  EXPECT_GT(report.transactions, 5'000);
}

}  // namespace
}  // namespace gigwire
