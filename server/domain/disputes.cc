// Disputes over milestones; see disputes.h.
#include "server/domain/disputes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

absl::Status CheckWords(absl::string_view field, absl::string_view text, size_t min,
                        size_t max) {
  Violations v;
  CheckText(field, text, min, max, true, v);
  return v.ToStatus();
}

absl::Status CheckParts(const Dispute& d, const DisputeResolution& r) {
  const std::string& currency = d.amount.currency_code;
  if (r.to_seller.currency_code != currency || r.refunded.currency_code != currency) {
    return AmountMismatch(absl::StrCat("the escrowed money is in ", currency),
                          {{"currency_code", currency}});
  }
  return absl::OkStatus();  // the sum is checked where the money moves
}

Dispute NewDispute(const Principal& caller, const Milestone& m, const std::string& reason,
                   const std::string& evidence, absl::Time now) {
  Dispute d;
  d.id = NewId("dsp");
  d.milestone_id = m.id;
  d.booking_id = m.booking_id;
  d.buyer_id = m.buyer_id;
  d.seller_id = m.seller_id;
  d.opened_by = caller.user_id;
  d.reason = reason;
  d.evidence = evidence;
  d.milestone_title = m.title;
  d.amount = m.amount;
  d.create_time = d.update_time = now;
  return d;
}

}  // namespace

absl::StatusOr<Dispute> LoadVisibleDispute(Tx& tx, const Principal& caller,
                                           const std::string& id) {
  const std::string what = absl::StrCat("dispute ", id);
  if (!HasIdShape(id, "dsp")) return id.empty() ? InvalidField("id", "is required") : NotFound(what);
  GW_ASSIGN_OR_RETURN(Dispute d, tx.disputes().FindById(id));
  const bool party = caller.user_id == d.buyer_id || caller.user_id == d.seller_id;
  if (!party && !caller.Has(Role::kAdmin)) return NotFound(what);
  if (!caller.Has(Role::kAdmin)) {
    auto internal = [](const DisputeNote& note) { return note.internal; };
    d.notes.erase(std::remove_if(d.notes.begin(), d.notes.end(), internal), d.notes.end());
  }
  return d;
}

absl::StatusOr<Dispute> Disputes::Open(const Principal& caller, const std::string& milestone_id,
                                       const std::string& reason, const std::string& evidence,
                                       const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckWords("reason", reason, 1, 500));
  GW_RETURN_IF_ERROR(CheckWords("evidence", evidence, 0, 10000));
  return IdempotentWrite<Dispute>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Dispute> {
        GW_ASSIGN_OR_RETURN(auto found, LoadVisibleMilestone(tx, caller, milestone_id));
        auto& [milestone, booking] = found;
        GW_ASSIGN_OR_RETURN(MilestoneParty party, PartyOf(caller, booking, "milestone"));
        GW_RETURN_IF_ERROR(
            Transition(milestone, MilestoneAction::kDispute, party, caller.user_id).status());
        const absl::Time now = mover_.clock().Now();
        const Dispute dispute = NewDispute(caller, milestone, reason, evidence, now);
        GW_RETURN_IF_ERROR(tx.disputes().Insert(dispute));
        MoveInput input;
        input.dispute_id = dispute.id;
        GW_RETURN_IF_ERROR(mover_.Apply(tx, milestone, booking, MilestoneAction::kDispute, party,
                                        caller.user_id, input)
                               .status());
        GW_RETURN_IF_ERROR(mover_.outbox().Record(tx, EventType::kDisputeOpened, caller.user_id,
                                                  now, dispute));
        return LoadVisibleDispute(tx, caller, dispute.id);
      },
      [&](Tx& tx, const std::string& id) { return LoadVisibleDispute(tx, caller, id); },
      [](const Dispute& d) { return d.id; });
}

absl::StatusOr<Dispute> Disputes::Get(const Principal& caller, const std::string& id) {
  Dispute dispute;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(dispute, LoadVisibleDispute(tx, caller, id));
    return absl::OkStatus();
  }));
  return dispute;
}

absl::StatusOr<DisputePage> Disputes::List(const Principal& caller,
                                           std::optional<DisputeState> state,
                                           const std::string& booking_id, int page_size,
                                           absl::string_view page_token) {
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  DisputeQuery q;
  q.state = state;
  q.booking_id = booking_id;
  q.party_id = caller.Has(Role::kAdmin) ? "" : caller.user_id;
  const std::string fingerprint = absl::StrCat("disputes:", q.party_id, "|", q.booking_id, "|",
                                               state ? static_cast<int>(*state) : 0);
  GW_ASSIGN_OR_RETURN(q.after, DecodePageToken(page_token, fingerprint));
  q.limit = limit + 1;
  DisputePage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.disputes, tx.disputes().List(q));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.disputes, limit, fingerprint);
  return page;
}

absl::StatusOr<Dispute> Disputes::AddNote(const Principal& caller, const std::string& id,
                                          const std::string& text, bool internal,
                                          const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckWords("text", text, 1, 5000));
  if (internal) GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  return IdempotentWrite<Dispute>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Dispute> {
        GW_ASSIGN_OR_RETURN(Dispute dispute, LoadVisibleDispute(tx, caller, id));
        GW_RETURN_IF_ERROR(RequireState(dispute.state, {DisputeState::kOpen}, "dispute",
                                        "add a note to", DisputeStateName));
        const absl::Time now = mover_.clock().Now();
        DisputeNote note{NewId("dnt"), dispute.id, caller.user_id, text, internal, now};
        GW_RETURN_IF_ERROR(tx.disputes().AddNote(note));
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.disputes(), dispute, now));
        const bool party = caller.user_id == dispute.buyer_id || caller.user_id == dispute.seller_id;
        if (!party) {
          GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, internal ? "AddInternalDisputeNote"
                                                                    : "AddDisputeNote",
                                               dispute.id, text, now));
        }
        if (!internal) {
          GW_RETURN_IF_ERROR(mover_.outbox().Record(tx, EventType::kDisputeNoteAdded,
                                                    caller.user_id, now, dispute));
        }
        return LoadVisibleDispute(tx, caller, dispute.id);
      },
      [&](Tx& tx, const std::string& did) { return LoadVisibleDispute(tx, caller, did); },
      [](const Dispute& d) { return d.id; });
}

absl::StatusOr<Dispute> Disputes::Resolve(const Principal& caller, const std::string& id,
                                          const DisputeResolution& resolution,
                                          const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_RETURN_IF_ERROR(CheckWords("note", resolution.note, 1, 2000));
  return IdempotentWrite<Dispute>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Dispute> {
        GW_ASSIGN_OR_RETURN(Dispute dispute, LoadVisibleDispute(tx, caller, id));
        GW_RETURN_IF_ERROR(RequireState(dispute.state, {DisputeState::kOpen}, "dispute",
                                        "resolve", DisputeStateName));
        GW_RETURN_IF_ERROR(CheckParts(dispute, resolution));
        GW_ASSIGN_OR_RETURN(Milestone milestone, tx.milestones().FindById(dispute.milestone_id));
        GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(dispute.booking_id));
        MoveInput input;
        input.to_seller_minor = resolution.to_seller.amount_minor;
        input.refunded_minor = resolution.refunded.amount_minor;
        GW_RETURN_IF_ERROR(mover_.Apply(tx, milestone, booking, MilestoneAction::kResolve,
                                        MilestoneParty::kAdmin, caller.user_id, input)
                               .status());
        const absl::Time now = mover_.clock().Now();
        dispute.state = DisputeState::kResolved;
        dispute.to_seller = resolution.to_seller;
        dispute.refunded = resolution.refunded;
        dispute.resolved_by = caller.user_id;
        dispute.resolution_note = resolution.note;
        dispute.resolve_time = now;
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.disputes(), dispute, now));
        GW_RETURN_IF_ERROR(RecordAdminAction(
            tx, caller, "ResolveDispute", dispute.id,
            absl::StrCat(resolution.to_seller.amount_minor, " to the seller, ",
                         resolution.refunded.amount_minor, " refunded: ", resolution.note),
            now));
        GW_RETURN_IF_ERROR(mover_.outbox().Record(tx, EventType::kDisputeResolved,
                                                  caller.user_id, now, dispute));
        return LoadVisibleDispute(tx, caller, dispute.id);
      },
      [&](Tx& tx, const std::string& did) { return LoadVisibleDispute(tx, caller, did); },
      [](const Dispute& d) { return d.id; });
}

}  // namespace gigwire
