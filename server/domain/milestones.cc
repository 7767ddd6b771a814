// A new booking's milestones; see milestones.h.
#include "server/domain/milestones.h"

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/audit.h"
#include "server/domain/bookings.h"
#include "server/domain/file_access.h"
#include "server/domain/money.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"
#include "server/model/currency.h"

namespace gigwire {
namespace {

Milestone NewMilestone(const Booking& booking, int32_t position, std::string title,
                       Money amount, absl::Time due_time) {
  Milestone milestone;
  milestone.id = NewId("mst");
  milestone.booking_id = booking.id;
  milestone.position = position;
  milestone.title = std::move(title);
  milestone.amount = std::move(amount);
  milestone.due_time = due_time;
  milestone.state = MilestoneState::kPending;
  milestone.create_time = milestone.update_time = booking.create_time;
  return milestone;
}

}  // namespace

std::vector<Milestone> InitialMilestones(const Booking& booking) {
  std::vector<Milestone> milestones;
  if (booking.milestones.empty()) {
    if (booking.price.amount_minor > 0) {
      milestones.push_back(
          NewMilestone(booking, 0, booking.job_title, booking.price, booking.due_time));
    }
    return milestones;
  }
  for (size_t i = 0; i < booking.milestones.size(); ++i) {
    const PlannedMilestone& step = booking.milestones[i];
    milestones.push_back(NewMilestone(booking, static_cast<int32_t>(i), step.title, step.amount,
                                      booking.create_time + absl::Hours(24) * step.due_in_days));
  }
  return milestones;
}

absl::Status InsertInitialMilestones(Tx& tx, const Booking& booking) {
  for (const Milestone& milestone : InitialMilestones(booking)) {
    GW_RETURN_IF_ERROR(tx.milestones().Insert(milestone));
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckNoteText(absl::string_view field, absl::string_view text, size_t max) {
  Violations v;
  CheckText(field, text, 1, max, true, v);
  return v.ToStatus();
}

absl::Status CheckProposal(const MilestoneProposal& p, absl::Time now) {
  Violations v;
  if (p.booking_id.empty()) v.Add("booking_id", "is required");
  CheckText("title", p.title, 1, 120, false, v);
  CheckMoney("amount", p.amount, v);
  if (p.amount.amount_minor <= 0) v.Add("amount", "must be more than zero");
  if (!IsKnownCurrency(p.amount.currency_code)) v.Add("amount", "needs an ISO 4217 currency");
  if (p.due_time <= now) v.Add("due_time", "must be in the future");
  return v.ToStatus();
}

// The new milestone's position and a check that the contract's total in the
// booking's currency stays within int64.
absl::StatusOr<int32_t> NextPosition(Tx& tx, const Booking& booking, const Money& amount) {
  const std::string currency =
      booking.price.currency_code.empty() ? amount.currency_code : booking.price.currency_code;
  if (amount.currency_code != currency) {
    return AmountMismatch(absl::StrCat("this booking is paid in ", currency),
                          {{"currency_code", currency}});
  }
  GW_ASSIGN_OR_RETURN(std::vector<Milestone> all, tx.milestones().ListByBooking(booking.id));
  int64_t total = amount.amount_minor;
  int32_t position = 0;
  for (const Milestone& m : all) {
    position = std::max(position, m.position + 1);
    if (m.amount.currency_code != currency) {
      return AmountMismatch(absl::StrCat("this booking is paid in ", m.amount.currency_code),
                            {{"currency_code", m.amount.currency_code}});
    }
    if (__builtin_add_overflow(total, m.amount.amount_minor, &total)) {
      return AmountMismatch("the contract's total would overflow");
    }
  }
  return position;
}

absl::StatusOr<Milestone> LoadMilestoneWithParties(Tx& tx, const std::string& id) {
  GW_ASSIGN_OR_RETURN(Milestone milestone, tx.milestones().FindById(id));
  GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(milestone.booking_id));
  FillParties(milestone, booking);
  return milestone;
}

std::string IdOf(const Milestone& milestone) { return milestone.id; }

}  // namespace

absl::StatusOr<std::vector<Milestone>> Milestones::List(const Principal& caller,
                                                        const std::string& booking_id) {
  if (booking_id.empty()) return InvalidField("booking_id", "is required");
  std::vector<Milestone> milestones;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Booking booking, LoadVisibleBooking(tx, caller, booking_id));
    GW_ASSIGN_OR_RETURN(milestones, tx.milestones().ListByBooking(booking.id));
    for (Milestone& m : milestones) FillParties(m, booking);
    return absl::OkStatus();
  }));
  return milestones;
}

absl::StatusOr<Milestone> Milestones::Get(const Principal& caller, const std::string& id) {
  Milestone milestone;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(auto found, LoadVisibleMilestone(tx, caller, id));
    milestone = std::move(found.first);
    return absl::OkStatus();
  }));
  return milestone;
}

absl::StatusOr<Milestone> Milestones::Propose(const Principal& caller,
                                              const MilestoneProposal& proposal,
                                              const RequestKey& key) {
  const absl::Time now = mover_.clock().Now();
  GW_RETURN_IF_ERROR(CheckProposal(proposal, now));
  return IdempotentWrite<Milestone>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Milestone> {
        GW_ASSIGN_OR_RETURN(Booking booking, LoadVisibleBooking(tx, caller, proposal.booking_id));
        GW_ASSIGN_OR_RETURN(MilestoneParty party, PartyOf(caller, booking, "booking"));
        if (party == MilestoneParty::kAdmin) {
          return NotOwner("only the booking's buyer or seller may propose a milestone");
        }
        GW_RETURN_IF_ERROR(RequireState(booking.state,
                                        {BookingState::kActive, BookingState::kDelivered},
                                        "booking", "add a milestone to", BookingStateName));
        GW_ASSIGN_OR_RETURN(const int32_t position, NextPosition(tx, booking, proposal.amount));
        Milestone m;
        m.id = NewId("mst");
        m.booking_id = booking.id;
        m.position = position;
        m.title = proposal.title;
        m.amount = proposal.amount;
        m.due_time = proposal.due_time;
        m.state = MilestoneState::kProposed;
        m.proposed_by = caller.user_id;
        m.create_time = m.update_time = now;
        GW_RETURN_IF_ERROR(tx.milestones().Insert(m));
        GW_RETURN_IF_ERROR(mover_.outbox().Record(tx, EventType::kMilestoneProposed,
                                                  caller.user_id, now, m));
        return LoadMilestoneWithParties(tx, m.id);
      },
      LoadMilestoneWithParties, IdOf);
}

absl::StatusOr<Milestone> Milestones::Move(const Principal& caller, const std::string& id,
                                           MilestoneAction action, const MoveInput& input,
                                           const RequestKey& key) {
  return IdempotentWrite<Milestone>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Milestone> {
        GW_ASSIGN_OR_RETURN(auto found, LoadVisibleMilestone(tx, caller, id));
        auto& [milestone, booking] = found;
        GW_ASSIGN_OR_RETURN(MilestoneParty party, PartyOf(caller, booking, "milestone"));
        if (action == MilestoneAction::kCancel && milestone.state == MilestoneState::kPending) {
          absl::StatusOr<Payment> pending = tx.payments().FindPendingForMilestone(milestone.id);
          if (pending.ok()) return PaymentPending(pending->id);
          if (!absl::IsNotFound(pending.status())) return pending.status();
        }
        if (party == MilestoneParty::kAdmin) {
          GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller,
                                               absl::StrCat("Milestone:", MilestoneActionName(action)),
                                               milestone.id, input.reason, mover_.clock().Now()));
        }
        GW_ASSIGN_OR_RETURN(Milestone moved, mover_.Apply(tx, milestone, booking, action, party,
                                                         caller.user_id, input));
        GW_RETURN_IF_ERROR(AttachOwnFiles(tx, caller.user_id, input.attachment_ids,
                                          AttachmentKind::kMilestone, moved.id,
                                          mover_.clock().Now()));
        return moved;
      },
      LoadMilestoneWithParties, IdOf);
}

absl::StatusOr<Milestone> Milestones::Accept(const Principal& caller, const std::string& id,
                                             const RequestKey& key) {
  return Move(caller, id, MilestoneAction::kAcceptProposal, {}, key);
}

absl::StatusOr<Milestone> Milestones::Decline(const Principal& caller, const std::string& id,
                                              const RequestKey& key) {
  MoveInput input;
  input.reason = "declined";
  return Move(caller, id, MilestoneAction::kDeclineProposal, input, key);
}

absl::StatusOr<Milestone> Milestones::Submit(const Principal& caller, const std::string& id,
                                             const std::string& note, const RequestKey& key,
                                             const std::vector<std::string>& attachment_ids) {
  GW_RETURN_IF_ERROR(CheckNoteText("note", note, 2000));
  GW_RETURN_IF_ERROR(CheckAttachmentIds("attachment_ids", attachment_ids));
  MoveInput input;
  input.note = note;
  input.attachment_ids = attachment_ids;
  return Move(caller, id, MilestoneAction::kSubmit, input, key);
}

absl::StatusOr<Milestone> Milestones::RequestRevision(const Principal& caller,
                                                      const std::string& id,
                                                      const std::string& note,
                                                      const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckNoteText("note", note, 2000));
  MoveInput input;
  input.note = note;
  return Move(caller, id, MilestoneAction::kRequestRevision, input, key);
}

absl::StatusOr<Milestone> Milestones::Approve(const Principal& caller, const std::string& id,
                                              const RequestKey& key) {
  return Move(caller, id, MilestoneAction::kApprove, {}, key);
}

absl::StatusOr<Milestone> Milestones::Cancel(const Principal& caller, const std::string& id,
                                             const std::string& reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckNoteText("reason", reason, 500));
  MoveInput input;
  input.reason = reason;
  return Move(caller, id, MilestoneAction::kCancel, input, key);
}

absl::StatusOr<int> Milestones::AutoReleaseDue(absl::Time now, int limit) {
  std::vector<Milestone> due;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(due, tx.milestones().ListDueForAutoRelease(now, limit));
    return absl::OkStatus();
  }));
  int released = 0;
  absl::Status first_error;
  for (const Milestone& candidate : due) {
    absl::Status status = store_.Write([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(Milestone milestone, tx.milestones().FindById(candidate.id));
      if (milestone.state != MilestoneState::kSubmitted || !milestone.auto_release_time ||
          *milestone.auto_release_time > now) {
        return absl::OkStatus();  // the buyer acted first
      }
      GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(milestone.booking_id));
      GW_RETURN_IF_ERROR(mover_.Apply(tx, milestone, booking, MilestoneAction::kAutoRelease,
                                      MilestoneParty::kSystem, std::string(kSystemActor), {})
                             .status());
      ++released;
      return absl::OkStatus();
    });
    if (first_error.ok()) first_error = status;  // one bad milestone does not stop the rest
  }
  if (!first_error.ok()) return first_error;
  return released;
}

}  // namespace gigwire
