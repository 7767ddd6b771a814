// Work-flow conversions; see work_convert.h.
#include "server/api/work_convert.h"

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/api/money_convert.h"
#include "server/common/status.h"
#include "server/domain/bookings.h"
#include "server/domain/jobs.h"
#include "server/domain/offers.h"
#include "server/domain/proposals.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

void BudgetToProto(const Money& min, const Money& max, v1::MoneyRange* out) {
  ToProto(min, out->mutable_min());
  ToProto(max, out->mutable_max());
}

template <typename State>
absl::StatusOr<std::optional<State>> StateFromProto(int value, int max, absl::string_view field) {
  if (value == 0) return std::nullopt;
  if (value < 0 || value > max) return InvalidField(field, absl::StrCat("unknown state ", value));
  return static_cast<State>(value);
}

}  // namespace

void ToProto(const Job& job, const Principal& viewer, v1::Job* out) {
  out->set_id(job.id);
  out->set_buyer_id(job.buyer_id);
  out->set_title(job.title);
  out->set_description(job.description);
  out->set_category_id(job.category_id);
  for (const std::string& skill : job.skills) out->add_skills(skill);
  BudgetToProto(job.budget_min, job.budget_max, out->mutable_budget());
  if (job.preferred_start_time) ToProto(*job.preferred_start_time, out->mutable_preferred_start_time());
  ToProto(job.due_time, out->mutable_due_time());
  out->set_state(static_cast<v1::JobState>(job.state));
  out->set_rejection_reason(job.rejection_reason);
  out->set_cancel_reason(job.cancel_reason);
  out->set_booking_id(job.booking_id);
  out->set_etag(EtagOf(job.version));
  for (const std::string& action : JobActions(viewer, job)) out->add_allowed_actions(action);
  ToProto(job.create_time, out->mutable_create_time());
  ToProto(job.update_time, out->mutable_update_time());
  out->set_sourcing_mode(static_cast<v1::SourcingMode>(job.sourcing_mode));
  if (job.bidding_close_time) ToProto(*job.bidding_close_time, out->mutable_bidding_close_time());
  if (job.award_deadline_time) {
    ToProto(*job.award_deadline_time, out->mutable_award_deadline_time());
  }
  out->set_proposal_count(job.proposal_count);
}

void ToProto(const PlannedMilestone& step, v1::PlannedMilestone* out) {
  out->set_title(step.title);
  ToProto(step.amount, out->mutable_amount());
  out->set_due_in_days(step.due_in_days);
}

std::vector<PlannedMilestone> MilestonePlanFromProto(
    const google::protobuf::RepeatedPtrField<v1::PlannedMilestone>& in) {
  std::vector<PlannedMilestone> plan;
  for (const v1::PlannedMilestone& step : in) {
    plan.push_back({step.title(), MoneyFromProto(step.amount()), step.due_in_days()});
  }
  return plan;
}

void ToProto(const Assignment& a, v1::Assignment* out) {
  out->set_id(a.id);
  out->set_job_id(a.job_id);
  out->set_seller_id(a.seller_id);
  out->set_assigner_id(a.assigner_id);
  out->set_note(a.note);
  out->set_offer_id(a.offer_id);
  ToProto(a.create_time, out->mutable_create_time());
}

void ToProto(const Offer& offer, const Principal& viewer, absl::Time now, v1::Offer* out) {
  out->set_id(offer.id);
  out->set_job_id(offer.job_id);
  out->set_seller_id(offer.seller_id);
  out->set_assignment_id(offer.assignment_id);
  out->set_job_title(offer.job_title);
  BudgetToProto(offer.budget_min, offer.budget_max, out->mutable_budget());
  out->set_note(offer.note);
  out->set_state(static_cast<v1::OfferState>(offer.state));
  ToProto(offer.expire_time, out->mutable_expire_time());
  out->set_decline_reason(offer.decline_reason);
  out->set_withdraw_reason(offer.withdraw_reason);
  out->set_booking_id(offer.booking_id);
  out->set_etag(EtagOf(offer.version));
  for (const std::string& action : OfferActions(viewer, offer, now)) {
    out->add_allowed_actions(action);
  }
  ToProto(offer.create_time, out->mutable_create_time());
  ToProto(offer.update_time, out->mutable_update_time());
}

void ToProto(const Booking& b, const Principal& viewer, v1::Booking* out) {
  out->set_id(b.id);
  out->set_job_id(b.job_id);
  out->set_offer_id(b.offer_id);
  out->set_buyer_id(b.buyer_id);
  out->set_seller_id(b.seller_id);
  out->set_job_title(b.job_title);
  BudgetToProto(b.budget_min, b.budget_max, out->mutable_budget());
  out->set_state(static_cast<v1::BookingState>(b.state));
  out->set_delivery_note(b.delivery_note);
  out->set_revision_note(b.revision_note);
  out->set_revision_count(b.revision_count);
  out->set_cancel_reason(b.cancel_reason);
  out->set_buyer_reviewed(b.buyer_reviewed);
  out->set_seller_reviewed(b.seller_reviewed);
  out->set_etag(EtagOf(b.version));
  for (const std::string& action : BookingActions(viewer, b)) out->add_allowed_actions(action);
  ToProto(b.create_time, out->mutable_create_time());
  ToProto(b.update_time, out->mutable_update_time());
  if (b.complete_time) ToProto(*b.complete_time, out->mutable_complete_time());
  out->set_source(static_cast<v1::BookingSource>(b.source));
  out->set_proposal_id(b.proposal_id);
  out->set_gig_id(b.gig_id);
  ToProto(b.price, out->mutable_price());
  ToProto(b.due_time, out->mutable_due_time());
  for (const PlannedMilestone& step : b.milestones) ToProto(step, out->add_milestones());
  out->set_requirements(b.requirements);
  if (b.money) ToProto(*b.money, out->mutable_money());
}

void ToProto(const Proposal& p, const Principal& viewer, absl::Time now, v1::Proposal* out) {
  out->set_id(p.id);
  out->set_job_id(p.job_id);
  out->set_seller_id(p.seller_id);
  out->set_job_title(p.job_title);
  ToProto(p.price, out->mutable_price());
  out->set_delivery_days(p.delivery_days);
  out->set_cover_letter(p.cover_letter);
  for (const PlannedMilestone& step : p.milestones) ToProto(step, out->add_milestones());
  out->set_state(static_cast<v1::ProposalState>(p.state));
  out->set_decline_reason(p.decline_reason);
  out->set_withdraw_reason(p.withdraw_reason);
  out->set_booking_id(p.booking_id);
  out->set_invited(p.invited);
  out->set_seller_display_name(p.seller_display_name);
  out->set_seller_rating_milli(p.seller_rating_milli);
  out->set_etag(EtagOf(p.version));
  for (const std::string& action : ProposalActions(viewer, p, now)) {
    out->add_allowed_actions(action);
  }
  ToProto(p.create_time, out->mutable_create_time());
  ToProto(p.update_time, out->mutable_update_time());
  out->set_buyer_id(p.buyer_id);
  out->set_job_state(static_cast<v1::JobState>(p.job_state));
  if (p.bidding_close_time) ToProto(*p.bidding_close_time, out->mutable_bidding_close_time());
}

void ToProto(const BidInvitation& invitation, v1::BidInvitation* out) {
  out->set_id(invitation.id);
  out->set_job_id(invitation.job_id);
  out->set_seller_id(invitation.seller_id);
  out->set_buyer_id(invitation.buyer_id);
  out->set_job_title(invitation.job_title);
  out->set_note(invitation.note);
  ToProto(invitation.create_time, out->mutable_create_time());
}

ProposalDraft ProposalDraftFromProto(const v1::Proposal& in) {
  ProposalDraft draft;
  draft.price = MoneyFromProto(in.price());
  draft.delivery_days = in.delivery_days();
  draft.cover_letter = in.cover_letter();
  draft.milestones = MilestonePlanFromProto(in.milestones());
  return draft;
}

absl::StatusOr<std::optional<ProposalState>> ProposalStateFromProto(int state,
                                                                    absl::string_view field) {
  return StateFromProto<ProposalState>(state, v1::ProposalState_MAX, field);
}

void ToProto(const Review& r, v1::Review* out) {
  out->set_id(r.id);
  out->set_booking_id(r.booking_id);
  out->set_author_id(r.author_id);
  out->set_subject_id(r.subject_id);
  out->set_rating(r.rating);
  out->set_text(r.text);
  ToProto(r.create_time, out->mutable_create_time());
}

Job JobDraftFromProto(const v1::Job& in) {
  Job job;
  job.title = in.title();
  job.description = in.description();
  job.category_id = in.category_id();
  job.skills.assign(in.skills().begin(), in.skills().end());
  job.budget_min = MoneyFromProto(in.budget().min());
  job.budget_max = MoneyFromProto(in.budget().max());
  if (in.has_preferred_start_time()) job.preferred_start_time = TimeFromProto(in.preferred_start_time());
  job.due_time = in.has_due_time() ? TimeFromProto(in.due_time()) : absl::InfinitePast();
  // Unset means ASSIGNED; an unknown number becomes 0, which the rules refuse.
  const int mode = in.sourcing_mode();
  job.sourcing_mode = mode == v1::SOURCING_MODE_UNSPECIFIED ? SourcingMode::kAssigned
                      : mode == v1::SOURCING_MODE_OPEN      ? SourcingMode::kOpen
                      : mode == v1::SOURCING_MODE_ASSIGNED  ? SourcingMode::kAssigned
                                                            : static_cast<SourcingMode>(0);
  if (in.has_bidding_close_time()) job.bidding_close_time = TimeFromProto(in.bidding_close_time());
  return job;
}

absl::StatusOr<std::optional<JobState>> JobStateFromProto(int state, absl::string_view field) {
  return StateFromProto<JobState>(state, v1::JobState_MAX, field);
}

absl::StatusOr<std::optional<OfferState>> OfferStateFromProto(int state, absl::string_view field) {
  return StateFromProto<OfferState>(state, v1::OfferState_MAX, field);
}

absl::StatusOr<std::optional<BookingState>> BookingStateFromProto(int state,
                                                                  absl::string_view field) {
  return StateFromProto<BookingState>(state, v1::BookingState_MAX, field);
}

}  // namespace gigwire
