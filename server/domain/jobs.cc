// Job rules; see jobs.h.
#include "server/domain/jobs.h"

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/money.h"
#include "server/domain/pagination.h"
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

}  // namespace

std::vector<std::string> JobActions(const Principal& viewer, const Job& job) {
  std::vector<std::string> actions;
  bool live = job.state == JobState::kPendingReview || job.state == JobState::kOpen;
  if (viewer.user_id == job.buyer_id && live) actions.push_back("cancel");
  if (viewer.Has(Role::kAdmin) && job.state == JobState::kPendingReview) {
    actions.push_back("approve");
    actions.push_back("reject");
  }
  if (viewer.Has(Role::kAdmin) && job.state == JobState::kOpen) actions.push_back("assign");
  return actions;
}

absl::Status RequireBeforeDue(const Job& job, absl::Time now) {
  if (now < job.due_time) return absl::OkStatus();
  return InvalidState("the job's due time has passed", JobStateName(JobState::kExpired));
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

absl::StatusOr<Job> Jobs::LoadVisible(Tx& tx, const Principal& caller, const std::string& id) {
  if (!HasIdShape(id, "job")) {
    return id.empty() ? InvalidField("id", "is required") : NotFound(absl::StrCat("job ", id));
  }
  GW_ASSIGN_OR_RETURN(Job job, tx.jobs().FindById(id));
  if (job.buyer_id == caller.user_id || caller.Has(Role::kAdmin)) return job;
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
    GW_ASSIGN_OR_RETURN(job, LoadVisible(tx, caller, id));
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
                                     absl::FunctionRef<absl::Status(Tx&, Job&)> change) {
  return IdempotentWrite<Job>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Job> {
        GW_ASSIGN_OR_RETURN(Job job, LoadVisible(tx, caller, id));
        GW_RETURN_IF_ERROR(change(tx, job));
        const absl::Time now = clock_.Now();
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.jobs(), job, now));
        GW_RETURN_IF_ERROR(outbox_.Record(tx, type, caller.user_id, now, job));
        return job;
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
    GW_RETURN_IF_ERROR(
        RequireJobState(job, {JobState::kPendingReview, JobState::kOpen}, "cancel"));
    job.state = JobState::kCancelled;
    job.cancel_reason = reason;
    return ClosePendingOffers(tx, outbox_, caller.user_id, job.id, OfferState::kWithdrawn,
                              "the job was cancelled", clock_.Now());
  };
  return Transition(caller, id, key, EventType::kJobCancelled, cancel);
}

absl::StatusOr<Job> Jobs::Approve(const Principal& caller, const std::string& id,
                                  const std::string& note, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_RETURN_IF_ERROR(CheckReason("note", note, 0));
  auto approve = [&](Tx& tx, Job& job) -> absl::Status {
    GW_RETURN_IF_ERROR(RequireJobState(job, {JobState::kPendingReview}, "approve"));
    GW_RETURN_IF_ERROR(RequireBeforeDue(job, clock_.Now()));
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
  int expired = 0;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::vector<Job> due, tx.jobs().ListDue(now, limit));
    const std::string system(kSystemActor);
    for (Job& job : due) {
      job.state = JobState::kExpired;
      GW_RETURN_IF_ERROR(SaveNextVersion(tx.jobs(), job, now));
      GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kJobExpired, system, now, job));
      GW_RETURN_IF_ERROR(
          ClosePendingOffers(tx, outbox_, system, job.id, OfferState::kExpired, "", now));
    }
    expired = static_cast<int>(due.size());
    return absl::OkStatus();
  }));
  return expired;
}

}  // namespace gigwire
