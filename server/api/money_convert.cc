// Money conversions; see money_convert.h.
#include "server/api/money_convert.h"

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/common/status.h"
#include "server/domain/milestone_moves.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

template <typename State>
absl::StatusOr<std::optional<State>> StateFromProto(int value, int max, absl::string_view field) {
  if (value == 0) return std::nullopt;
  if (value < 0 || value > max) return InvalidField(field, absl::StrCat("unknown state ", value));
  return static_cast<State>(value);
}

void MinorToProto(const std::string& currency, int64_t minor, v1::Money* out) {
  out->set_currency_code(currency);
  out->set_amount_minor(minor);
}

}  // namespace

void ToProto(const Milestone& m, const Principal* viewer, v1::Milestone* out) {
  out->set_id(m.id);
  out->set_booking_id(m.booking_id);
  out->set_position(m.position);
  out->set_title(m.title);
  ToProto(m.amount, out->mutable_amount());
  ToProto(m.due_time, out->mutable_due_time());
  out->set_state(static_cast<v1::MilestoneState>(m.state));
  out->set_proposed_by(m.proposed_by);
  out->set_submission_note(m.submission_note);
  out->set_revision_note(m.revision_note);
  out->set_revision_count(m.revision_count);
  if (m.auto_release_time) ToProto(*m.auto_release_time, out->mutable_auto_release_time());
  out->set_buyer_id(m.buyer_id);
  out->set_seller_id(m.seller_id);
  out->set_payment_id(m.payment_id);
  out->set_dispute_id(m.dispute_id);
  out->set_etag(EtagOf(m.version));
  if (viewer != nullptr) {
    for (const std::string& action : MilestoneActions(*viewer, m)) out->add_allowed_actions(action);
  }
  ToProto(m.create_time, out->mutable_create_time());
  ToProto(m.update_time, out->mutable_update_time());
  MinorToProto(m.amount.currency_code, m.released_minor, out->mutable_released());
  MinorToProto(m.amount.currency_code, m.refunded_minor, out->mutable_refunded());
  out->set_cancel_reason(m.cancel_reason);
}

void ToProto(const Payment& p, v1::Payment* out) {
  out->set_id(p.id);
  out->set_milestone_id(p.milestone_id);
  out->set_booking_id(p.booking_id);
  out->set_buyer_id(p.buyer_id);
  ToProto(p.amount, out->mutable_amount());
  out->set_gateway(p.gateway);
  out->set_provider_id(p.provider_id);
  out->set_state(static_cast<v1::PaymentState>(p.state));
  out->set_client_secret(p.client_secret);
  out->set_instructions(p.instructions);
  out->set_failure_reason(p.failure_reason);
  out->set_confirmed_by(p.confirmed_by);
  out->set_confirmation_note(p.confirmation_note);
  ToProto(p.create_time, out->mutable_create_time());
  ToProto(p.update_time, out->mutable_update_time());
  out->set_etag(EtagOf(p.version));
}

void ToProto(const Payout& p, v1::Payout* out) {
  out->set_id(p.id);
  out->set_seller_id(p.seller_id);
  ToProto(p.amount, out->mutable_amount());
  out->set_state(static_cast<v1::PayoutState>(p.state));
  out->set_paid_by(p.paid_by);
  out->set_reference(p.reference);
  out->set_cancel_reason(p.cancel_reason);
  ToProto(p.create_time, out->mutable_create_time());
  ToProto(p.update_time, out->mutable_update_time());
  if (p.paid_time) ToProto(*p.paid_time, out->mutable_paid_time());
  out->set_etag(EtagOf(p.version));
}

void ToProto(const Dispute& d, v1::Dispute* out) {
  out->set_id(d.id);
  out->set_milestone_id(d.milestone_id);
  out->set_booking_id(d.booking_id);
  out->set_buyer_id(d.buyer_id);
  out->set_seller_id(d.seller_id);
  out->set_opened_by(d.opened_by);
  out->set_reason(d.reason);
  out->set_evidence(d.evidence);
  ToProto(d.amount, out->mutable_amount());
  out->set_state(static_cast<v1::DisputeState>(d.state));
  if (d.state == DisputeState::kResolved) {
    ToProto(d.to_seller, out->mutable_to_seller());
    ToProto(d.refunded, out->mutable_refunded());
  }
  out->set_resolved_by(d.resolved_by);
  out->set_resolution_note(d.resolution_note);
  for (const DisputeNote& note : d.notes) {
    v1::DisputeNote* n = out->add_notes();
    n->set_id(note.id);
    n->set_author_id(note.author_id);
    n->set_text(note.text);
    n->set_internal(note.internal);
    ToProto(note.create_time, n->mutable_create_time());
  }
  ToProto(d.create_time, out->mutable_create_time());
  ToProto(d.update_time, out->mutable_update_time());
  if (d.resolve_time) ToProto(*d.resolve_time, out->mutable_resolve_time());
  out->set_milestone_title(d.milestone_title);
  out->set_etag(EtagOf(d.version));
}

void ToProto(const BookingMoney& m, v1::BookingMoney* out) {
  const std::string& c = m.currency_code;
  MinorToProto(c, m.contract_total, out->mutable_contract_total());
  MinorToProto(c, m.funded, out->mutable_funded());
  MinorToProto(c, m.in_escrow, out->mutable_in_escrow());
  MinorToProto(c, m.released, out->mutable_released());
  MinorToProto(c, m.platform_fees, out->mutable_platform_fees());
  MinorToProto(c, m.refunded, out->mutable_refunded());
  out->set_milestone_count(m.milestone_count);
  out->set_milestones_final(m.milestones_final);
}

void ToProto(const CurrencyBalance& b, v1::CurrencyBalance* out) {
  const std::string& c = b.currency_code;
  out->set_currency_code(c);
  MinorToProto(c, b.available, out->mutable_available());
  MinorToProto(c, b.payouts_requested, out->mutable_payouts_requested());
  MinorToProto(c, b.withdrawable, out->mutable_withdrawable());
  MinorToProto(c, b.escrow_as_buyer, out->mutable_escrow_as_buyer());
  MinorToProto(c, b.escrow_as_seller, out->mutable_escrow_as_seller());
}

void ToProto(const LedgerEntryRow& row, v1::LedgerEntry* out) {
  out->set_transaction_id(row.transaction_id);
  out->set_position(row.position);
  out->set_sequence(row.transaction_seq);
  out->set_kind(static_cast<v1::LedgerTransactionKind>(row.kind));
  out->set_account(row.entry.account.Key());
  out->set_account_kind(static_cast<v1::AccountKind>(row.entry.account.kind));
  out->set_account_owner_id(row.entry.account.owner_id);
  out->set_currency_code(row.entry.account.currency_code);
  out->set_amount_minor(row.entry.amount_minor);
  out->set_booking_id(row.booking_id);
  out->set_milestone_id(row.milestone_id);
  out->set_payout_id(row.payout_id);
  out->set_fee_bps(row.fee_bps);
  out->set_actor_id(row.actor_id);
  ToProto(row.create_time, out->mutable_create_time());
}

absl::StatusOr<std::optional<PaymentState>> PaymentStateFromProto(int state,
                                                                  absl::string_view field) {
  return StateFromProto<PaymentState>(state, v1::PaymentState_MAX, field);
}

absl::StatusOr<std::optional<PayoutState>> PayoutStateFromProto(int state,
                                                                absl::string_view field) {
  return StateFromProto<PayoutState>(state, v1::PayoutState_MAX, field);
}

absl::StatusOr<std::optional<DisputeState>> DisputeStateFromProto(int state,
                                                                  absl::string_view field) {
  return StateFromProto<DisputeState>(state, v1::DisputeState_MAX, field);
}

}  // namespace gigwire
