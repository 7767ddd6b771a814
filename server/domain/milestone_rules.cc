// A milestone's lifecycle rules; see milestone_rules.h.
#include "server/domain/milestone_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using State = MilestoneState;
using Action = MilestoneAction;
using Party = MilestoneParty;

// One allowed move: from a state, an action leads to a state and a money step.
struct Rule {
  State from;
  Action action;
  State to;
  MoneyStep money;
};

constexpr Rule kRules[] = {
    {State::kProposed, Action::kAcceptProposal, State::kPending, MoneyStep::kNone},
    {State::kProposed, Action::kDeclineProposal, State::kCancelled, MoneyStep::kNone},
    {State::kPending, Action::kFund, State::kFunded, MoneyStep::kFund},
    {State::kPending, Action::kCancel, State::kCancelled, MoneyStep::kNone},
    {State::kFunded, Action::kSubmit, State::kSubmitted, MoneyStep::kNone},
    {State::kFunded, Action::kCancel, State::kCancelled, MoneyStep::kRefund},
    {State::kFunded, Action::kDispute, State::kDisputed, MoneyStep::kNone},
    {State::kSubmitted, Action::kRequestRevision, State::kRevisionRequested, MoneyStep::kNone},
    {State::kSubmitted, Action::kApprove, State::kReleased, MoneyStep::kRelease},
    {State::kSubmitted, Action::kAutoRelease, State::kReleased, MoneyStep::kRelease},
    {State::kSubmitted, Action::kDispute, State::kDisputed, MoneyStep::kNone},
    {State::kRevisionRequested, Action::kSubmit, State::kSubmitted, MoneyStep::kNone},
    {State::kRevisionRequested, Action::kDispute, State::kDisputed, MoneyStep::kNone},
    {State::kDisputed, Action::kResolve, State::kResolved, MoneyStep::kResolution},
};

// Whether `party` takes `action` from `from` (given the rule exists).
bool PartyMay(const Milestone& milestone, Action action, Party party, absl::string_view actor) {
  const bool side = party == Party::kBuyer || party == Party::kSeller;
  switch (action) {
    case Action::kAcceptProposal: return side && actor != milestone.proposed_by;
    case Action::kDeclineProposal: return side || party == Party::kAdmin;
    case Action::kFund: return party != Party::kSeller;
    case Action::kSubmit: return party == Party::kSeller;
    case Action::kRequestRevision:
    case Action::kApprove: return party == Party::kBuyer;
    case Action::kAutoRelease: return party == Party::kSystem;
    case Action::kCancel:
      return milestone.state == State::kPending ? party != Party::kSystem
                                                : party == Party::kSeller || party == Party::kAdmin;
    case Action::kDispute: return side;
    case Action::kResolve: return party == Party::kAdmin;
  }
  return false;
}

const Rule* FindRule(State from, Action action) {
  for (const Rule& rule : kRules) {
    if (rule.from == from && rule.action == action) return &rule;
  }
  return nullptr;
}

}  // namespace

const char* MilestoneActionName(MilestoneAction action) {
  switch (action) {
    case Action::kAcceptProposal: return "accept";
    case Action::kDeclineProposal: return "decline";
    case Action::kFund: return "fund";
    case Action::kSubmit: return "submit";
    case Action::kRequestRevision: return "request_revision";
    case Action::kApprove: return "approve";
    case Action::kAutoRelease: return "auto_release";
    case Action::kCancel: return "cancel";
    case Action::kDispute: return "dispute";
    case Action::kResolve: return "resolve";
  }
  return "unknown";
}

absl::StatusOr<MilestoneTransition> Transition(const Milestone& milestone,
                                               MilestoneAction action, MilestoneParty party,
                                               absl::string_view actor_id) {
  const Rule* rule = FindRule(milestone.state, action);
  if (rule == nullptr) {
    return InvalidState(absl::StrCat("'", MilestoneActionName(action), "' is not possible on a ",
                                     MilestoneStateName(milestone.state), " milestone"),
                        MilestoneStateName(milestone.state));
  }
  if (!PartyMay(milestone, action, party, actor_id)) {
    return NotOwner(absl::StrCat("you may not ", MilestoneActionName(action), " this ",
                                 MilestoneStateName(milestone.state), " milestone"));
  }
  return MilestoneTransition{rule->to, rule->money};
}

std::vector<MilestoneAction> AllowedMilestoneActions(const Milestone& milestone,
                                                     MilestoneParty party,
                                                     absl::string_view actor_id) {
  std::vector<MilestoneAction> allowed;
  for (const Rule& rule : kRules) {
    if (rule.from == milestone.state && PartyMay(milestone, rule.action, party, actor_id)) {
      allowed.push_back(rule.action);
    }
  }
  std::sort(allowed.begin(), allowed.end());
  return allowed;
}

}  // namespace gigwire
