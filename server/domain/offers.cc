// Assignment and offer rules; see offers.h.
#include "server/domain/offers.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/jobs.h"
#include "server/domain/milestones.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

constexpr size_t kMaxSellersPerAssignment = 50;

void CheckAssignInput(const AssignInput& in, Violations& v) {
  if (in.job_id.empty()) v.Add("job_id", "is required");
  if (in.seller_ids.empty()) v.Add("seller_ids", "must name at least one seller");
  if (in.seller_ids.size() > kMaxSellersPerAssignment) v.Add("seller_ids", "at most 50 sellers");
  absl::flat_hash_set<std::string> seen;
  for (const std::string& id : in.seller_ids) {
    if (!seen.insert(id).second) v.Add("seller_ids", absl::StrCat(id, " is listed twice"));
  }
  CheckText("note", in.note, 0, 1000, true, v);
  if (in.offer_ttl < absl::Seconds(1) || in.offer_ttl > absl::Hours(24 * 30)) {
    v.Add("offer_ttl", "must be between 1 second and 30 days");
  }
}

Offer NewOffer(const Job& job, const std::string& seller_id, const std::string& assignment_id,
               const AssignInput& in, absl::Time now) {
  Offer offer;
  offer.id = NewId("off");
  offer.job_id = job.id;
  offer.seller_id = seller_id;
  offer.assignment_id = assignment_id;
  offer.note = in.note;
  offer.state = OfferState::kPending;
  offer.expire_time = now + in.offer_ttl;
  offer.create_time = offer.update_time = now;
  return offer;
}

// Re-reads the assignments whose ids are joined in `ids`, in that order.
absl::StatusOr<std::vector<Assignment>> LoadAssignments(Tx& tx, const std::string& job_id,
                                                        const std::string& ids) {
  GW_ASSIGN_OR_RETURN(std::vector<Assignment> all,
                      tx.assignments().ListByJob(job_id, std::nullopt, 1000));
  std::vector<Assignment> out;
  for (absl::string_view id : absl::StrSplit(ids, ',')) {
    for (const Assignment& a : all) {
      if (a.id == id) out.push_back(a);
    }
  }
  return out;
}

absl::Status NothingAfter(Tx&, const Offer&) { return absl::OkStatus(); }

Booking NewBooking(const Offer& offer, const Job& job, absl::Time now) {
  Booking booking;
  booking.id = NewId("bkg");
  booking.job_id = job.id;
  booking.offer_id = offer.id;
  booking.buyer_id = job.buyer_id;
  booking.seller_id = offer.seller_id;
  booking.source = BookingSource::kOffer;
  booking.job_title = job.title;
  booking.price = job.budget_max;  // the seller accepted the job's budget
  booking.due_time = job.due_time;
  booking.state = BookingState::kActive;
  booking.create_time = booking.update_time = now;
  return booking;
}

}  // namespace

std::vector<std::string> OfferActions(const Principal& viewer, const Offer& offer,
                                      absl::Time now) {
  std::vector<std::string> actions;
  if (offer.state != OfferState::kPending || now >= offer.expire_time) return actions;
  if (viewer.user_id == offer.seller_id) {
    if (viewer.Has(Role::kSeller)) actions.push_back("accept");
    actions.push_back("decline");
  }
  if (viewer.Has(Role::kAdmin)) actions.push_back("withdraw");
  return actions;
}

absl::Status Offers::CheckAssignable(Tx& tx, const AssignInput& in) {
  GW_ASSIGN_OR_RETURN(Job job, tx.jobs().FindById(in.job_id));
  GW_RETURN_IF_ERROR(RequireState(job.state, {JobState::kOpen}, "job", "assign sellers to",
                                  JobStateName));
  if (job.sourcing_mode == SourcingMode::kOpen) {
    return InvalidState("an open project takes proposals, not assignments", "OPEN");
  }
  GW_RETURN_IF_ERROR(RequireBeforeDue(job, clock_.Now()));
  Violations violations;
  for (const std::string& seller_id : in.seller_ids) {
    if (seller_id == job.buyer_id) {
      violations.Add("seller_ids", absl::StrCat(seller_id, " is the job's own buyer"));
      continue;
    }
    absl::StatusOr<User> seller = tx.users().FindById(seller_id);
    if (!seller.ok() && !absl::IsNotFound(seller.status())) return seller.status();
    if (!seller.ok() || !seller->roles.Has(Role::kSeller)) {
      violations.Add("seller_ids", absl::StrCat(seller_id, " is not a seller"));
      continue;
    }
    GW_ASSIGN_OR_RETURN(bool has_offer, tx.offers().SellerHasOffer(in.job_id, seller_id));
    if (has_offer) violations.Add("seller_ids", absl::StrCat(seller_id, " already has an offer"));
  }
  return violations.ToStatus();
}

absl::StatusOr<std::vector<Assignment>> Offers::Assign(const Principal& caller,
                                                       const AssignInput& in,
                                                       const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  Violations violations;
  CheckAssignInput(in, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  GW_RETURN_IF_ERROR(CheckRequestId(key));
  std::vector<Assignment> created;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::optional<std::string> replayed, FindReplay(tx, key));
    if (replayed.has_value()) {
      GW_ASSIGN_OR_RETURN(created, LoadAssignments(tx, in.job_id, *replayed));
      return absl::OkStatus();
    }
    absl::Status job = tx.jobs().FindById(in.job_id).status();
    if (absl::IsNotFound(job)) return NotFound(absl::StrCat("job ", in.job_id));
    GW_RETURN_IF_ERROR(CheckAssignable(tx, in));
    const absl::Time now = clock_.Now();
    GW_ASSIGN_OR_RETURN(Job open_job, tx.jobs().FindById(in.job_id));
    std::vector<std::string> ids;
    for (size_t i = 0; i < in.seller_ids.size(); ++i) {
      const std::string& seller_id = in.seller_ids[i];
      // One microsecond apart, so "oldest first" keeps the request's order.
      const absl::Time at = now + absl::Microseconds(static_cast<int64_t>(i));
      Assignment a{NewId("asg"), in.job_id, seller_id, caller.user_id, in.note, "", at};
      Offer offer = NewOffer(open_job, seller_id, a.id, in, at);
      a.offer_id = offer.id;
      GW_RETURN_IF_ERROR(tx.offers().Insert(offer));
      GW_RETURN_IF_ERROR(tx.assignments().Insert(a));
      GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kOfferCreated, caller.user_id, at, offer));
      ids.push_back(a.id);
      created.push_back(std::move(a));
    }
    std::string targets = absl::StrCat(in.job_id, ",", absl::StrJoin(in.seller_ids, ","));
    GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "AssignSellers", targets, in.note, now));
    return RememberRequest(tx, key, absl::StrJoin(ids, ","), now);
  }));
  return created;
}

absl::StatusOr<AssignmentPage> Offers::ListAssignments(const Principal& caller,
                                                       const std::string& job_id,
                                                       int page_size,
                                                       absl::string_view page_token) {
  if (job_id.empty()) return InvalidField("job_id", "is required");
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  const std::string fingerprint = absl::StrCat("assignments:", job_id);
  GW_ASSIGN_OR_RETURN(std::optional<ListCursor> after, DecodePageToken(page_token, fingerprint));
  AssignmentPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    absl::StatusOr<Job> job = tx.jobs().FindById(job_id);
    if (absl::IsNotFound(job.status())) return NotFound(absl::StrCat("job ", job_id));
    GW_RETURN_IF_ERROR(job.status());
    if (!caller.Has(Role::kAdmin) && job->buyer_id != caller.user_id) {
      GW_ASSIGN_OR_RETURN(bool sees_job, tx.offers().SellerHasOffer(job_id, caller.user_id));
      if (!sees_job) return NotFound(absl::StrCat("job ", job_id));
      return NotOwner("only the job's buyer and admins may list its assignments");
    }
    GW_ASSIGN_OR_RETURN(page.assignments, tx.assignments().ListByJob(job_id, after, limit + 1));
    return absl::OkStatus();
  }));
  if (page.assignments.size() > static_cast<size_t>(limit)) {
    page.assignments.resize(limit);
    const Assignment& last = page.assignments.back();
    page.next_page_token = EncodePageToken(fingerprint, {last.create_time, last.id});
  }
  return page;
}

absl::StatusOr<OfferPage> Offers::List(const Principal& caller, const OfferFilter& filter,
                                       int page_size, absl::string_view page_token) {
  const bool admin = caller.Has(Role::kAdmin);
  if (!admin && !filter.seller_id.empty() && filter.seller_id != caller.user_id) {
    return RoleRequired("admin");
  }
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  OfferQuery query;
  query.state = filter.state;
  query.job_id = filter.job_id;
  query.seller_id = admin ? filter.seller_id : caller.user_id;
  const std::string fingerprint =
      absl::StrCat("offers:", query.seller_id, "|", query.job_id, "|",
                   filter.state ? static_cast<int>(*filter.state) : 0);
  GW_ASSIGN_OR_RETURN(query.after, DecodePageToken(page_token, fingerprint));
  query.limit = limit + 1;
  OfferPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.offers, tx.offers().List(query));
    GW_ASSIGN_OR_RETURN(const int64_t latest, tx.events().LatestSequence());
    page.event_cursor = CursorOf(latest);
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.offers, limit, fingerprint);
  return page;
}

absl::StatusOr<Offer> Offers::LoadVisible(Tx& tx, const Principal& caller,
                                          const std::string& id) {
  if (!HasIdShape(id, "off")) {
    return id.empty() ? InvalidField("id", "is required") : NotFound(absl::StrCat("offer ", id));
  }
  GW_ASSIGN_OR_RETURN(Offer offer, tx.offers().FindById(id));
  if (offer.seller_id == caller.user_id || caller.Has(Role::kAdmin)) return offer;
  return NotFound(absl::StrCat("offer ", id));
}

absl::StatusOr<Offer> Offers::Get(const Principal& caller, const std::string& id) {
  Offer offer;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(offer, LoadVisible(tx, caller, id));
    return absl::OkStatus();
  }));
  return offer;
}

absl::StatusOr<Offer> Offers::Answer(const Principal& caller, const std::string& id,
                                     const RequestKey& key, absl::string_view verb,
                                     EventType type,
                                     absl::FunctionRef<absl::Status(Tx&, Offer&)> change,
                                     absl::FunctionRef<absl::Status(Tx&, const Offer&)> after) {
  return IdempotentWrite<Offer>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Offer> {
        const absl::Time now = clock_.Now();  // read under the writer lock
        GW_ASSIGN_OR_RETURN(Offer offer, LoadVisible(tx, caller, id));
        GW_RETURN_IF_ERROR(RequireState(offer.state, {OfferState::kPending}, "offer", verb,
                                        OfferStateName));
        if (now >= offer.expire_time) {
          return InvalidState("the offer has expired", OfferStateName(OfferState::kExpired));
        }
        GW_RETURN_IF_ERROR(change(tx, offer));
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.offers(), offer, now));
        GW_RETURN_IF_ERROR(outbox_.Record(tx, type, caller.user_id, now, offer));
        GW_RETURN_IF_ERROR(after(tx, offer));
        return offer;
      },
      [&](Tx& tx, const std::string& offer_id) { return tx.offers().FindById(offer_id); },
      [](const Offer& offer) { return offer.id; });
}

absl::StatusOr<Offer> Offers::Accept(const Principal& caller, const std::string& id,
                                     const RequestKey& key) {
  Job job;
  Booking booking;
  auto accept = [&](Tx& tx, Offer& offer) -> absl::Status {
    if (offer.seller_id != caller.user_id) return NotOwner("only the offer's seller may accept it");
    // A seller whose role was revoked keeps its bookings but takes no new work.
    GW_RETURN_IF_ERROR(RequireRole(caller, Role::kSeller));
    GW_ASSIGN_OR_RETURN(job, tx.jobs().FindById(offer.job_id));
    GW_RETURN_IF_ERROR(RequireState(job.state, {JobState::kOpen}, "job", "book", JobStateName));
    const absl::Time now = clock_.Now();
    GW_RETURN_IF_ERROR(RequireBeforeDue(job, now));
    booking = NewBooking(offer, job, now);
    offer.state = OfferState::kAccepted;
    offer.booking_id = booking.id;
    return absl::OkStatus();
  };
  auto book = [&](Tx& tx, const Offer& offer) { return Book(tx, caller, offer, job, booking); };
  return Answer(caller, id, key, "accept", EventType::kOfferAccepted, accept, book);
}

absl::Status Offers::Book(Tx& tx, const Principal& caller, const Offer& offer, Job& job,
                          const Booking& booking) {
  const absl::Time now = booking.create_time;
  GW_RETURN_IF_ERROR(ClosePendingOffers(tx, outbox_, caller.user_id, job.id,
                                        OfferState::kSuperseded, "", now, offer.id));
  GW_RETURN_IF_ERROR(tx.bookings().Insert(booking));
  GW_RETURN_IF_ERROR(InsertInitialMilestones(tx, booking));
  GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kBookingCreated, caller.user_id, now, booking));
  job.state = JobState::kBooked;
  job.booking_id = booking.id;
  GW_RETURN_IF_ERROR(SaveNextVersion(tx.jobs(), job, now));
  return outbox_.Record(tx, EventType::kJobBooked, caller.user_id, now, job);
}

absl::StatusOr<Offer> Offers::Decline(const Principal& caller, const std::string& id,
                                      const std::string& reason, const RequestKey& key) {
  Violations v;
  CheckText("reason", reason, 0, 500, true, v);
  GW_RETURN_IF_ERROR(v.ToStatus());
  auto decline = [&](Tx&, Offer& offer) -> absl::Status {
    if (offer.seller_id != caller.user_id) return NotOwner("only the offer's seller may decline it");
    offer.state = OfferState::kDeclined;
    offer.decline_reason = reason;
    return absl::OkStatus();
  };
  return Answer(caller, id, key, "decline", EventType::kOfferDeclined, decline, NothingAfter);
}

absl::StatusOr<Offer> Offers::Withdraw(const Principal& caller, const std::string& id,
                                       const std::string& reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  Violations v;
  CheckText("reason", reason, 1, 500, true, v);
  GW_RETURN_IF_ERROR(v.ToStatus());
  auto withdraw = [&](Tx& tx, Offer& offer) -> absl::Status {
    offer.state = OfferState::kWithdrawn;
    offer.withdraw_reason = reason;
    return RecordAdminAction(tx, caller, "WithdrawOffer", offer.id, reason, clock_.Now());
  };
  return Answer(caller, id, key, "withdraw", EventType::kOfferWithdrawn, withdraw, NothingAfter);
}

absl::StatusOr<int> Offers::ExpireDue(absl::Time now, int limit) {
  int expired = 0;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::vector<Offer> due, tx.offers().ListExpiredPending(now, limit));
    const std::string system(kSystemActor);
    for (Offer& offer : due) {
      offer.state = OfferState::kExpired;
      GW_RETURN_IF_ERROR(SaveNextVersion(tx.offers(), offer, now));
      GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kOfferExpired, system, now, offer));
    }
    expired = static_cast<int>(due.size());
    return absl::OkStatus();
  }));
  return expired;
}

}  // namespace gigwire
