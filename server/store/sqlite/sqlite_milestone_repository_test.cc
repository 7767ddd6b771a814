// Milestones' storage against a real SQLite file: round trips (with the money
// fields of migration v9), one position per booking, optimistic versions, the
// auto-release queue and the escrow holdings that reconciliation reads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

constexpr absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

class SqliteMilestoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    // A gig-order booking to hang milestones on (milestones reference bookings).
    ASSERT_TRUE(store_->Write([](Tx& tx) -> absl::Status {
      for (const char* id : {"usr_b", "usr_s"}) {
        User user;
        user.id = id;
        user.email = absl::StrCat(id, "@example.com");
        user.display_name = id;
        user.create_time = user.update_time = kT0;
        GW_RETURN_IF_ERROR(tx.users().Insert(user));
      }
      Booking booking;
      booking.id = "bkg_1";
      booking.source = BookingSource::kGigOrder;
      booking.buyer_id = "usr_b";
      booking.seller_id = "usr_s";
      booking.job_title = "Logo";
      booking.price = {"USD", 900};
      booking.due_time = kT0 + absl::Hours(240);
      booking.create_time = booking.update_time = kT0;
      return tx.bookings().Insert(booking);
    }).ok());
  }

  Milestone Make(int position, MilestoneState state) {
    Milestone m;
    m.id = absl::StrCat("mst_", position);
    m.booking_id = "bkg_1";
    m.position = position;
    m.title = absl::StrCat("Step ", position);
    m.amount = {"USD", 300};
    m.due_time = kT0 + absl::Hours(24 * (position + 1));
    m.state = state;
    m.create_time = m.update_time = kT0;
    return m;
  }

  absl::Status Insert(const Milestone& m) {
    return store_->Write([&](Tx& tx) { return tx.milestones().Insert(m); });
  }

  testutil::TempDir dir_;
  std::unique_ptr<SqliteStore> store_ = testutil::OpenTestStore(dir_);
};

TEST_F(SqliteMilestoneTest, RoundTripsInPositionOrder) {
  Milestone second = Make(1, MilestoneState::kSubmitted);
  second.submission_note = "Here it is";
  second.auto_release_time = kT0 + absl::Hours(24 * 14);
  ASSERT_TRUE(Insert(second).ok());
  ASSERT_TRUE(Insert(Make(0, MilestoneState::kReleased)).ok());
  std::vector<Milestone> listed;
  ASSERT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(listed, tx.milestones().ListByBooking("bkg_1"));
    return absl::OkStatus();
  }).ok());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, "mst_0");
  EXPECT_EQ(listed[1].submission_note, "Here it is");
  EXPECT_EQ(listed[1].auto_release_time, kT0 + absl::Hours(24 * 14));
  EXPECT_EQ(listed[1].amount, (Money{"USD", 300}));
  EXPECT_EQ(listed[0].auto_release_time, std::nullopt);
}

TEST_F(SqliteMilestoneTest, TheMoneyFieldsRoundTripThroughInsertAndUpdate) {
  Milestone m = Make(0, MilestoneState::kDisputed);
  m.payment_id = "pay_1";
  m.dispute_id = "dsp_1";
  ASSERT_TRUE(Insert(m).ok());
  m.state = MilestoneState::kResolved;
  m.cancel_reason = "Settled";
  m.released_minor = 200;
  m.refunded_minor = 100;
  m.version = 2;
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.milestones().Update(m, 1); }).ok());
  Milestone found;
  ASSERT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(found, tx.milestones().FindById("mst_0"));
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(found.payment_id, "pay_1");
  EXPECT_EQ(found.dispute_id, "dsp_1");
  EXPECT_EQ(found.cancel_reason, "Settled");
  EXPECT_EQ(found.released_minor, 200);
  EXPECT_EQ(found.refunded_minor, 100);
  EXPECT_EQ(found.state, MilestoneState::kResolved);
  EXPECT_EQ(found.version, 2);
  // More out of its escrow than its amount is refused by the schema.
  m.refunded_minor = 101;
  m.version = 3;
  EXPECT_EQ(store_->Write([&](Tx& tx) { return tx.milestones().Update(m, 2); }).code(),
            absl::StatusCode::kInternal);
}

TEST_F(SqliteMilestoneTest, OnePositionPerBookingAndVersionsGuardUpdates) {
  ASSERT_TRUE(Insert(Make(0, MilestoneState::kPending)).ok());
  Milestone clash = Make(0, MilestoneState::kPending);
  clash.id = "mst_other";
  EXPECT_EQ(Insert(clash).code(), absl::StatusCode::kAlreadyExists);
  Milestone funded = Make(0, MilestoneState::kFunded);
  funded.version = 2;
  EXPECT_TRUE(store_->Write([&](Tx& tx) { return tx.milestones().Update(funded, 1); }).ok());
  absl::Status stale = store_->Write([&](Tx& tx) { return tx.milestones().Update(funded, 1); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ReasonOf(stale), v1::ETAG_MISMATCH);
}

TEST_F(SqliteMilestoneTest, TheAutoReleaseQueueHoldsDueSubmissionsOnly) {
  for (int i = 0; i < 4; ++i) {
    Milestone m = Make(i, i == 3 ? MilestoneState::kFunded : MilestoneState::kSubmitted);
    m.auto_release_time = kT0 + absl::Hours(i);
    ASSERT_TRUE(Insert(m).ok());
  }
  std::vector<Milestone> due;
  ASSERT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(due, tx.milestones().ListDueForAutoRelease(kT0 + absl::Hours(1), 10));
    return absl::OkStatus();
  }).ok());
  ASSERT_EQ(due.size(), 2u);  // hours 0 and 1; hour 2 is later; the funded one is not submitted
  EXPECT_EQ(due[0].id, "mst_0");
  EXPECT_EQ(due[1].id, "mst_1");
}

TEST_F(SqliteMilestoneTest, EscrowHoldingsAreTheFundedToDisputedStates) {
  const MilestoneState states[] = {MilestoneState::kPending, MilestoneState::kFunded,
                                   MilestoneState::kSubmitted, MilestoneState::kRevisionRequested,
                                   MilestoneState::kReleased, MilestoneState::kDisputed,
                                   MilestoneState::kResolved};
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(Insert(Make(i, states[i])).ok());
  std::vector<std::string> holding;
  ASSERT_TRUE(store_->Read([&](Tx& tx) {
    return tx.milestones().ForEachHoldingEscrow([&](const Milestone& m) {
      EXPECT_TRUE(HoldsEscrow(m.state)) << m.id;
      holding.push_back(m.id);
    });
  }).ok());
  EXPECT_THAT(holding, testing::UnorderedElementsAre("mst_1", "mst_2", "mst_3", "mst_5"));
}

}  // namespace
}  // namespace gigwire
