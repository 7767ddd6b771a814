// Payments, payouts and disputes against a real SQLite file: every field
// round trips, a milestone has at most one PENDING payment and one OPEN
// dispute (ALREADY_EXISTS), stale versions are ABORTED (ETAG_MISMATCH), lists
// filter and page in their order (payments and payouts newest first, disputes
// oldest first), requested payouts add up per seller and currency, and a
// dispute reads back with its notes oldest first.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

absl::Status InsertUser(Tx& tx, const std::string& id) {
  User user;
  user.id = id;
  user.email = absl::StrCat(id, "@example.com");
  user.display_name = id;
  user.create_time = user.update_time = kT0;
  return tx.users().Insert(user);
}

absl::Status InsertBooking(Tx& tx, const std::string& id, const std::string& buyer,
                           const std::string& seller) {
  Booking booking;
  booking.id = id;
  booking.source = BookingSource::kGigOrder;
  booking.buyer_id = buyer;
  booking.seller_id = seller;
  booking.job_title = "Logo";
  booking.price = {"USD", 900};
  booking.due_time = kT0 + absl::Hours(240);
  booking.create_time = booking.update_time = kT0;
  return tx.bookings().Insert(booking);
}

absl::Status InsertMilestone(Tx& tx, const std::string& id, const std::string& booking,
                             int position) {
  Milestone m;
  m.id = id;
  m.booking_id = booking;
  m.position = position;
  m.title = absl::StrCat("Step ", position);
  m.amount = {"USD", 300};
  m.due_time = kT0 + absl::Hours(24);
  m.state = MilestoneState::kPending;
  m.create_time = m.update_time = kT0;
  return tx.milestones().Insert(m);
}

// Every stored field of each type, for whole-row comparisons.
auto Fields(const Payment& p) {
  return std::make_tuple(p.id, p.milestone_id, p.booking_id, p.buyer_id, p.amount.currency_code,
                         p.amount.amount_minor, p.gateway, p.provider_id,
                         static_cast<int>(p.state), p.client_secret, p.instructions,
                         p.failure_reason, p.confirmed_by, p.confirmation_note, p.version,
                         p.create_time, p.update_time);
}
auto Fields(const Payout& p) {
  return std::make_tuple(p.id, p.seller_id, p.amount.currency_code, p.amount.amount_minor,
                         static_cast<int>(p.state), p.paid_by, p.reference, p.cancel_reason,
                         p.version, p.create_time, p.update_time, p.paid_time);
}
auto Fields(const Dispute& d) {
  return std::make_tuple(d.id, d.milestone_id, d.booking_id, d.buyer_id, d.seller_id,
                         d.opened_by, d.reason, d.evidence, d.milestone_title,
                         d.amount.currency_code, d.amount.amount_minor, static_cast<int>(d.state),
                         d.to_seller.currency_code, d.to_seller.amount_minor,
                         d.refunded.currency_code, d.refunded.amount_minor, d.resolved_by,
                         d.resolution_note, d.version, d.create_time, d.update_time,
                         d.resolve_time);
}

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& rows) {
  std::vector<std::string> ids;
  for (const T& row : rows) ids.push_back(row.id);
  return ids;
}

// Buyer usr_b books usr_s (bkg_1: mst_1, mst_2) and usr_s2 (bkg_2: mst_3).
class SqlitePaymentRepositoriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->Write([](Tx& tx) -> absl::Status {
      for (const char* id : {"usr_b", "usr_s", "usr_s2", "usr_admin"}) {
        GW_RETURN_IF_ERROR(InsertUser(tx, id));
      }
      GW_RETURN_IF_ERROR(InsertBooking(tx, "bkg_1", "usr_b", "usr_s"));
      GW_RETURN_IF_ERROR(InsertBooking(tx, "bkg_2", "usr_b", "usr_s2"));
      GW_RETURN_IF_ERROR(InsertMilestone(tx, "mst_1", "bkg_1", 0));
      GW_RETURN_IF_ERROR(InsertMilestone(tx, "mst_2", "bkg_1", 1));
      return InsertMilestone(tx, "mst_3", "bkg_2", 0);
    }).ok());
  }

  static Payment MakePayment(const std::string& id, const std::string& milestone,
                             PaymentState state, absl::Time created) {
    Payment p;
    p.id = id;
    p.milestone_id = milestone;
    p.booking_id = milestone == "mst_3" ? "bkg_2" : "bkg_1";
    p.buyer_id = "usr_b";
    p.amount = {"USD", 300};
    p.gateway = "manual";
    p.state = state;
    p.create_time = p.update_time = created;
    return p;
  }

  static Payout MakePayout(const std::string& id, const std::string& seller, Money amount,
                           PayoutState state, absl::Time created) {
    Payout p;
    p.id = id;
    p.seller_id = seller;
    p.amount = amount;
    p.state = state;
    p.create_time = p.update_time = created;
    return p;
  }

  static Dispute MakeDispute(const std::string& id, const std::string& milestone,
                             DisputeState state, absl::Time created) {
    Dispute d;
    d.id = id;
    d.milestone_id = milestone;
    d.booking_id = milestone == "mst_3" ? "bkg_2" : "bkg_1";
    d.buyer_id = "usr_b";
    d.seller_id = milestone == "mst_3" ? "usr_s2" : "usr_s";
    d.opened_by = "usr_b";
    d.reason = "Not delivered";
    d.milestone_title = "Step 0";
    d.amount = {"USD", 300};
    d.state = state;
    d.create_time = d.update_time = created;
    return d;
  }

  absl::Status Write(absl::FunctionRef<absl::Status(Tx&)> fn) { return store_->Write(fn); }

  template <typename T>
  T Read(absl::FunctionRef<absl::StatusOr<T>(Tx&)> fn) {
    T out{};
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(out, fn(tx));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }

  std::vector<Payment> ListPayments(const PaymentQuery& q) {
    return Read<std::vector<Payment>>([&](Tx& tx) { return tx.payments().List(q); });
  }
  std::vector<Payout> ListPayouts(const PayoutQuery& q) {
    return Read<std::vector<Payout>>([&](Tx& tx) { return tx.payouts().List(q); });
  }
  std::vector<Dispute> ListDisputes(const DisputeQuery& q) {
    return Read<std::vector<Dispute>>([&](Tx& tx) { return tx.disputes().List(q); });
  }

  testutil::TempDir dir_;
  std::unique_ptr<SqliteStore> store_ = testutil::OpenTestStore(dir_);
};

// ---- payments ----

TEST_F(SqlitePaymentRepositoriesTest, APaymentRoundTripsEveryField) {
  Payment p = MakePayment("pay_1", "mst_2", PaymentState::kSucceeded, kT0 + absl::Seconds(5));
  p.amount = {"EUR", 12'345};
  p.gateway = "stripe";
  p.provider_id = "pi_123";
  p.client_secret = "pi_123_secret";
  p.instructions = "Transfer to IBAN X";
  p.failure_reason = "none";
  p.confirmed_by = "usr_admin";
  p.confirmation_note = "Seen on the statement";
  p.version = 3;
  p.update_time = kT0 + absl::Microseconds(5'000'123);
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.payments().Insert(p); }).ok());
  Payment found = Read<Payment>([](Tx& tx) { return tx.payments().FindById("pay_1"); });
  EXPECT_EQ(Fields(found), Fields(p));
  absl::Status missing =
      store_->Read([](Tx& tx) { return tx.payments().FindById("pay_x").status(); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
}

TEST_F(SqlitePaymentRepositoriesTest, AMilestoneHasAtMostOnePendingPayment) {
  ASSERT_TRUE(Write([&](Tx& tx) {
    return tx.payments().Insert(MakePayment("pay_1", "mst_1", PaymentState::kPending, kT0));
  }).ok());
  absl::Status second = Write([&](Tx& tx) {
    return tx.payments().Insert(MakePayment("pay_2", "mst_1", PaymentState::kPending, kT0));
  });
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;
  EXPECT_EQ(ReasonOf(second), v1::DUPLICATE);
  absl::Status same_id = Write([&](Tx& tx) {
    return tx.payments().Insert(MakePayment("pay_1", "mst_2", PaymentState::kFailed, kT0));
  });
  EXPECT_EQ(same_id.code(), absl::StatusCode::kAlreadyExists) << same_id;
  // Other milestones, and finished payments of this one, do not count.
  ASSERT_TRUE(Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(
        tx.payments().Insert(MakePayment("pay_3", "mst_2", PaymentState::kPending, kT0)));
    return tx.payments().Insert(MakePayment("pay_4", "mst_1", PaymentState::kFailed, kT0));
  }).ok());
  Payment pending =
      Read<Payment>([](Tx& tx) { return tx.payments().FindPendingForMilestone("mst_1"); });
  EXPECT_EQ(pending.id, "pay_1");
  absl::Status none = store_->Read(
      [](Tx& tx) { return tx.payments().FindPendingForMilestone("mst_3").status(); });
  EXPECT_EQ(none.code(), absl::StatusCode::kNotFound);
  // Reviving a finished payment while another is pending clashes too.
  Payment revived = MakePayment("pay_4", "mst_1", PaymentState::kPending, kT0);
  revived.version = 2;
  absl::Status revive = Write([&](Tx& tx) { return tx.payments().Update(revived, 1); });
  EXPECT_EQ(revive.code(), absl::StatusCode::kAlreadyExists) << revive;
}

TEST_F(SqlitePaymentRepositoriesTest, APendingPaymentMayFollowAFinishedOne) {
  Payment first = MakePayment("pay_1", "mst_1", PaymentState::kPending, kT0);
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.payments().Insert(first); }).ok());
  first.state = PaymentState::kCancelled;
  first.version = 2;
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.payments().Update(first, 1); }).ok());
  ASSERT_TRUE(Write([&](Tx& tx) {
    return tx.payments().Insert(MakePayment("pay_2", "mst_1", PaymentState::kPending, kT0));
  }).ok());
  EXPECT_EQ(Read<Payment>([](Tx& tx) { return tx.payments().FindPendingForMilestone("mst_1"); })
                .id,
            "pay_2");
}

TEST_F(SqlitePaymentRepositoriesTest, APaymentUpdateNeedsTheStoredVersion) {
  Payment p = MakePayment("pay_1", "mst_1", PaymentState::kPending, kT0);
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.payments().Insert(p); }).ok());
  p.state = PaymentState::kSucceeded;
  p.confirmed_by = "usr_admin";
  p.version = 2;
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.payments().Update(p, 1); }).ok());
  absl::Status stale = Write([&](Tx& tx) { return tx.payments().Update(p, 1); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_EQ(ReasonOf(stale), v1::ETAG_MISMATCH);
  Payment gone = MakePayment("pay_x", "mst_2", PaymentState::kFailed, kT0);
  EXPECT_EQ(Write([&](Tx& tx) { return tx.payments().Update(gone, 1); }).code(),
            absl::StatusCode::kAborted);
  Payment found = Read<Payment>([](Tx& tx) { return tx.payments().FindById("pay_1"); });
  EXPECT_EQ(Fields(found), Fields(p));
}

TEST_F(SqlitePaymentRepositoriesTest, PaymentsListNewestFirstByEveryFilterInPages) {
  // pay_1..pay_5 one second apart; pay_5 and pay_6 share a time (id breaks the tie).
  const std::vector<std::tuple<std::string, std::string, PaymentState, int>> rows = {
      {"pay_1", "mst_1", PaymentState::kFailed, 1},
      {"pay_2", "mst_3", PaymentState::kSucceeded, 2},
      {"pay_3", "mst_1", PaymentState::kPending, 3},
      {"pay_4", "mst_2", PaymentState::kSucceeded, 4},
      {"pay_5", "mst_2", PaymentState::kCancelled, 5},
      {"pay_6", "mst_3", PaymentState::kPending, 5},
  };
  ASSERT_TRUE(Write([&](Tx& tx) -> absl::Status {
    for (const auto& [id, milestone, state, second] : rows) {
      GW_RETURN_IF_ERROR(
          tx.payments().Insert(MakePayment(id, milestone, state, kT0 + absl::Seconds(second))));
    }
    return absl::OkStatus();
  }).ok());
  std::vector<std::string> paged;
  PaymentQuery page;
  page.limit = 4;
  for (int i = 0; i < 3; ++i) {
    std::vector<Payment> got = ListPayments(page);
    for (const Payment& p : got) paged.push_back(p.id);
    if (got.size() < 4u) break;
    page.after = ListCursor{got.back().create_time, got.back().id};
  }
  EXPECT_THAT(paged, ElementsAre("pay_6", "pay_5", "pay_4", "pay_3", "pay_2", "pay_1"));
  PaymentQuery q;
  q.state = PaymentState::kSucceeded;
  EXPECT_THAT(Ids(ListPayments(q)), ElementsAre("pay_4", "pay_2"));
  q = {};
  q.booking_id = "bkg_1";
  EXPECT_THAT(Ids(ListPayments(q)), ElementsAre("pay_5", "pay_4", "pay_3", "pay_1"));
  q = {};
  q.milestone_id = "mst_1";
  EXPECT_THAT(Ids(ListPayments(q)), ElementsAre("pay_3", "pay_1"));
  q = {};
  q.seller_id = "usr_s2";
  EXPECT_THAT(Ids(ListPayments(q)), ElementsAre("pay_6", "pay_2"));
  q.state = PaymentState::kPending;
  EXPECT_THAT(Ids(ListPayments(q)), ElementsAre("pay_6"));
  q = {};
  q.buyer_id = "usr_b";
  q.after = ListCursor{kT0 + absl::Seconds(5), "pay_6"};
  EXPECT_THAT(Ids(ListPayments(q)), ElementsAre("pay_5", "pay_4", "pay_3", "pay_2", "pay_1"));
  q.buyer_id = "usr_s";
  EXPECT_THAT(ListPayments(q), IsEmpty());
}

// ---- payouts ----

TEST_F(SqlitePaymentRepositoriesTest, APayoutRoundTripsEveryFieldAndNeedsItsVersion) {
  Payout p = MakePayout("pyt_1", "usr_s", {"USD", 5'000}, PayoutState::kRequested, kT0);
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.payouts().Insert(p); }).ok());
  EXPECT_EQ(Fields(Read<Payout>([](Tx& tx) { return tx.payouts().FindById("pyt_1"); })),
            Fields(p));
  p.state = PayoutState::kPaid;
  p.paid_by = "usr_admin";
  p.reference = "wire 42";
  p.cancel_reason = "n/a";
  p.version = 2;
  p.update_time = kT0 + absl::Microseconds(7);
  p.paid_time = kT0 + absl::Microseconds(7);
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.payouts().Update(p, 1); }).ok());
  EXPECT_EQ(Fields(Read<Payout>([](Tx& tx) { return tx.payouts().FindById("pyt_1"); })),
            Fields(p));
  absl::Status stale = Write([&](Tx& tx) { return tx.payouts().Update(p, 1); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_EQ(ReasonOf(stale), v1::ETAG_MISMATCH);
  EXPECT_EQ(Write([&](Tx& tx) { return tx.payouts().Insert(p); }).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->Read([](Tx& tx) { return tx.payouts().FindById("pyt_x").status(); }).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqlitePaymentRepositoriesTest, PayoutsListNewestFirstAndRequestedOnesAddUp) {
  ASSERT_TRUE(Write([&](Tx& tx) -> absl::Status {
    const Money usd100{"USD", 100};
    GW_RETURN_IF_ERROR(tx.payouts().Insert(
        MakePayout("pyt_1", "usr_s", usd100, PayoutState::kRequested, kT0 + absl::Seconds(1))));
    GW_RETURN_IF_ERROR(tx.payouts().Insert(MakePayout(
        "pyt_2", "usr_s", {"USD", 250}, PayoutState::kRequested, kT0 + absl::Seconds(2))));
    GW_RETURN_IF_ERROR(tx.payouts().Insert(MakePayout(
        "pyt_3", "usr_s", {"EUR", 70}, PayoutState::kRequested, kT0 + absl::Seconds(3))));
    GW_RETURN_IF_ERROR(tx.payouts().Insert(
        MakePayout("pyt_4", "usr_s", {"USD", 1'000}, PayoutState::kPaid, kT0 + absl::Seconds(4))));
    GW_RETURN_IF_ERROR(tx.payouts().Insert(
        MakePayout("pyt_5", "usr_s", {"USD", 9}, PayoutState::kCancelled, kT0 + absl::Seconds(4))));
    return tx.payouts().Insert(
        MakePayout("pyt_6", "usr_s2", usd100, PayoutState::kRequested, kT0 + absl::Seconds(5)));
  }).ok());
  auto total = [&](const std::string& seller, const std::string& currency) {
    return Read<int64_t>([&](Tx& tx) { return tx.payouts().RequestedTotal(seller, currency); });
  };
  EXPECT_EQ(total("usr_s", "USD"), 350);  // not the paid or cancelled ones, nor usr_s2's
  EXPECT_EQ(total("usr_s", "EUR"), 70);
  EXPECT_EQ(total("usr_s", "GBP"), 0);
  EXPECT_EQ(total("usr_nobody", "USD"), 0);
  PayoutQuery q;
  EXPECT_THAT(Ids(ListPayouts(q)),
              ElementsAre("pyt_6", "pyt_5", "pyt_4", "pyt_3", "pyt_2", "pyt_1"));
  q.seller_id = "usr_s";
  q.limit = 2;
  q.after = ListCursor{kT0 + absl::Seconds(4), "pyt_5"};
  EXPECT_THAT(Ids(ListPayouts(q)), ElementsAre("pyt_4", "pyt_3"));
  q = {};
  q.state = PayoutState::kRequested;
  q.seller_id = "usr_s";
  EXPECT_THAT(Ids(ListPayouts(q)), ElementsAre("pyt_3", "pyt_2", "pyt_1"));
}

// ---- disputes ----

TEST_F(SqlitePaymentRepositoriesTest, ADisputeRoundTripsEveryFieldWithItsNotesOldestFirst) {
  Dispute d = MakeDispute("dsp_1", "mst_1", DisputeState::kOpen, kT0);
  d.evidence = "Screenshots";
  d.notes.push_back({"dnt_ignored", "dsp_1", "usr_b", "not stored by Insert", false, kT0});
  ASSERT_TRUE(Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.disputes().Insert(d));
    // Added out of order; dnt_a and dnt_b share a time (id breaks the tie).
    GW_RETURN_IF_ERROR(tx.disputes().AddNote(
        {"dnt_c", "dsp_1", "usr_admin", "Looking", true, kT0 + absl::Seconds(9)}));
    GW_RETURN_IF_ERROR(
        tx.disputes().AddNote({"dnt_b", "dsp_1", "usr_s", "I did", false, kT0 + absl::Seconds(2)}));
    return tx.disputes().AddNote(
        {"dnt_a", "dsp_1", "usr_b", "They did not", false, kT0 + absl::Seconds(2)});
  }).ok());
  Dispute found = Read<Dispute>([](Tx& tx) { return tx.disputes().FindById("dsp_1"); });
  d.notes.clear();
  EXPECT_EQ(Fields(found), Fields(d));  // the parts unset: Money{} both
  ASSERT_EQ(found.notes.size(), 3u);
  EXPECT_EQ(found.notes[0].id, "dnt_a");
  EXPECT_EQ(found.notes[1].id, "dnt_b");
  EXPECT_EQ(found.notes[2].id, "dnt_c");
  EXPECT_EQ(found.notes[2].dispute_id, "dsp_1");
  EXPECT_EQ(found.notes[2].author_id, "usr_admin");
  EXPECT_EQ(found.notes[2].text, "Looking");
  EXPECT_TRUE(found.notes[2].internal);
  EXPECT_FALSE(found.notes[1].internal);
  EXPECT_EQ(found.notes[2].create_time, kT0 + absl::Seconds(9));
  EXPECT_THAT(ListDisputes({})[0].notes, IsEmpty());  // lists leave notes out
}

TEST_F(SqlitePaymentRepositoriesTest, AResolutionRoundTripsAndNeedsTheStoredVersion) {
  Dispute d = MakeDispute("dsp_1", "mst_1", DisputeState::kOpen, kT0);
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.disputes().Insert(d); }).ok());
  d.state = DisputeState::kResolved;
  d.to_seller = {"USD", 200};
  d.refunded = {"USD", 0};
  d.resolved_by = "usr_admin";
  d.resolution_note = "Split";
  d.version = 2;
  d.update_time = d.resolve_time.emplace(kT0 + absl::Hours(1));
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.disputes().Update(d, 1); }).ok());
  EXPECT_EQ(Fields(Read<Dispute>([](Tx& tx) { return tx.disputes().FindById("dsp_1"); })),
            Fields(d));
  absl::Status stale = Write([&](Tx& tx) { return tx.disputes().Update(d, 1); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_EQ(ReasonOf(stale), v1::ETAG_MISMATCH);
  d.to_seller = {"EUR", 200};  // parts are stored in the dispute's currency only
  EXPECT_EQ(Write([&](Tx& tx) { return tx.disputes().Update(d, 2); }).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(store_->Read([](Tx& tx) { return tx.disputes().FindById("dsp_x").status(); }).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqlitePaymentRepositoriesTest, AMilestoneHasAtMostOneOpenDispute) {
  ASSERT_TRUE(Write([&](Tx& tx) {
    return tx.disputes().Insert(MakeDispute("dsp_1", "mst_1", DisputeState::kOpen, kT0));
  }).ok());
  absl::Status second = Write([&](Tx& tx) {
    return tx.disputes().Insert(MakeDispute("dsp_2", "mst_1", DisputeState::kOpen, kT0));
  });
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;
  EXPECT_EQ(ReasonOf(second), v1::DUPLICATE);
  ASSERT_TRUE(Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(
        tx.disputes().Insert(MakeDispute("dsp_3", "mst_2", DisputeState::kOpen, kT0)));
    return tx.disputes().Insert(MakeDispute("dsp_4", "mst_1", DisputeState::kResolved, kT0));
  }).ok());
  Dispute resolved = MakeDispute("dsp_1", "mst_1", DisputeState::kResolved, kT0);
  resolved.version = 2;
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.disputes().Update(resolved, 1); }).ok());
  EXPECT_TRUE(Write([&](Tx& tx) {
    return tx.disputes().Insert(MakeDispute("dsp_2", "mst_1", DisputeState::kOpen, kT0));
  }).ok());
  EXPECT_EQ(Write([&](Tx& tx) {
              return tx.disputes().AddNote({"dnt_1", "dsp_1", "usr_b", "x", false, kT0});
            }).code(),
            absl::StatusCode::kOk);
  EXPECT_EQ(Write([&](Tx& tx) {
              return tx.disputes().AddNote({"dnt_1", "dsp_1", "usr_b", "again", false, kT0});
            }).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(SqlitePaymentRepositoriesTest, DisputesListOldestFirstByEveryFilterInPages) {
  // dsp_2 and dsp_3 share a time (id breaks the tie).
  const std::vector<std::tuple<std::string, std::string, DisputeState, int>> rows = {
      {"dsp_1", "mst_1", DisputeState::kResolved, 1}, {"dsp_3", "mst_3", DisputeState::kOpen, 2},
      {"dsp_2", "mst_2", DisputeState::kOpen, 2},     {"dsp_4", "mst_1", DisputeState::kOpen, 3},
  };
  ASSERT_TRUE(Write([&](Tx& tx) -> absl::Status {
    for (const auto& [id, milestone, state, second] : rows) {
      GW_RETURN_IF_ERROR(
          tx.disputes().Insert(MakeDispute(id, milestone, state, kT0 + absl::Seconds(second))));
    }
    return absl::OkStatus();
  }).ok());
  std::vector<std::string> paged;
  DisputeQuery page;
  page.limit = 3;
  for (int i = 0; i < 3; ++i) {
    std::vector<Dispute> got = ListDisputes(page);
    for (const Dispute& d : got) paged.push_back(d.id);
    if (got.size() < 3u) break;
    page.after = ListCursor{got.back().create_time, got.back().id};
  }
  EXPECT_THAT(paged, ElementsAre("dsp_1", "dsp_2", "dsp_3", "dsp_4"));
  DisputeQuery q;
  q.state = DisputeState::kOpen;
  EXPECT_THAT(Ids(ListDisputes(q)), ElementsAre("dsp_2", "dsp_3", "dsp_4"));
  q.party_id = "usr_s";  // seller of bkg_1
  EXPECT_THAT(Ids(ListDisputes(q)), ElementsAre("dsp_2", "dsp_4"));
  q = {};
  q.party_id = "usr_b";  // buyer of both
  EXPECT_THAT(Ids(ListDisputes(q)), ElementsAre("dsp_1", "dsp_2", "dsp_3", "dsp_4"));
  q.booking_id = "bkg_2";
  EXPECT_THAT(Ids(ListDisputes(q)), ElementsAre("dsp_3"));
  q = {};
  q.party_id = "usr_admin";
  EXPECT_THAT(ListDisputes(q), IsEmpty());
}

}  // namespace
}  // namespace gigwire
