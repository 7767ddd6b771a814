// Every way of booking starts the booking's milestones in the same
// transaction: an accepted offer and a gig order one for the whole price, an
// accepted proposal one per step of its plan.
#include "server/domain/milestones.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using testutil::NoKey;
using testutil::ValueOrFail;

class InitialMilestonesTest : public testutil::MarketplaceTest {
 protected:
  std::vector<Milestone> MilestonesOf(const std::string& booking_id) {
    return ReadOrFail<std::vector<Milestone>>(
        [&](Tx& tx) { return tx.milestones().ListByBooking(booking_id); }, "listing milestones");
  }
};

TEST_F(InitialMilestonesTest, AnAcceptedOfferHasOneMilestoneForTheWholePrice) {
  Booking booking = ActiveBooking(buyer_, seller_);
  std::vector<Milestone> milestones = MilestonesOf(booking.id);
  ASSERT_EQ(milestones.size(), 1u);
  EXPECT_EQ(milestones[0].amount, booking.price);
  EXPECT_EQ(milestones[0].title, booking.job_title);
  EXPECT_EQ(milestones[0].due_time, booking.due_time);
  EXPECT_EQ(milestones[0].state, MilestoneState::kPending);
  EXPECT_EQ(milestones[0].position, 0);
}

TEST_F(InitialMilestonesTest, AnAcceptedProposalHasItsPlan) {
  Job project = OpenProject(buyer_);
  ProposalDraft draft = Bid(30'000, 10);
  draft.milestones = {{"Wireframes", {"USD", 10'000}, 3}, {"Build", {"USD", 20'000}, 10}};
  Proposal proposal = SubmitBid(seller_, project.id, draft);
  Proposal accepted = ValueOrFail(proposals_->Accept(buyer_, proposal.id, NoKey()), "accepting");
  Booking booking = StoredBooking(accepted.booking_id);
  std::vector<Milestone> milestones = MilestonesOf(booking.id);
  ASSERT_EQ(milestones.size(), 2u);
  EXPECT_EQ(milestones[0].title, "Wireframes");
  EXPECT_EQ(milestones[0].amount, (Money{"USD", 10'000}));
  EXPECT_EQ(milestones[0].due_time, booking.create_time + absl::Hours(24 * 3));
  EXPECT_EQ(milestones[1].title, "Build");
  EXPECT_EQ(milestones[1].due_time, booking.create_time + absl::Hours(24 * 10));
  for (const Milestone& m : milestones) EXPECT_EQ(m.state, MilestoneState::kPending);
}

TEST(InitialMilestonesRuleTest, AFreeBookingHasNone) {
  Booking booking;
  booking.id = "bkg_1";
  booking.price = {"USD", 0};
  EXPECT_TRUE(InitialMilestones(booking).empty());
}

}  // namespace
}  // namespace gigwire
