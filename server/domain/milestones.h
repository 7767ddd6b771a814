// Bookings' milestones (issue 15): what a new booking starts with, and the
// parties' actions on them (MilestoneService). Every way of booking (an
// accepted offer, an accepted proposal, a gig order) calls
// InsertInitialMilestones in the transaction that inserts the booking, so no
// booking exists without its milestones. The lifecycle is in
// milestone_rules.h; every move goes through MilestoneMover
// (milestone_moves.h), which posts the ledger in the same transaction.
// Funding is a payment (payments.h); disputes are disputes.h.
//
// Visibility: a milestone is visible to its booking's buyer, seller and
// admins (NOT_FOUND to everyone else).
// Thread safety: Milestones is thread-safe; dependencies must outlive it.
#ifndef GIGWIRE_SERVER_DOMAIN_MILESTONES_H_
#define GIGWIRE_SERVER_DOMAIN_MILESTONES_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/domain/idempotency.h"
#include "server/domain/milestone_moves.h"
#include "server/model/marketplace.h"
#include "server/model/milestone.h"
#include "server/store/store.h"

namespace gigwire {

// One PENDING milestone per step of the booking's plan (due its due_in_days
// after the booking was made), or one for the whole price (due with the
// booking) when there is no plan; none for a booking priced at zero.
std::vector<Milestone> InitialMilestones(const Booking& booking);

// Inserts InitialMilestones(booking). Errors: the store's.
absl::Status InsertInitialMilestones(Tx& tx, const Booking& booking);

// A milestone one side proposes (ProposeMilestone).
struct MilestoneProposal {
  std::string booking_id;
  std::string title;
  Money amount;
  absl::Time due_time;
};

class Milestones {
 public:
  Milestones(Store& store, const MilestoneMover& mover) : store_(store), mover_(mover) {}

  // The booking's milestones by position. Errors: NOT_FOUND for a booking
  // the caller may not see.
  absl::StatusOr<std::vector<Milestone>> List(const Principal& caller,
                                              const std::string& booking_id);
  absl::StatusOr<Milestone> Get(const Principal& caller, const std::string& id);
  // A PROPOSED milestone at the end of an ACTIVE or DELIVERED booking.
  // Errors: INVALID_ARGUMENT (title 1..120, amount > 0, due_time in the
  // future; AMOUNT_MISMATCH for another currency, or when the contract's
  // total would overflow); PERMISSION_DENIED (NOT_RESOURCE_OWNER) for an
  // admin who is not a party; FAILED_PRECONDITION (INVALID_STATE).
  absl::StatusOr<Milestone> Propose(const Principal& caller, const MilestoneProposal& proposal,
                                    const RequestKey& key);
  absl::StatusOr<Milestone> Accept(const Principal& caller, const std::string& id,
                                   const RequestKey& key);
  absl::StatusOr<Milestone> Decline(const Principal& caller, const std::string& id,
                                    const RequestKey& key);
  // Errors also: INVALID_ARGUMENT (note 1..2000 characters). Submit
  // attaches `attachment_ids` (the seller's own unattached files, at most 10
  // per milestone) to the milestone (kind MILESTONE) in the same
  // transaction: INVALID_ARGUMENT (attachment_ids), NOT_FOUND for a file
  // that is not the caller's, FAILED_PRECONDITION (INVALID_STATE) for one
  // attached already (see file_access.h).
  absl::StatusOr<Milestone> Submit(const Principal& caller, const std::string& id,
                                   const std::string& note, const RequestKey& key,
                                   const std::vector<std::string>& attachment_ids = {});
  absl::StatusOr<Milestone> RequestRevision(const Principal& caller, const std::string& id,
                                            const std::string& note, const RequestKey& key);
  absl::StatusOr<Milestone> Approve(const Principal& caller, const std::string& id,
                                    const RequestKey& key);
  // Errors also: INVALID_ARGUMENT (reason 1..500 characters);
  // FAILED_PRECONDITION (PAYMENT_PENDING) while a payment for it is under
  // way (cancel the payment first). An admin's cancel is audited.
  absl::StatusOr<Milestone> Cancel(const Principal& caller, const std::string& id,
                                   const std::string& reason, const RequestKey& key);

  // The scheduler's step: releases every SUBMITTED milestone whose
  // auto-release time is at or before `now` (MILESTONE_RELEASED, actor
  // "system"), each in its own transaction, at most `limit` per call;
  // returns how many, or the first error after trying every one. One the
  // buyer acted on meanwhile is left alone.
  absl::StatusOr<int> AutoReleaseDue(absl::Time now, int limit = 500);

 private:
  // Loads the visible milestone, applies `action` as the caller's party.
  absl::StatusOr<Milestone> Move(const Principal& caller, const std::string& id,
                                 MilestoneAction action, const MoveInput& input,
                                 const RequestKey& key);
  Store& store_;
  const MilestoneMover& mover_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_MILESTONES_H_
