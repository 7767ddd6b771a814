// Job rules: buyers post and cancel jobs, admins approve or reject them, the
// scheduler expires jobs whose due time passed unbooked. Open projects
// (sourcing mode OPEN) are found through ListOpen, bid on (proposals.h),
// closed for bidding by the scheduler and extended by their buyer.
//
// Visibility: a job is visible to its buyer, to admins and to sellers holding
// an offer for it; an approved open project in OPEN or BIDDING_CLOSED to
// every caller, and later to the sellers who bid on it; to anyone else it
// does not exist (NOT_FOUND). Errors carry
// reasons as in status.h: INVALID_FIELDS, ROLE_REQUIRED, RESOURCE_NOT_FOUND,
// INVALID_STATE (metadata current_state), ETAG_MISMATCH.
// Events: every change records JOB_* (and OFFER_WITHDRAWN / OFFER_EXPIRED for
// the offers it closes) through the outbox in the same transaction; replays
// of a request_id record nothing.
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_JOBS_H_
#define GIGWIRE_SERVER_DOMAIN_JOBS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/idempotency.h"
#include "server/domain/outbox.h"
#include "server/model/marketplace.h"
#include "server/store/store.h"

namespace gigwire {

struct JobFilter {
  std::optional<JobState> state;
  std::string buyer_id;  // admins only
};

struct JobPage {
  std::vector<Job> jobs;
  std::string next_page_token;
  std::vector<std::pair<JobState, int>> state_counts;
  std::string event_cursor;  // the outbox position this page is consistent with
};

// JobService.ExtendBidding: the new times (unset keeps the current one).
struct BiddingExtension {
  std::optional<absl::Time> bidding_close_time;
  std::optional<absl::Time> award_deadline_time;
};

// JobService.ListOpenJobs' filters.
struct OpenJobFilter {
  std::string category_id;  // with its subcategories
  std::string skill;
  std::string currency_code;
  Money budget_min;  // when has_budget_min: the job's budget max is at least this
  Money budget_max;  // when has_budget_max: the job's budget min is at most this
  bool has_budget_min = false;
  bool has_budget_max = false;
  OpenJobQuery::Order order = OpenJobQuery::Order::kNewest;
};

struct OpenJobPage {
  std::vector<Job> jobs;
  std::string next_page_token;
};

class Jobs {
 public:
  static constexpr absl::Duration kDefaultAwardGrace = absl::Hours(24 * 7);

  // `award_grace`: how long after bidding closes the buyer may still accept
  // a proposal (capped at the job's due time).
  Jobs(Store& store, const Clock& clock, const Outbox& outbox,
       absl::Duration award_grace = kDefaultAwardGrace)
      : store_(store), clock_(clock), outbox_(outbox), award_grace_(award_grace) {}

  // Buyers only. `draft` carries the client-settable fields.
  absl::StatusOr<Job> Create(const Principal& caller, const Job& draft, const RequestKey& key);
  absl::StatusOr<Job> Get(const Principal& caller, const std::string& id);
  absl::StatusOr<JobPage> List(const Principal& caller, const JobFilter& filter, int page_size,
                               absl::string_view page_token);
  // The buyer; PENDING_REVIEW or OPEN; withdraws the job's pending offers.
  absl::StatusOr<Job> Cancel(const Principal& caller, const std::string& id,
                             const std::string& reason, const RequestKey& key);
  // Admins; PENDING_REVIEW -> OPEN.
  absl::StatusOr<Job> Approve(const Principal& caller, const std::string& id,
                              const std::string& note, const RequestKey& key);
  // Admins; PENDING_REVIEW -> REJECTED with a reason.
  absl::StatusOr<Job> Reject(const Principal& caller, const std::string& id,
                             const std::string& reason, const RequestKey& key);
  // The buyer of an open project in OPEN or BIDDING_CLOSED.
  absl::StatusOr<Job> ExtendBidding(const Principal& caller, const std::string& id,
                                    const BiddingExtension& extension, const RequestKey& key);
  // Approved open projects in bidding; any signed-in caller.
  absl::StatusOr<OpenJobPage> ListOpen(const Principal& caller, const OpenJobFilter& filter,
                                       int page_size, absl::string_view page_token);
  // Scheduler: expires up to `limit` due jobs (and open projects past their
  // award deadline) with their pending offers and live proposals, and closes
  // bidding on up to `limit` open projects past their bidding close time.
  // Returns how many jobs changed.
  absl::StatusOr<int> ExpireDue(absl::Time now, int limit = 100);

 private:
  // Loads a visible job, applies `change`, saves it, runs `after` with the
  // saved job, then records `type` and returns the job as stored (all in
  // one transaction).
  absl::StatusOr<Job> Transition(
      const Principal& caller, const std::string& id, const RequestKey& key, EventType type,
      absl::FunctionRef<absl::Status(Tx&, Job&)> change,
      absl::FunctionRef<absl::Status(Tx&, const Job&)> after = [](Tx&, const Job&) {
        return absl::OkStatus();
      });

  Store& store_;
  const Clock& clock_;
  const Outbox& outbox_;
  const absl::Duration award_grace_;
};

// Actions the viewer may take now: "cancel", "approve", "reject", "assign".
std::vector<std::string> JobActions(const Principal& viewer, const Job& job);

// The job `id` if `caller` may see it (see the file comment), read in `tx`;
// NOT_FOUND otherwise, INVALID_ARGUMENT for an empty id.
absl::StatusOr<Job> LoadVisibleJob(Tx& tx, const Principal& caller, const std::string& id);

// FAILED_PRECONDITION (INVALID_STATE, current_state EXPIRED) when the job's
// due time has passed, even if the scheduler has not expired it yet.
absl::Status RequireBeforeDue(const Job& job, absl::Time now);

// The same for an open project's award deadline: past it the job is as good
// as EXPIRED (the scheduler expires it when it next runs).
absl::Status RequireBeforeAwardDeadline(const Job& job, absl::Time now);

// Sets every PENDING offer of `job_id` to `state` (WITHDRAWN, EXPIRED or
// SUPERSEDED) with `reason`, recording OFFER_<state> for each by `actor_id`;
// skips `except_offer_id`.
absl::Status ClosePendingOffers(Tx& tx, const Outbox& outbox, const std::string& actor_id,
                                const std::string& job_id, OfferState state,
                                const std::string& reason, absl::Time now,
                                const std::string& except_offer_id = "");

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_JOBS_H_
