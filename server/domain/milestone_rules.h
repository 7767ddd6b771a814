// A milestone's lifecycle as rules (issue 15): which action each party may
// take in each state, where it leads, and which money step it posts. Pure:
// the milestone service (to come) loads the milestone, asks Transition, posts
// the ledger transaction (ledger.h) and saves the new state in one store
// transaction. The picture is in server/model/milestone.h.
//
// Who does what: the seller submits; the buyer asks for a revision or
// approves; the scheduler auto-releases a submission the buyer left alone;
// either side proposes a new milestone and the other accepts (either may
// decline or withdraw it); the buyer (or an admin confirming a bank transfer,
// or the system when a payment succeeds) funds; a PENDING milestone may be
// cancelled by either side, a FUNDED one only by the seller giving the money
// back or an admin (the buyer disputes instead); either side disputes money
// in escrow; an admin resolves.
//
// Thread safety: stateless.
#ifndef GIGWIRE_SERVER_DOMAIN_MILESTONE_RULES_H_
#define GIGWIRE_SERVER_DOMAIN_MILESTONE_RULES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/model/milestone.h"

namespace gigwire {

enum class MilestoneAction : uint8_t {
  kAcceptProposal = 1,
  kDeclineProposal = 2,
  kFund = 3,
  kSubmit = 4,
  kRequestRevision = 5,
  kApprove = 6,
  kAutoRelease = 7,
  kCancel = 8,
  kDispute = 9,
  kResolve = 10,
};
const char* MilestoneActionName(MilestoneAction action);

// Who acts: the booking's buyer or seller, an admin, or Gigwire itself (the
// scheduler, a payment that succeeded).
enum class MilestoneParty : uint8_t { kBuyer, kSeller, kAdmin, kSystem };

// The ledger transaction an action posts (ledger.h builds it).
enum class MoneyStep : uint8_t { kNone, kFund, kRelease, kRefund, kResolution };

struct MilestoneTransition {
  MilestoneState to;
  MoneyStep money = MoneyStep::kNone;
};

// Where `action` by `party` takes `milestone`. `actor_id` tells the proposer
// of a PROPOSED milestone from the other side. Errors: PERMISSION_DENIED
// (NOT_RESOURCE_OWNER) when this party never takes this action in this state
// (a buyer submitting, the proposer accepting its own proposal);
// FAILED_PRECONDITION (INVALID_STATE, metadata current_state) when the state
// does not allow the action at all.
absl::StatusOr<MilestoneTransition> Transition(const Milestone& milestone,
                                               MilestoneAction action, MilestoneParty party,
                                               absl::string_view actor_id);

// The actions `party` may take on `milestone` now, in MilestoneAction order
// (for allowed_actions).
std::vector<MilestoneAction> AllowedMilestoneActions(const Milestone& milestone,
                                                     MilestoneParty party,
                                                     absl::string_view actor_id);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_MILESTONE_RULES_H_
