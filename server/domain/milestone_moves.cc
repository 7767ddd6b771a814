// Milestone moves and the money they move; see milestone_moves.h.
#include "server/domain/milestone_moves.h"

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/bookings.h"
#include "server/domain/ledger.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

using Action = MilestoneAction;

// The ledger transaction of `step` for `milestone`.
absl::StatusOr<LedgerTransaction> BuildMoney(MoneyStep step, const Milestone& m,
                                             const Booking& booking, const MoveInput& input,
                                             int32_t fee_bps) {
  const std::string& currency = m.amount.currency_code;
  switch (step) {
    case MoneyStep::kFund: return FundTransaction(booking.id, m.id, m.amount);
    case MoneyStep::kRelease:
      return ReleaseTransaction(booking.id, m.id, booking.seller_id, m.amount, fee_bps);
    case MoneyStep::kRefund: return RefundTransaction(booking.id, m.id, m.amount);
    case MoneyStep::kResolution:
      return ResolutionTransaction(booking.id, m.id, booking.seller_id,
                                   Money{currency, input.to_seller_minor},
                                   Money{currency, input.refunded_minor}, fee_bps);
    case MoneyStep::kNone: break;
  }
  return Internal("no money step");
}

absl::Status CheckResolutionParts(const Milestone& m, const MoveInput& input) {
  int64_t sum = 0;
  if (input.to_seller_minor < 0 || input.refunded_minor < 0 ||
      __builtin_add_overflow(input.to_seller_minor, input.refunded_minor, &sum) ||
      sum != m.amount.amount_minor) {
    return AmountMismatch(
        absl::StrCat("to_seller + refunded must equal the ", m.amount.amount_minor, " ",
                     m.amount.currency_code, " minor units in escrow"),
        {{"expected_minor", absl::StrCat(m.amount.amount_minor)},
         {"given_minor", absl::StrCat(input.to_seller_minor, "+", input.refunded_minor)}});
  }
  return absl::OkStatus();
}

// The state-specific fields an action sets besides the state.
void NoteMove(Milestone& m, Action action, const MoveInput& input, absl::Time now,
              absl::Duration auto_release_after) {
  switch (action) {
    case Action::kSubmit:
      m.submission_note = input.note;
      m.auto_release_time = now + auto_release_after;
      return;
    case Action::kRequestRevision:
      m.revision_note = input.note;
      ++m.revision_count;
      m.auto_release_time.reset();
      return;
    case Action::kFund: m.payment_id = input.payment_id; return;
    case Action::kDispute:
      m.dispute_id = input.dispute_id;
      m.auto_release_time.reset();
      return;
    case Action::kCancel:
    case Action::kDeclineProposal: m.cancel_reason = input.reason; return;
    default: m.auto_release_time.reset(); return;
  }
}

}  // namespace

EventType MilestoneEventOf(MilestoneAction action) {
  switch (action) {
    case Action::kAcceptProposal: return EventType::kMilestoneAccepted;
    case Action::kDeclineProposal: return EventType::kMilestoneDeclined;
    case Action::kFund: return EventType::kMilestoneFunded;
    case Action::kSubmit: return EventType::kMilestoneSubmitted;
    case Action::kRequestRevision: return EventType::kMilestoneRevisionRequested;
    case Action::kApprove:
    case Action::kAutoRelease: return EventType::kMilestoneReleased;
    case Action::kCancel: return EventType::kMilestoneCancelled;
    case Action::kDispute: return EventType::kMilestoneDisputed;
    case Action::kResolve: return EventType::kMilestoneResolved;
  }
  return EventType::kMilestoneAccepted;
}

absl::StatusOr<Milestone> MilestoneMover::Apply(Tx& tx, Milestone milestone,
                                                const Booking& booking, MilestoneAction action,
                                                MilestoneParty party,
                                                const std::string& actor_id,
                                                const MoveInput& input) const {
  GW_ASSIGN_OR_RETURN(const MilestoneTransition move,
                      Transition(milestone, action, party, actor_id));
  if (move.money == MoneyStep::kResolution) {
    GW_RETURN_IF_ERROR(CheckResolutionParts(milestone, input));
  }
  const absl::Time now = clock_.Now();
  GW_RETURN_IF_ERROR(PostMoney(tx, move.money, milestone, booking, actor_id, input, now));
  milestone.state = move.to;
  NoteMove(milestone, action, input, now, settings_.auto_release_after);
  GW_RETURN_IF_ERROR(SaveNextVersion(tx.milestones(), milestone, now));
  GW_RETURN_IF_ERROR(outbox_.Record(tx, MilestoneEventOf(action), actor_id, now, milestone));
  if (IsFinal(milestone.state)) {
    GW_RETURN_IF_ERROR(FinishBookingIfDone(tx, booking, actor_id, now));
  }
  FillParties(milestone, booking);
  return milestone;
}

absl::Status MilestoneMover::PostMoney(Tx& tx, MoneyStep step, Milestone& milestone,
                                       const Booking& booking, const std::string& actor_id,
                                       const MoveInput& input, absl::Time now) const {
  if (step == MoneyStep::kNone) return absl::OkStatus();
  GW_ASSIGN_OR_RETURN(LedgerTransaction money,
                      BuildMoney(step, milestone, booking, input, settings_.platform_fee_bps));
  money.id = NewId("ltx");
  money.actor_id = actor_id;
  money.create_time = now;
  GW_RETURN_IF_ERROR(tx.ledger().Append(money));
  if (step == MoneyStep::kRelease) milestone.released_minor = milestone.amount.amount_minor;
  if (step == MoneyStep::kRefund) milestone.refunded_minor = milestone.amount.amount_minor;
  if (step == MoneyStep::kResolution) {
    milestone.released_minor = input.to_seller_minor;
    milestone.refunded_minor = input.refunded_minor;
  }
  return absl::OkStatus();
}

absl::Status MilestoneMover::FinishBookingIfDone(Tx& tx, const Booking& read,
                                                 const std::string& actor_id,
                                                 absl::Time now) const {
  GW_ASSIGN_OR_RETURN(std::vector<Milestone> all, tx.milestones().ListByBooking(read.id));
  bool paid_seller = false;
  for (const Milestone& m : all) {
    if (!IsFinal(m.state)) return absl::OkStatus();
    paid_seller = paid_seller || m.released_minor > 0;
  }
  GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(read.id));
  if (booking.state != BookingState::kActive && booking.state != BookingState::kDelivered) {
    return absl::OkStatus();
  }
  if (paid_seller) {
    booking.state = BookingState::kCompleted;
    booking.complete_time = now;
    GW_RETURN_IF_ERROR(tx.users().IncrementCompletedBookings(booking.seller_id));
  } else {
    booking.state = BookingState::kCancelled;
    booking.cancel_reason = "every milestone was cancelled";
  }
  GW_RETURN_IF_ERROR(SaveNextVersion(tx.bookings(), booking, now));
  const EventType type =
      paid_seller ? EventType::kBookingCompleted : EventType::kBookingCancelled;
  GW_RETURN_IF_ERROR(outbox_.Record(tx, type, actor_id, now, booking));
  if (paid_seller) return absl::OkStatus();
  return ReleaseJobOfBooking(tx, outbox_, now, actor_id, booking, booking.cancel_reason,
                             /*cancel_job=*/false);
}

absl::StatusOr<MilestoneParty> PartyOf(const Principal& caller, const Booking& booking,
                                       absl::string_view what) {
  if (caller.user_id == booking.buyer_id) return MilestoneParty::kBuyer;
  if (caller.user_id == booking.seller_id) return MilestoneParty::kSeller;
  if (caller.Has(Role::kAdmin)) return MilestoneParty::kAdmin;
  return NotFound(what);
}

void FillParties(Milestone& milestone, const Booking& booking) {
  milestone.buyer_id = booking.buyer_id;
  milestone.seller_id = booking.seller_id;
}

absl::StatusOr<std::pair<Milestone, Booking>> LoadVisibleMilestone(Tx& tx,
                                                                   const Principal& caller,
                                                                   const std::string& id) {
  const std::string what = absl::StrCat("milestone ", id);
  if (!HasIdShape(id, "mst")) return id.empty() ? InvalidField("id", "is required") : NotFound(what);
  GW_ASSIGN_OR_RETURN(Milestone milestone, tx.milestones().FindById(id));
  GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(milestone.booking_id));
  GW_RETURN_IF_ERROR(PartyOf(caller, booking, what).status());
  FillParties(milestone, booking);
  return std::make_pair(std::move(milestone), std::move(booking));
}

std::vector<std::string> MilestoneActions(const Principal& viewer, const Milestone& milestone) {
  Booking parties;
  parties.buyer_id = milestone.buyer_id;
  parties.seller_id = milestone.seller_id;
  absl::StatusOr<MilestoneParty> party = PartyOf(viewer, parties, "");
  std::vector<std::string> names;
  if (!party.ok()) return names;
  for (MilestoneAction action : AllowedMilestoneActions(milestone, *party, viewer.user_id)) {
    // Funding is the buyer's payment (admins confirm payments instead);
    // auto-release is the scheduler's; resolve happens on the dispute.
    if (action == Action::kFund && *party != MilestoneParty::kBuyer) continue;
    if (action == Action::kAutoRelease || action == Action::kResolve) continue;
    names.push_back(MilestoneActionName(action));
  }
  return names;
}

absl::StatusOr<BookingMoney> BookingMoneyOf(Tx& tx, const Booking& booking) {
  BookingMoney money;
  money.currency_code = booking.price.currency_code;
  GW_ASSIGN_OR_RETURN(std::vector<Milestone> all, tx.milestones().ListByBooking(booking.id));
  for (const Milestone& m : all) {
    if (money.currency_code.empty()) money.currency_code = m.amount.currency_code;
    ++money.milestone_count;
    if (IsFinal(m.state)) ++money.milestones_final;
    if (m.state != MilestoneState::kCancelled && m.state != MilestoneState::kProposed) {
      money.contract_total += m.amount.amount_minor;  // bounded: each insert checks the sum
    }
  }
  if (money.currency_code.empty()) return money;
  GW_ASSIGN_OR_RETURN(BookingLedgerTotals totals,
                      tx.ledger().TotalsOfBooking(booking.id, money.currency_code));
  money.funded = totals.funded;
  money.in_escrow = totals.in_escrow;
  money.released = totals.released_to_seller + totals.platform_fees;
  money.platform_fees = totals.platform_fees;
  money.refunded = totals.refunded;
  return money;
}

absl::Status FillBookingMoney(Tx& tx, Booking& booking) {
  GW_ASSIGN_OR_RETURN(BookingMoney money, BookingMoneyOf(tx, booking));
  booking.money = std::move(money);
  return absl::OkStatus();
}

absl::Status CloseOpenMilestones(Tx& tx, const Outbox& outbox, const Booking& booking,
                                 const std::string& actor_id, const std::string& reason,
                                 absl::Time now) {
  GW_ASSIGN_OR_RETURN(std::vector<Milestone> all, tx.milestones().ListByBooking(booking.id));
  for (const Milestone& m : all) {
    if (HoldsEscrow(m.state)) {
      return EscrowHeld(m.id, absl::StrCat("milestone ", m.id, " holds money in escrow (",
                                           MilestoneStateName(m.state),
                                           "): approve, cancel or dispute it first"));
    }
    absl::StatusOr<Payment> pending = tx.payments().FindPendingForMilestone(m.id);
    if (pending.ok()) return PaymentPending(pending->id);
    if (!absl::IsNotFound(pending.status())) return pending.status();
  }
  for (Milestone m : all) {
    if (IsFinal(m.state)) continue;
    m.state = MilestoneState::kCancelled;
    m.cancel_reason = reason;
    GW_RETURN_IF_ERROR(SaveNextVersion(tx.milestones(), m, now));
    GW_RETURN_IF_ERROR(outbox.Record(tx, EventType::kMilestoneCancelled, actor_id, now, m));
  }
  return absl::OkStatus();
}

}  // namespace gigwire
