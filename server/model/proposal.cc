// Names of the open market's states; see proposal.h.
#include "server/model/proposal.h"

namespace gigwire {

const char* ProposalStateName(ProposalState state) {
  switch (state) {
    case ProposalState::kSubmitted: return "SUBMITTED";
    case ProposalState::kShortlisted: return "SHORTLISTED";
    case ProposalState::kAccepted: return "ACCEPTED";
    case ProposalState::kDeclined: return "DECLINED";
    case ProposalState::kWithdrawn: return "WITHDRAWN";
    case ProposalState::kNotSelected: return "NOT_SELECTED";
  }
  return "UNSPECIFIED";
}

bool IsLive(ProposalState state) {
  return state == ProposalState::kSubmitted || state == ProposalState::kShortlisted;
}

}  // namespace gigwire
