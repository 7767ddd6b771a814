// A milestone's lifecycle: what each party may do in each state (checked
// against a table written out by hand), the money step of each move, and the
// errors for the rest.
#include "server/domain/milestone_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "absl/strings/str_join.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using State = MilestoneState;
using Party = MilestoneParty;

Milestone InState(State state, std::string proposed_by = "") {
  Milestone milestone;
  milestone.id = "mst_1";
  milestone.state = state;
  milestone.proposed_by = std::move(proposed_by);
  return milestone;
}

std::string Allowed(const Milestone& milestone, Party party, const char* actor) {
  std::vector<std::string> names;
  for (MilestoneAction action : AllowedMilestoneActions(milestone, party, actor)) {
    names.push_back(MilestoneActionName(action));
  }
  return absl::StrJoin(names, " ");
}

TEST(MilestoneRulesTest, EachPartyMayDoWhatTheTableSays) {
  // state -> {buyer, seller, admin, system}; the buyer is "usr_b", the seller "usr_s".
  const std::map<State, std::array<const char*, 4>> expected = {
      {State::kPending, {"fund cancel", "cancel", "fund cancel", "fund"}},
      {State::kFunded, {"dispute", "submit cancel dispute", "cancel", ""}},
      {State::kSubmitted, {"request_revision approve dispute", "dispute", "", "auto_release"}},
      {State::kRevisionRequested, {"dispute", "submit dispute", "", ""}},
      {State::kDisputed, {"", "", "resolve", ""}},
      {State::kReleased, {"", "", "", ""}},
      {State::kCancelled, {"", "", "", ""}},
      {State::kResolved, {"", "", "", ""}},
  };
  const char* actors[] = {"usr_b", "usr_s", "usr_admin", ""};
  for (const auto& [state, row] : expected) {
    for (int p = 0; p < 4; ++p) {
      EXPECT_EQ(Allowed(InState(state), static_cast<Party>(p), actors[p]), row[p])
          << MilestoneStateName(state) << " party " << p;
    }
  }
}

TEST(MilestoneRulesTest, AProposalIsAcceptedByTheOtherSideOnly) {
  const Milestone proposed = InState(State::kProposed, /*proposed_by=*/"usr_s");
  EXPECT_EQ(Allowed(proposed, Party::kBuyer, "usr_b"), "accept decline");
  EXPECT_EQ(Allowed(proposed, Party::kSeller, "usr_s"), "decline");  // withdraw
  EXPECT_EQ(Allowed(proposed, Party::kAdmin, "usr_admin"), "decline");
  absl::StatusOr<MilestoneTransition> own =
      Transition(proposed, MilestoneAction::kAcceptProposal, Party::kSeller, "usr_s");
  EXPECT_EQ(own.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Transition(proposed, MilestoneAction::kAcceptProposal, Party::kBuyer, "usr_b")->to,
            State::kPending);
}

TEST(MilestoneRulesTest, MovesPostTheirMoneySteps) {
  struct Case {
    State from;
    MilestoneAction action;
    Party party;
    State to;
    MoneyStep money;
  };
  const Case cases[] = {
      {State::kPending, MilestoneAction::kFund, Party::kAdmin, State::kFunded, MoneyStep::kFund},
      {State::kPending, MilestoneAction::kCancel, Party::kBuyer, State::kCancelled, MoneyStep::kNone},
      {State::kFunded, MilestoneAction::kCancel, Party::kSeller, State::kCancelled, MoneyStep::kRefund},
      {State::kFunded, MilestoneAction::kSubmit, Party::kSeller, State::kSubmitted, MoneyStep::kNone},
      {State::kSubmitted, MilestoneAction::kApprove, Party::kBuyer, State::kReleased, MoneyStep::kRelease},
      {State::kSubmitted, MilestoneAction::kAutoRelease, Party::kSystem, State::kReleased,
       MoneyStep::kRelease},
      {State::kRevisionRequested, MilestoneAction::kSubmit, Party::kSeller, State::kSubmitted,
       MoneyStep::kNone},
      {State::kSubmitted, MilestoneAction::kDispute, Party::kBuyer, State::kDisputed, MoneyStep::kNone},
      {State::kDisputed, MilestoneAction::kResolve, Party::kAdmin, State::kResolved,
       MoneyStep::kResolution},
  };
  for (const Case& c : cases) {
    absl::StatusOr<MilestoneTransition> moved = Transition(InState(c.from), c.action, c.party, "x");
    ASSERT_TRUE(moved.ok()) << MilestoneActionName(c.action) << ": " << moved.status();
    EXPECT_EQ(moved->to, c.to) << MilestoneActionName(c.action);
    EXPECT_EQ(moved->money, c.money) << MilestoneActionName(c.action);
  }
}

TEST(MilestoneRulesTest, TheWrongPartyIsDeniedAndTheWrongStateNamed) {
  absl::StatusOr<MilestoneTransition> buyer_submits =
      Transition(InState(State::kFunded), MilestoneAction::kSubmit, Party::kBuyer, "usr_b");
  EXPECT_EQ(buyer_submits.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(buyer_submits.status()), v1::NOT_RESOURCE_OWNER);
  absl::StatusOr<MilestoneTransition> buyer_takes_back =
      Transition(InState(State::kFunded), MilestoneAction::kCancel, Party::kBuyer, "usr_b");
  EXPECT_EQ(buyer_takes_back.status().code(), absl::StatusCode::kPermissionDenied);
  for (State released : {State::kReleased, State::kResolved, State::kCancelled}) {
    absl::StatusOr<MilestoneTransition> twice =
        Transition(InState(released), MilestoneAction::kApprove, Party::kBuyer, "usr_b");
    EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ReasonOf(twice.status()), v1::INVALID_STATE);
    EXPECT_EQ(ErrorDetailsOf(twice.status()).metadata().at("current_state"),
              MilestoneStateName(released));
  }
}

TEST(MilestoneStateTest, EscrowIsHeldExactlyBetweenFundingAndTheEnd) {
  EXPECT_FALSE(HoldsEscrow(State::kProposed));
  EXPECT_FALSE(HoldsEscrow(State::kPending));
  EXPECT_TRUE(HoldsEscrow(State::kFunded));
  EXPECT_TRUE(HoldsEscrow(State::kSubmitted));
  EXPECT_TRUE(HoldsEscrow(State::kRevisionRequested));
  EXPECT_TRUE(HoldsEscrow(State::kDisputed));
  for (State done : {State::kReleased, State::kCancelled, State::kResolved}) {
    EXPECT_FALSE(HoldsEscrow(done));
    EXPECT_TRUE(IsFinal(done));
  }
}

}  // namespace
}  // namespace gigwire
