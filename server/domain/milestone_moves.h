// How a milestone moves and moves money (issue 15): the one place where a
// milestone's state change, its ledger transaction, its event and the
// booking's completion are written together, in the caller's store
// transaction. Every path that changes a milestone goes through
// MilestoneMover::Apply: the milestone service (parties' actions), payments
// (a succeeded payment funds), disputes (open, resolve) and the scheduler
// (auto-release). So a milestone's state and the ledger never disagree, and
// a rolled-back transaction leaves neither changed.
//
// Thread safety: MilestoneMover is immutable and thread-safe; the functions
// are stateless. Dependencies must outlive the mover.
#ifndef GIGWIRE_SERVER_DOMAIN_MILESTONE_MOVES_H_
#define GIGWIRE_SERVER_DOMAIN_MILESTONE_MOVES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/milestone_rules.h"
#include "server/domain/outbox.h"
#include "server/model/marketplace.h"
#include "server/model/milestone.h"
#include "server/store/store.h"

namespace gigwire {

// gigwired's money flags.
struct MoneySettings {
  // The platform's fee on released money, in basis points (0..10000):
  // --platform-fee-bps.
  int32_t platform_fee_bps = 0;
  // A SUBMITTED milestone is released this long after its submission unless
  // the buyer acts: --auto-release-days.
  absl::Duration auto_release_after = absl::Hours(24 * 14);
};

// What some actions need besides the action itself.
struct MoveInput {
  std::string note;        // submit, request revision
  // submit: the seller's own unattached files, attached to the milestone
  // (kind MILESTONE) by Milestones::Move in the same transaction.
  std::vector<std::string> attachment_ids;
  std::string reason;      // cancel, decline
  std::string payment_id;  // fund: the payment that succeeded
  std::string dispute_id;  // dispute
  int64_t to_seller_minor = 0;  // resolve: the seller's part, before the fee
  int64_t refunded_minor = 0;   // resolve: back to the buyer
};

class MilestoneMover {
 public:
  MilestoneMover(const Clock& clock, const Outbox& outbox, MoneySettings settings)
      : clock_(clock), outbox_(outbox), settings_(settings) {}

  // Moves `milestone` (as read in `tx`, of `booking`) by `action` of `party`
  // (`actor_id` acting: a user id, or kSystemActor): checks Transition,
  // posts the money step's ledger transaction, saves the milestone, records
  // its MILESTONE_* event, and completes the booking once every milestone is
  // final (COMPLETED when money reached the seller, else CANCELLED with its
  // job released). Returns the milestone as saved, parties filled.
  // Errors: Transition's; INVALID_ARGUMENT (AMOUNT_MISMATCH) for resolution
  // parts that do not add up to the amount; the ledger's
  // (INSUFFICIENT_FUNDS, OUT_OF_RANGE); ABORTED when it changed meanwhile.
  absl::StatusOr<Milestone> Apply(Tx& tx, Milestone milestone, const Booking& booking,
                                  MilestoneAction action, MilestoneParty party,
                                  const std::string& actor_id, const MoveInput& input) const;

  const MoneySettings& settings() const { return settings_; }
  const Outbox& outbox() const { return outbox_; }
  const Clock& clock() const { return clock_; }

 private:
  absl::Status PostMoney(Tx& tx, MoneyStep step, Milestone& milestone, const Booking& booking,
                         const std::string& actor_id, const MoveInput& input,
                         absl::Time now) const;
  absl::Status FinishBookingIfDone(Tx& tx, const Booking& booking, const std::string& actor_id,
                                   absl::Time now) const;

  const Clock& clock_;
  const Outbox& outbox_;
  const MoneySettings settings_;
};

// The event a move records.
EventType MilestoneEventOf(MilestoneAction action);

// The caller's side of `booking`: buyer, seller, or admin (an admin who is
// also a party acts as that party). NOT_FOUND (naming `what`) for anyone
// else.
absl::StatusOr<MilestoneParty> PartyOf(const Principal& caller, const Booking& booking,
                                       absl::string_view what);

// A milestone the caller may see (its booking's parties, admins) with its
// booking; parties filled. NOT_FOUND otherwise; INVALID_ARGUMENT for an
// empty id.
absl::StatusOr<std::pair<Milestone, Booking>> LoadVisibleMilestone(Tx& tx,
                                                                   const Principal& caller,
                                                                   const std::string& id);

// Copies the booking's parties into the milestone.
void FillParties(Milestone& milestone, const Booking& booking);

// The actions `viewer` may take on `milestone` now, as API names ("fund",
// "approve", ...; "dispute" only where a dispute may be opened).
std::vector<std::string> MilestoneActions(const Principal& viewer, const Milestone& milestone);

// Where `booking`'s money is, from its milestones and the ledger.
absl::StatusOr<BookingMoney> BookingMoneyOf(Tx& tx, const Booking& booking);

// Fills booking.money. Errors: the store's.
absl::Status FillBookingMoney(Tx& tx, Booking& booking);

// For a booking being completed or cancelled as a whole: FAILED_PRECONDITION
// (ESCROW_HELD, metadata milestone_id) when one of its milestones holds
// escrow or has a payment under way; otherwise cancels every other milestone
// that is not final (MILESTONE_CANCELLED with `reason`, no money moves).
absl::Status CloseOpenMilestones(Tx& tx, const Outbox& outbox, const Booking& booking,
                                 const std::string& actor_id, const std::string& reason,
                                 absl::Time now);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_MILESTONE_MOVES_H_
