// Job rules; see jobs.h.
#include "server/domain/jobs.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/money.h"
#include "server/domain/pagination.h"
#include "server/domain/proposals.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

absl::Status RequireJobState(const Job& job, std::initializer_list<JobState> allowed,
                             absl::string_view verb) {
  return RequireState(job.state, allowed, "job", verb, JobStateName);
}

void CheckDraft(const Job& draft, absl::Time now, Violations& v) {
  CheckText("job.title", draft.title, 5, 120, false, v);
  CheckText("job.description", draft.description, 1, 5000, true, v);
  if (draft.category_id.empty()) v.Add("job.category_id", "is required");
  CheckSkills("job.skills", draft.skills, v);
  CheckMoneyRange("job.budget", draft.budget_min, draft.budget_max, v);
  if (draft.due_time <= now) v.Add("job.due_time", "must be in the future");
  if (draft.preferred_start_time.has_value() && *draft.preferred_start_time >= draft.due_time) {
    v.Add("job.preferred_start_time", "must be before due_time");
  }
  if (draft.sourcing_mode == SourcingMode::kAssigned) {
    if (draft.bidding_close_time.has_value()) {
      v.Add("job.bidding_close_time", "is only for open projects (sourcing_mode OPEN)");
    }
  } else if (draft.sourcing_mode == SourcingMode::kOpen) {
    if (!draft.bidding_close_time.has_value()) {
      v.Add("job.bidding_close_time", "is required for an open project");
    } else if (*draft.bidding_close_time <= now) {
      v.Add("job.bidding_close_time", "must be in the future");
    } else if (*draft.bidding_close_time >= draft.due_time) {
      v.Add("job.bidding_close_time", "must be before due_time (room to choose and work)");
    }
  } else {
    v.Add("job.sourcing_mode", "unknown sourcing mode");
  }
}

// The award deadline of an open project whose bidding closes at `close`.
absl::Time AwardDeadline(absl::Time close, absl::Duration grace, absl::Time due) {
  return std::min(close + grace, due);
}

absl::Status CheckReason(absl::string_view field, absl::string_view reason, size_t min) {
  Violations v;
  CheckText(field, reason, min, 500, true, v);
  return v.ToStatus();
}

// The event of an offer entering `state` (one ClosePendingOffers sets).
EventType ClosedOfferEvent(OfferState state) {
  switch (state) {
    case OfferState::kExpired: return EventType::kOfferExpired;
    case OfferState::kSuperseded: return EventType::kOfferSuperseded;
    default: return EventType::kOfferWithdrawn;
  }
}

// Moves the bidding close time and/or award deadline later (see
// JobService.ExtendBidding); a BIDDING_CLOSED job whose close time is ahead
// again is OPEN.
absl::Status ApplyExtension(const BiddingExtension& e, absl::Time now, Job& job) {
  if (!e.bidding_close_time && !e.award_deadline_time) {
    return InvalidField("bidding_close_time", "set it, award_deadline_time, or both");
  }
  const absl::Time old_close = job.bidding_close_time.value_or(now);
  const absl::Time old_deadline = job.award_deadline_time.value_or(old_close);
  absl::Time close = e.bidding_close_time.value_or(old_close);
  absl::Time deadline = e.award_deadline_time.value_or(
      std::min(old_deadline + (close - old_close), job.due_time));
  Violations v;
  if (e.bidding_close_time && (close <= old_close || close <= now)) {
    v.Add("bidding_close_time", "must be later than the current one and in the future");
  }
  if (e.award_deadline_time && (deadline <= old_deadline || deadline <= now)) {
    v.Add("award_deadline_time", "must be later than the current one and in the future");
  }
  if (close >= job.due_time) v.Add("bidding_close_time", "must be before due_time");
  if (deadline > job.due_time) v.Add("award_deadline_time", "must not be after due_time");
  if (deadline < close) v.Add("award_deadline_time", "must not be before bidding_close_time");
  GW_RETURN_IF_ERROR(v.ToStatus());
  job.bidding_close_time = close;
  job.award_deadline_time = deadline;
  if (job.state == JobState::kBiddingClosed && now < close) job.state = JobState::kOpen;
  return absl::OkStatus();
}

absl::Status OpenJobQueryOf(const OpenJobFilter& f, OpenJobQuery& q, Violations& v) {
  q.skill = absl::AsciiStrToLower(f.skill);
  q.currency_code = f.currency_code;
  if (!f.currency_code.empty() &&
      (f.currency_code.size() != 3 || absl::AsciiStrToUpper(f.currency_code) != f.currency_code)) {
    v.Add("currency_code", "must be three upper-case letters");
  }
  const std::string& range_currency = !f.budget_min.currency_code.empty()
                                          ? f.budget_min.currency_code
                                          : f.budget_max.currency_code;
  if (f.has_budget_min) q.budget_min_minor = f.budget_min.amount_minor;
  if (f.has_budget_max) q.budget_max_minor = f.budget_max.amount_minor;
  if ((f.has_budget_min || f.has_budget_max) && range_currency.empty()) {
    v.Add("budget_range", "needs a currency_code");
  }
  if (f.has_budget_min && f.has_budget_max &&
      f.budget_min.currency_code != f.budget_max.currency_code) {
    v.Add("budget_range", "min and max must be in one currency");
  }
  if ((f.has_budget_min && f.budget_min.amount_minor < 0) ||
      (f.has_budget_max && f.budget_max.amount_minor < 0)) {
    v.Add("budget_range", "amounts must not be negative");
  }
  if (f.has_budget_min && f.has_budget_max &&
      f.budget_min.amount_minor > f.budget_max.amount_minor) {
    v.Add("budget_range", "min must not be above max");
  }
  if (!range_currency.empty()) {
    if (!q.currency_code.empty() && q.currency_code != range_currency) {
      v.Add("budget_range", "must be in currency_code's currency");
    }
    q.currency_code = range_currency;
  }
  q.order = f.order;
  return absl::OkStatus();
}

// `category_id` and every category below it. INVALID_ARGUMENT if unknown.
absl::StatusOr<std::vector<std::string>> CategoryWithChildren(Tx& tx,
                                                              const std::string& category_id) {
  GW_ASSIGN_OR_RETURN(std::vector<Category> all, tx.categories().List());
  std::vector<std::string> ids = {category_id};
  bool known = false;
  for (const Category& c : all) known = known || c.id == category_id;
  if (!known) return InvalidField("category_id", "unknown category");
  for (size_t i = 0; i < ids.size(); ++i) {  // breadth first; the tree is small
    for (const Category& c : all) {
      if (c.parent_id == ids[i]) ids.push_back(c.id);
    }
  }
  return ids;
}

}  // namespace

std::vector<std::string> JobActions(const Principal& viewer, const Job& job) {
  std::vector<std::string> actions;
  const bool open_project = job.sourcing_mode == SourcingMode::kOpen;
  const bool buyer = viewer.user_id == job.buyer_id;
  bool live = job.state == JobState::kPendingReview || job.state == JobState::kOpen ||
              job.state == JobState::kBiddingClosed;
  if (buyer && live) actions.push_back("cancel");
  if (viewer.Has(Role::kAdmin) && job.state == JobState::kPendingReview) {
    actions.push_back("approve");
    actions.push_back("reject");
  }
  if (!open_project) {
    if (viewer.Has(Role::kAdmin) && job.state == JobState::kOpen) actions.push_back("assign");
    return actions;
  }
  if (buyer && (job.state == JobState::kOpen || job.state == JobState::kBiddingClosed)) {
    actions.push_back("extend_bidding");
  }
  if (!buyer && viewer.Has(Role::kSeller) && job.state == JobState::kOpen) {
    actions.push_back("bid");
  }
  return actions;
}

absl::Status RequireBeforeDue(const Job& job, absl::Time now) {
  if (now < job.due_time) return absl::OkStatus();
  return InvalidState("the job's due time has passed", JobStateName(JobState::kExpired));
}

absl::Status RequireBeforeAwardDeadline(const Job& job, absl::Time now) {
  if (!job.award_deadline_time.has_value() || now < *job.award_deadline_time) {
    return absl::OkStatus();
  }
  return InvalidState("the job's award deadline has passed", JobStateName(JobState::kExpired));
}

absl::Status ClosePendingOffers(Tx& tx, const Outbox& outbox, const std::string& actor_id,
                                const std::string& job_id, OfferState state,
                                const std::string& reason, absl::Time now,
                                const std::string& except_offer_id) {
  GW_ASSIGN_OR_RETURN(std::vector<Offer> pending, tx.offers().ListPendingForJob(job_id));
  for (Offer& offer : pending) {
    if (offer.id == except_offer_id) continue;
    offer.state = state;
    if (state == OfferState::kWithdrawn) offer.withdraw_reason = reason;
    GW_RETURN_IF_ERROR(SaveNextVersion(tx.offers(), offer, now));
    GW_RETURN_IF_ERROR(outbox.Record(tx, ClosedOfferEvent(state), actor_id, now, offer));
  }
  return absl::OkStatus();
}

absl::StatusOr<Job> LoadVisibleJob(Tx& tx, const Principal& caller, const std::string& id) {
  if (!HasIdShape(id, "job")) {
    return id.empty() ? InvalidField("id", "is required") : NotFound(absl::StrCat("job ", id));
  }
  GW_ASSIGN_OR_RETURN(Job job, tx.jobs().FindById(id));
  if (job.buyer_id == caller.user_id || caller.Has(Role::kAdmin)) return job;
  if (job.sourcing_mode == SourcingMode::kOpen) {
    // The open market: every caller sees an approved project while it takes
    // proposals; afterwards, the sellers who bid on it.
    if (job.state == JobState::kOpen || job.state == JobState::kBiddingClosed) return job;
    ProposalQuery own{job.id, caller.user_id, {}, ProposalQuery::Order::kNewest, 0, 1};
    GW_ASSIGN_OR_RETURN(const int bids, tx.proposals().Count(own));
    if (bids > 0) return job;
    return NotFound(absl::StrCat("job ", id));
  }
  GW_ASSIGN_OR_RETURN(bool has_offer, tx.offers().SellerHasOffer(id, caller.user_id));
  if (has_offer) return job;
  return NotFound(absl::StrCat("job ", id));
}

absl::StatusOr<Job> Jobs::Create(const Principal& caller, const Job& draft,
                                 const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kBuyer));
  const absl::Time now = clock_.Now();
  return IdempotentWrite<Job>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Job> {
        // Every violation at once, the unknown category among them; an error
        // rolls the (still empty) transaction back.
        Violations violations;
        CheckDraft(draft, now, violations);
        if (!draft.category_id.empty()) {
          absl::Status category = tx.categories().FindById(draft.category_id).status();
          if (absl::IsNotFound(category)) violations.Add("job.category_id", "unknown category");
          if (!category.ok() && !absl::IsNotFound(category)) return category;
        }
        GW_RETURN_IF_ERROR(violations.ToStatus());
        Job job = draft;
        job.id = NewId("job");
        job.buyer_id = caller.user_id;
        job.state = JobState::kPendingReview;
        job.rejection_reason = job.cancel_reason = job.booking_id = "";
        job.award_deadline_time.reset();
        if (job.sourcing_mode == SourcingMode::kOpen) {
          job.award_deadline_time =
              AwardDeadline(*job.bidding_close_time, award_grace_, job.due_time);
        }
        job.proposal_count = 0;
        job.version = 1;
        job.create_time = job.update_time = now;
        GW_RETURN_IF_ERROR(tx.jobs().Insert(job));
        GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kJobCreated, caller.user_id, now, job));
        return job;
      },
      [&](Tx& tx, const std::string& id) { return tx.jobs().FindById(id); },
      [](const Job& job) { return job.id; });
}

absl::StatusOr<Job> Jobs::Get(const Principal& caller, const std::string& id) {
  Job job;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(job, LoadVisibleJob(tx, caller, id));
    return absl::OkStatus();
  }));
  return job;
}

absl::StatusOr<JobPage> Jobs::List(const Principal& caller, const JobFilter& filter,
                                   int page_size, absl::string_view page_token) {
  const bool admin = caller.Has(Role::kAdmin);
  if (!admin && !filter.buyer_id.empty() && filter.buyer_id != caller.user_id) {
    return RoleRequired("admin");
  }
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  JobQuery query;
  query.state = filter.state;
  query.buyer_id = admin ? filter.buyer_id : caller.user_id;
  const std::string fingerprint = absl::StrCat(
      "jobs:", query.buyer_id, "|", filter.state ? static_cast<int>(*filter.state) : 0);
  GW_ASSIGN_OR_RETURN(query.after, DecodePageToken(page_token, fingerprint));
  query.limit = limit + 1;
  JobPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.jobs, tx.jobs().List(query));
    GW_ASSIGN_OR_RETURN(page.state_counts, tx.jobs().CountByState(query.buyer_id));
    GW_ASSIGN_OR_RETURN(const int64_t latest, tx.events().LatestSequence());
    page.event_cursor = CursorOf(latest);
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.jobs, limit, fingerprint);
  return page;
}

absl::StatusOr<Job> Jobs::Transition(const Principal& caller, const std::string& id,
                                     const RequestKey& key, EventType type,
                                     absl::FunctionRef<absl::Status(Tx&, Job&)> change,
                                     absl::FunctionRef<absl::Status(Tx&, const Job&)> after) {
  return IdempotentWrite<Job>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Job> {
        GW_ASSIGN_OR_RETURN(Job job, LoadVisibleJob(tx, caller, id));
        GW_RETURN_IF_ERROR(change(tx, job));
        const absl::Time now = clock_.Now();
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.jobs(), job, now));
        GW_RETURN_IF_ERROR(after(tx, job));
        // Recorded and returned as stored after `after` (e.g. the live
        // proposal count once a cancel closed the proposals).
        GW_RETURN_IF_ERROR(outbox_.Record(tx, type, caller.user_id, now, job));
        return tx.jobs().FindById(job.id);
      },
      [&](Tx& tx, const std::string& job_id) { return tx.jobs().FindById(job_id); },
      [](const Job& job) { return job.id; });
}

absl::StatusOr<Job> Jobs::Cancel(const Principal& caller, const std::string& id,
                                 const std::string& reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckReason("reason", reason, 0));
  auto cancel = [&](Tx& tx, Job& job) -> absl::Status {
    if (job.buyer_id != caller.user_id) {
      return NotOwner("only the job's buyer may cancel it");
    }
    GW_RETURN_IF_ERROR(RequireJobState(
        job, {JobState::kPendingReview, JobState::kOpen, JobState::kBiddingClosed}, "cancel"));
    job.state = JobState::kCancelled;
    job.cancel_reason = reason;
    return ClosePendingOffers(tx, outbox_, caller.user_id, job.id, OfferState::kWithdrawn,
                              "the job was cancelled", clock_.Now());
  };
  // After the job is saved, so that each proposal's event shows it CANCELLED,
  // and before JOB_CANCELLED is recorded, so that it shows no live proposal.
  auto close_proposals = [&](Tx& tx, const Job& job) {
    return CloseLiveProposals(tx, outbox_, caller.user_id, job.id, clock_.Now());
  };
  return Transition(caller, id, key, EventType::kJobCancelled, cancel, close_proposals);
}

absl::StatusOr<Job> Jobs::Approve(const Principal& caller, const std::string& id,
                                  const std::string& note, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_RETURN_IF_ERROR(CheckReason("note", note, 0));
  auto approve = [&](Tx& tx, Job& job) -> absl::Status {
    GW_RETURN_IF_ERROR(RequireJobState(job, {JobState::kPendingReview}, "approve"));
    GW_RETURN_IF_ERROR(RequireBeforeDue(job, clock_.Now()));
    if (job.sourcing_mode == SourcingMode::kOpen && clock_.Now() >= *job.bidding_close_time) {
      // Approving it would open a market that is already closed.
      return InvalidState("its bidding close time has passed; its buyer must extend bidding "
                          "(ExtendBidding) first", JobStateName(job.state));
    }
    job.state = JobState::kOpen;
    return RecordAdminAction(tx, caller, "ApproveJob", job.id, note, clock_.Now());
  };
  return Transition(caller, id, key, EventType::kJobApproved, approve);
}

absl::StatusOr<Job> Jobs::Reject(const Principal& caller, const std::string& id,
                                 const std::string& reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_RETURN_IF_ERROR(CheckReason("reason", reason, 1));
  auto reject = [&](Tx& tx, Job& job) -> absl::Status {
    GW_RETURN_IF_ERROR(RequireJobState(job, {JobState::kPendingReview}, "reject"));
    job.state = JobState::kRejected;
    job.rejection_reason = reason;
    return RecordAdminAction(tx, caller, "RejectJob", job.id, reason, clock_.Now());
  };
  return Transition(caller, id, key, EventType::kJobRejected, reject);
}

absl::StatusOr<int> Jobs::ExpireDue(absl::Time now, int limit) {
  int changed = 0;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    const std::string system(kSystemActor);
    GW_ASSIGN_OR_RETURN(std::vector<Job> due, tx.jobs().ListDue(now, limit));
    GW_ASSIGN_OR_RETURN(std::vector<Job> unawarded, tx.jobs().ListAwardDue(now, limit));
    due.insert(due.end(), unawarded.begin(), unawarded.end());
    for (Job& job : due) {
      job.state = JobState::kExpired;
      // Saved first (each NOT_SELECTED proposal shows the job EXPIRED), the
      // proposals closed before JOB_EXPIRED (which then counts none live).
      GW_RETURN_IF_ERROR(SaveNextVersion(tx.jobs(), job, now));
      GW_RETURN_IF_ERROR(CloseLiveProposals(tx, outbox_, system, job.id, now));
      GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kJobExpired, system, now, job));
      GW_RETURN_IF_ERROR(
          ClosePendingOffers(tx, outbox_, system, job.id, OfferState::kExpired, "", now));
    }
    GW_ASSIGN_OR_RETURN(std::vector<Job> closing, tx.jobs().ListBiddingDue(now, limit));
    for (Job& job : closing) {
      job.state = JobState::kBiddingClosed;
      GW_RETURN_IF_ERROR(SaveNextVersion(tx.jobs(), job, now));
      GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kJobBiddingClosed, system, now, job));
    }
    changed = static_cast<int>(due.size() + closing.size());
    return absl::OkStatus();
  }));
  return changed;
}

absl::StatusOr<Job> Jobs::ExtendBidding(const Principal& caller, const std::string& id,
                                        const BiddingExtension& extension,
                                        const RequestKey& key) {
  auto extend = [&](Tx&, Job& job) -> absl::Status {
    if (job.buyer_id != caller.user_id) return NotOwner("only the job's buyer may extend bidding");
    if (job.sourcing_mode != SourcingMode::kOpen) {
      return InvalidState("only an open project has bidding", JobStateName(job.state));
    }
    GW_RETURN_IF_ERROR(RequireJobState(
        job, {JobState::kPendingReview, JobState::kOpen, JobState::kBiddingClosed},
        "extend bidding on"));
    const absl::Time now = clock_.Now();
    GW_RETURN_IF_ERROR(RequireBeforeDue(job, now));
    if (job.state != JobState::kPendingReview) {
      GW_RETURN_IF_ERROR(RequireBeforeAwardDeadline(job, now));  // too late to revive it
    }
    return ApplyExtension(extension, now, job);
  };
  return Transition(caller, id, key, EventType::kJobBiddingExtended, extend);
}

absl::StatusOr<OpenJobPage> Jobs::ListOpen(const Principal& caller, const OpenJobFilter& filter,
                                           int page_size, absl::string_view page_token) {
  (void)caller;  // the open market is public to every signed-in caller
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  Violations violations;
  OpenJobQuery query;
  GW_RETURN_IF_ERROR(OpenJobQueryOf(filter, query, violations));
  GW_RETURN_IF_ERROR(violations.ToStatus());
  const std::string fingerprint = absl::StrCat(
      "open-jobs:", filter.category_id, "|", query.skill, "|", query.currency_code, "|",
      query.budget_min_minor.value_or(-1), "|", query.budget_max_minor.value_or(-1), "|",
      static_cast<int>(query.order));
  GW_ASSIGN_OR_RETURN(query.offset, DecodeOffsetToken(page_token, fingerprint));
  query.limit = limit + 1;
  query.now = clock_.Now();
  OpenJobPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    if (!filter.category_id.empty()) {
      GW_ASSIGN_OR_RETURN(query.category_ids, CategoryWithChildren(tx, filter.category_id));
    }
    GW_ASSIGN_OR_RETURN(page.jobs, tx.jobs().ListOpen(query));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToOffsetPage(page.jobs, limit, query.offset, fingerprint);
  return page;
}

}  // namespace gigwire
