// Proposal rules; see proposals.h.
#include "server/domain/proposals.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/jobs.h"
#include "server/domain/milestones.h"
#include "server/domain/money.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

constexpr int kMaxDeliveryDays = 365;
constexpr size_t kMaxMilestones = 20;
constexpr size_t kMaxLiveProposalsPerJob = 100000;  // CloseLiveProposals reads all at once

absl::Status RequireProposalState(const Proposal& p, std::initializer_list<ProposalState> allowed,
                                  absl::string_view verb) {
  return RequireState(p.state, allowed, "proposal", verb, ProposalStateName);
}

void CheckPlan(const Proposal& p, Violations& v) {
  if (p.milestones.size() > kMaxMilestones) v.Add("proposal.milestones", "at most 20 steps");
  // The sum of the valid amounts, each at most the price, added only while
  // it stays at most the price: no overflow, whatever the amounts.
  int64_t sum = 0;
  bool over_price = false;
  int32_t previous_due = 0;
  for (size_t i = 0; i < p.milestones.size(); ++i) {
    const PlannedMilestone& step = p.milestones[i];
    const std::string field = absl::StrCat("proposal.milestones[", i, "]");
    CheckText(field + ".title", step.title, 1, 120, false, v);
    if (step.amount.currency_code != p.price.currency_code) {
      v.Add(field + ".amount.currency_code", "must be the price's currency");
    }
    if (step.amount.amount_minor <= 0) {
      v.Add(field + ".amount.amount_minor", "must be positive");
    } else if (p.price.amount_minor > 0 && step.amount.amount_minor > p.price.amount_minor) {
      v.Add(field + ".amount.amount_minor", "must not be more than the price");
    } else if (over_price || sum > p.price.amount_minor - step.amount.amount_minor) {
      over_price = true;
    } else {
      sum += step.amount.amount_minor;
    }
    if (step.due_in_days < 1 || step.due_in_days > p.delivery_days) {
      // Out of range: reported here only, not again as the next step's order.
      v.Add(field + ".due_in_days", "must be between 1 and the delivery days");
    } else if (step.due_in_days < previous_due) {
      v.Add(field + ".due_in_days", "must not be before the previous step's");
    } else {
      previous_due = step.due_in_days;
    }
  }
  if (over_price) {
    v.Add("proposal.milestones", "amounts sum to more than the price");
  } else if (!p.milestones.empty() && sum != p.price.amount_minor) {
    v.Add("proposal.milestones",
          absl::StrCat("amounts sum to ", sum, ", not the price ", p.price.amount_minor));
  }
}

// Every rule of a proposal's client-set fields; `currency` is the job's.
void CheckProposal(const Proposal& p, absl::string_view currency, Violations& v) {
  CheckMoney("proposal.price", p.price, v);
  if (p.price.currency_code != currency) {
    v.Add("proposal.price.currency_code",
          absl::StrCat("must be the job budget's currency (", currency, ")"));
  }
  if (p.price.amount_minor <= 0) v.Add("proposal.price.amount_minor", "must be positive");
  if (p.delivery_days < 1 || p.delivery_days > kMaxDeliveryDays) {
    v.Add("proposal.delivery_days", "must be between 1 and 365");
  }
  CheckText("proposal.cover_letter", p.cover_letter, 1, 5000, true, v);
  CheckPlan(p, v);
}

void Apply(const ProposalDraft& draft, Proposal& p) {
  p.price = draft.price;
  p.delivery_days = draft.delivery_days;
  p.cover_letter = draft.cover_letter;
  p.milestones = draft.milestones;
}

// The update mask applied to `p`. INVALID_ARGUMENT for no or unknown paths.
absl::Status ApplyMask(const ProposalDraft& draft, const std::vector<std::string>& paths,
                       Proposal& p) {
  if (paths.empty()) return InvalidField("update_mask", "must name at least one field");
  for (const std::string& path : paths) {
    if (path == "price") {
      p.price = draft.price;
    } else if (path == "delivery_days") {
      p.delivery_days = draft.delivery_days;
    } else if (path == "cover_letter") {
      p.cover_letter = draft.cover_letter;
    } else if (path == "milestones") {
      p.milestones = draft.milestones;
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("unknown path \"", path,
                                       "\" (price, delivery_days, cover_letter, milestones)"));
    }
  }
  return absl::OkStatus();
}

bool JobTakesDecisions(JobState state) {
  return state == JobState::kOpen || state == JobState::kBiddingClosed;
}

Booking NewBooking(const Proposal& p, const Job& job, absl::Time now) {
  Booking booking;
  booking.id = NewId("bkg");
  booking.source = BookingSource::kProposal;
  booking.job_id = job.id;
  booking.proposal_id = p.id;
  booking.buyer_id = job.buyer_id;
  booking.seller_id = p.seller_id;
  booking.job_title = job.title;
  booking.price = p.price;
  booking.due_time = now + absl::Hours(24) * p.delivery_days;
  booking.milestones = p.milestones;
  booking.state = BookingState::kActive;
  booking.create_time = booking.update_time = now;
  return booking;
}

absl::Status CheckReason(absl::string_view field, absl::string_view text, size_t max) {
  Violations v;
  CheckText(field, text, 0, max, true, v);
  return v.ToStatus();
}

}  // namespace

bool IsInBidding(const Job& job, absl::Time now) {
  return job.sourcing_mode == SourcingMode::kOpen && job.state == JobState::kOpen &&
         job.bidding_close_time.has_value() && now < *job.bidding_close_time &&
         now < job.due_time;
}

std::vector<std::string> ProposalActions(const Principal& viewer, const Proposal& p,
                                         absl::Time now) {
  std::vector<std::string> actions;
  if (!IsLive(p.state)) return actions;
  if (viewer.user_id == p.seller_id) {
    const bool bidding = p.job_state == JobState::kOpen && p.bidding_close_time.has_value() &&
                         now < *p.bidding_close_time;
    if (bidding) actions.push_back("update");
    actions.push_back("withdraw");
  }
  if (viewer.user_id == p.buyer_id && JobTakesDecisions(p.job_state)) {
    if (p.state == ProposalState::kSubmitted) actions.push_back("shortlist");
    actions.push_back("decline");
    actions.push_back("accept");
  }
  return actions;
}

absl::Status CloseLiveProposals(Tx& tx, const Outbox& outbox, const std::string& actor_id,
                                const std::string& job_id, absl::Time now,
                                const std::string& except_id) {
  ProposalQuery query;
  query.job_id = job_id;
  query.states = {ProposalState::kSubmitted, ProposalState::kShortlisted};
  query.limit = kMaxLiveProposalsPerJob;
  GW_ASSIGN_OR_RETURN(std::vector<Proposal> live, tx.proposals().List(query));
  for (Proposal& p : live) {
    if (p.id == except_id) continue;
    p.state = ProposalState::kNotSelected;
    GW_RETURN_IF_ERROR(SaveNextVersion(tx.proposals(), p, now));
    GW_RETURN_IF_ERROR(outbox.Record(tx, EventType::kProposalNotSelected, actor_id, now, p));
  }
  return absl::OkStatus();
}

absl::StatusOr<Proposal> Proposals::LoadVisible(Tx& tx, const Principal& caller,
                                                const std::string& id) {
  if (!HasIdShape(id, "prp")) {
    return id.empty() ? InvalidField("id", "is required") : NotFound(absl::StrCat("proposal ", id));
  }
  GW_ASSIGN_OR_RETURN(Proposal p, tx.proposals().FindById(id));
  if (p.seller_id == caller.user_id || p.buyer_id == caller.user_id ||
      caller.Has(Role::kAdmin)) {
    return p;
  }
  return NotFound(absl::StrCat("proposal ", id));  // sealed: another seller's bid
}

absl::StatusOr<Job> Proposals::LoadBiddable(Tx& tx, const Principal& caller,
                                            const std::string& job_id) {
  if (!HasIdShape(job_id, "job")) {
    return job_id.empty() ? InvalidField("job_id", "is required")
                          : NotFound(absl::StrCat("job ", job_id));
  }
  GW_ASSIGN_OR_RETURN(Job job, tx.jobs().FindById(job_id));
  const bool approved =
      job.state != JobState::kPendingReview && job.state != JobState::kRejected;
  if (!approved && job.buyer_id != caller.user_id) return NotFound(absl::StrCat("job ", job_id));
  if (job.buyer_id == caller.user_id) return SelfDealing("you cannot bid on your own job");
  if (job.sourcing_mode != SourcingMode::kOpen) {
    return BiddingClosed("this job is assigned by admins and takes no proposals");
  }
  if (!IsInBidding(job, clock_.Now())) {
    return BiddingClosed(absl::StrCat("bidding on this job is closed (job state ",
                                      JobStateName(job.state), ")"));
  }
  return job;
}

absl::StatusOr<Proposal> Proposals::Submit(const Principal& caller, const std::string& job_id,
                                           const ProposalDraft& draft, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kSeller));
  return IdempotentWrite<Proposal>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Proposal> {
        const absl::Time now = clock_.Now();
        GW_ASSIGN_OR_RETURN(Job job, LoadBiddable(tx, caller, job_id));
        Proposal p;
        Apply(draft, p);
        Violations violations;
        CheckProposal(p, job.budget_min.currency_code, violations);
        GW_RETURN_IF_ERROR(violations.ToStatus());
        absl::StatusOr<Proposal> live = tx.proposals().FindLive(job.id, caller.user_id);
        if (live.ok()) return ProposalExists(live->id);
        if (!absl::IsNotFound(live.status())) return live.status();
        ProposalQuery declined{job.id, caller.user_id, {ProposalState::kDeclined},
                               ProposalQuery::Order::kNewest, 0, 1};
        GW_ASSIGN_OR_RETURN(const int declines, tx.proposals().Count(declined));
        if (declines > 0) {
          return InvalidState("the buyer declined your proposal on this job", "DECLINED");
        }
        GW_ASSIGN_OR_RETURN(const int open, tx.proposals().CountLiveBySeller(caller.user_id));
        if (open >= max_open_) return TooManyOpenProposals(max_open_);
        p.id = NewId("prp");
        p.job_id = job.id;
        p.seller_id = caller.user_id;
        p.state = ProposalState::kSubmitted;
        p.create_time = p.update_time = now;
        GW_RETURN_IF_ERROR(tx.proposals().Insert(p));
        GW_RETURN_IF_ERROR(
            outbox_.Record(tx, EventType::kProposalSubmitted, caller.user_id, now, p));
        return tx.proposals().FindById(p.id);
      },
      [&](Tx& tx, const std::string& id) { return tx.proposals().FindById(id); },
      [](const Proposal& p) { return p.id; });
}

absl::StatusOr<Proposal> Proposals::Change(
    const Principal& caller, const std::string& id, const RequestKey& key, EventType type,
    absl::FunctionRef<absl::Status(Tx&, Proposal&)> change) {
  return IdempotentWrite<Proposal>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Proposal> {
        GW_ASSIGN_OR_RETURN(Proposal p, LoadVisible(tx, caller, id));
        GW_RETURN_IF_ERROR(change(tx, p));
        const absl::Time now = clock_.Now();
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.proposals(), p, now));
        GW_RETURN_IF_ERROR(outbox_.Record(tx, type, caller.user_id, now, p));
        return tx.proposals().FindById(p.id);
      },
      [&](Tx& tx, const std::string& proposal_id) { return tx.proposals().FindById(proposal_id); },
      [](const Proposal& p) { return p.id; });
}

absl::StatusOr<Proposal> Proposals::Update(const Principal& caller, const std::string& id,
                                           const ProposalDraft& draft,
                                           const std::vector<std::string>& paths,
                                           const std::string& etag, const RequestKey& key) {
  auto update = [&](Tx& tx, Proposal& p) -> absl::Status {
    if (p.seller_id != caller.user_id) return NotOwner("only the proposal's seller may update it");
    GW_RETURN_IF_ERROR(CheckEtag(etag, p.version, "proposal"));
    GW_RETURN_IF_ERROR(RequireProposalState(
        p, {ProposalState::kSubmitted, ProposalState::kShortlisted}, "update"));
    GW_ASSIGN_OR_RETURN(Job job, tx.jobs().FindById(p.job_id));
    if (!IsInBidding(job, clock_.Now())) return BiddingClosed("bidding on this job is closed");
    GW_RETURN_IF_ERROR(ApplyMask(draft, paths, p));
    Violations violations;
    CheckProposal(p, job.budget_min.currency_code, violations);
    return violations.ToStatus();
  };
  return Change(caller, id, key, EventType::kProposalUpdated, update);
}

absl::StatusOr<Proposal> Proposals::Withdraw(const Principal& caller, const std::string& id,
                                             const std::string& reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckReason("reason", reason, 500));
  auto withdraw = [&](Tx&, Proposal& p) -> absl::Status {
    if (p.seller_id != caller.user_id) {
      return NotOwner("only the proposal's seller may withdraw it");
    }
    GW_RETURN_IF_ERROR(RequireProposalState(
        p, {ProposalState::kSubmitted, ProposalState::kShortlisted}, "withdraw"));
    p.state = ProposalState::kWithdrawn;
    p.withdraw_reason = reason;
    return absl::OkStatus();
  };
  return Change(caller, id, key, EventType::kProposalWithdrawn, withdraw);
}

absl::StatusOr<Proposal> Proposals::Get(const Principal& caller, const std::string& id) {
  Proposal p;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(p, LoadVisible(tx, caller, id));
    return absl::OkStatus();
  }));
  return p;
}

absl::StatusOr<ProposalPage> Proposals::List(const Principal& caller,
                                             const ProposalFilter& filter, int page_size,
                                             absl::string_view page_token) {
  const bool admin = caller.Has(Role::kAdmin);
  if (!admin && !filter.seller_id.empty() && filter.seller_id != caller.user_id) {
    return RoleRequired("admin");
  }
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  ProposalQuery query;
  query.job_id = filter.job_id;
  query.seller_id = filter.seller_id;
  query.order = filter.order;
  if (filter.shortlisted_only) {
    query.states = {ProposalState::kShortlisted};
  } else if (filter.state.has_value()) {
    query.states = {*filter.state};
  }
  ProposalPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    if (!admin) {
      // A job's buyer sees every proposal on it; anyone else only their own.
      bool buyer = false;
      if (!filter.job_id.empty()) {
        absl::StatusOr<Job> job = tx.jobs().FindById(filter.job_id);
        if (!job.ok() && !absl::IsNotFound(job.status())) return job.status();
        buyer = job.ok() && job->buyer_id == caller.user_id;
      } else if (!caller.Has(Role::kSeller)) {
        return InvalidField("job_id", "is required (the id of your job)");
      }
      if (!buyer) query.seller_id = caller.user_id;
    }
    const std::string fingerprint = absl::StrCat(
        "proposals:", query.job_id, "|", query.seller_id, "|",
        query.states.empty() ? 0 : static_cast<int>(query.states[0]), "|",
        static_cast<int>(query.order));
    GW_ASSIGN_OR_RETURN(query.offset, DecodeOffsetToken(page_token, fingerprint));
    query.limit = limit + 1;
    GW_ASSIGN_OR_RETURN(page.proposals, tx.proposals().List(query));
    GW_ASSIGN_OR_RETURN(page.total_size, tx.proposals().Count(query));
    page.next_page_token = TrimToOffsetPage(page.proposals, limit, query.offset, fingerprint);
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<Proposal> Proposals::Shortlist(const Principal& caller, const std::string& id,
                                              const RequestKey& key) {
  auto shortlist = [&](Tx&, Proposal& p) -> absl::Status {
    if (p.buyer_id != caller.user_id) return NotOwner("only the job's buyer may shortlist");
    if (!JobTakesDecisions(p.job_state)) {
      return InvalidState("the job no longer takes decisions", JobStateName(p.job_state));
    }
    GW_RETURN_IF_ERROR(RequireProposalState(p, {ProposalState::kSubmitted}, "shortlist"));
    p.state = ProposalState::kShortlisted;
    return absl::OkStatus();
  };
  return Change(caller, id, key, EventType::kProposalShortlisted, shortlist);
}

absl::StatusOr<Proposal> Proposals::Decline(const Principal& caller, const std::string& id,
                                            const std::string& reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckReason("reason", reason, 500));
  auto decline = [&](Tx&, Proposal& p) -> absl::Status {
    if (p.buyer_id != caller.user_id) return NotOwner("only the job's buyer may decline");
    GW_RETURN_IF_ERROR(RequireProposalState(
        p, {ProposalState::kSubmitted, ProposalState::kShortlisted}, "decline"));
    p.state = ProposalState::kDeclined;
    p.decline_reason = reason;
    return absl::OkStatus();
  };
  return Change(caller, id, key, EventType::kProposalDeclined, decline);
}

absl::StatusOr<Proposal> Proposals::Accept(const Principal& caller, const std::string& id,
                                           const RequestKey& key) {
  return IdempotentWrite<Proposal>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Proposal> {
        const absl::Time now = clock_.Now();
        GW_ASSIGN_OR_RETURN(Proposal p, LoadVisible(tx, caller, id));
        if (p.buyer_id != caller.user_id) return NotOwner("only the job's buyer may accept");
        GW_RETURN_IF_ERROR(RequireProposalState(
            p, {ProposalState::kSubmitted, ProposalState::kShortlisted}, "accept"));
        GW_RETURN_IF_ERROR(Book(tx, caller, p, now));
        return tx.proposals().FindById(p.id);
      },
      [&](Tx& tx, const std::string& proposal_id) { return tx.proposals().FindById(proposal_id); },
      [](const Proposal& p) { return p.id; });
}

absl::Status Proposals::Book(Tx& tx, const Principal& caller, Proposal& p, absl::Time now) {
  GW_ASSIGN_OR_RETURN(Job job, tx.jobs().FindById(p.job_id));
  GW_RETURN_IF_ERROR(
      RequireState(job.state, {JobState::kOpen, JobState::kBiddingClosed}, "job", "book",
                   JobStateName));
  GW_RETURN_IF_ERROR(RequireBeforeDue(job, now));
  GW_RETURN_IF_ERROR(RequireBeforeAwardDeadline(job, now));
  GW_ASSIGN_OR_RETURN(User seller, tx.users().FindById(p.seller_id));
  if (!seller.roles.Has(Role::kSeller)) {
    return SellerUnavailable("the proposal's seller no longer takes work");
  }
  // Every row changes before the first event is recorded, so each event
  // carries the outcome (a proposal's job_state is already BOOKED).
  const Booking booking = NewBooking(p, job, now);
  GW_RETURN_IF_ERROR(tx.bookings().Insert(booking));
  GW_RETURN_IF_ERROR(InsertInitialMilestones(tx, booking));
  job.state = JobState::kBooked;
  job.booking_id = booking.id;
  GW_RETURN_IF_ERROR(SaveNextVersion(tx.jobs(), job, now));
  p.state = ProposalState::kAccepted;
  p.booking_id = booking.id;
  GW_RETURN_IF_ERROR(SaveNextVersion(tx.proposals(), p, now));
  GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kProposalAccepted, caller.user_id, now, p));
  GW_RETURN_IF_ERROR(CloseLiveProposals(tx, outbox_, caller.user_id, job.id, now, p.id));
  GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kBookingCreated, caller.user_id, now, booking));
  return outbox_.Record(tx, EventType::kJobBooked, caller.user_id, now, job);
}

absl::StatusOr<BidInvitation> Proposals::Invite(const Principal& caller,
                                                const std::string& job_id,
                                                const std::string& seller_id,
                                                const std::string& note,
                                                const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckReason("note", note, 1000));
  if (job_id.empty()) return InvalidField("job_id", "is required");
  if (seller_id.empty()) return InvalidField("seller_id", "is required");
  return IdempotentWrite<BidInvitation>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<BidInvitation> {
        const absl::Time now = clock_.Now();
        // Whoever sees the job (an open project in bidding: everyone) but is
        // not its buyer is PERMISSION_DENIED, as in ExtendBidding.
        absl::StatusOr<Job> job = LoadVisibleJob(tx, caller, job_id);
        GW_RETURN_IF_ERROR(job.status());
        if (job->buyer_id != caller.user_id) return NotOwner("only the job's buyer may invite");
        if (seller_id == caller.user_id) return SelfDealing("you cannot invite yourself");
        if (!IsInBidding(*job, now)) return BiddingClosed("the job is not in bidding");
        absl::StatusOr<User> seller = tx.users().FindById(seller_id);
        if (absl::IsNotFound(seller.status())) return NotFound(absl::StrCat("user ", seller_id));
        GW_RETURN_IF_ERROR(seller.status());
        if (!seller->roles.Has(Role::kSeller)) return SellerUnavailable("the user is not a seller");
        BidInvitation invitation{NewId("inv"), job->id, seller_id, caller.user_id, note, now, ""};
        GW_RETURN_IF_ERROR(tx.bid_invitations().Insert(invitation));
        GW_RETURN_IF_ERROR(
            outbox_.Record(tx, EventType::kInvitedToBid, caller.user_id, now, invitation));
        return tx.bid_invitations().FindById(invitation.id);
      },
      [&](Tx& tx, const std::string& id) { return tx.bid_invitations().FindById(id); },
      [](const BidInvitation& invitation) { return invitation.id; });
}

}  // namespace gigwire
