// Milestone state names; see milestone.h.
#include "server/model/milestone.h"

namespace gigwire {

const char* MilestoneStateName(MilestoneState state) {
  switch (state) {
    case MilestoneState::kProposed: return "PROPOSED";
    case MilestoneState::kPending: return "PENDING";
    case MilestoneState::kFunded: return "FUNDED";
    case MilestoneState::kSubmitted: return "SUBMITTED";
    case MilestoneState::kRevisionRequested: return "REVISION_REQUESTED";
    case MilestoneState::kReleased: return "RELEASED";
    case MilestoneState::kCancelled: return "CANCELLED";
    case MilestoneState::kDisputed: return "DISPUTED";
    case MilestoneState::kResolved: return "RESOLVED";
  }
  return "UNKNOWN";
}

bool IsFinal(MilestoneState state) {
  return state == MilestoneState::kReleased || state == MilestoneState::kCancelled ||
         state == MilestoneState::kResolved;
}

bool HoldsEscrow(MilestoneState state) {
  return state == MilestoneState::kFunded || state == MilestoneState::kSubmitted ||
         state == MilestoneState::kRevisionRequested || state == MilestoneState::kDisputed;
}

}  // namespace gigwire
