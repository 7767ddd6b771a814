// Job rules: buyers post and cancel jobs, admins approve or reject them, the
// scheduler expires jobs whose due time passed unbooked.
//
// Visibility: a job is visible to its buyer, to admins and to sellers holding
// an offer for it; to anyone else it does not exist (NOT_FOUND). Errors carry
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

class Jobs {
 public:
  Jobs(Store& store, const Clock& clock, const Outbox& outbox)
      : store_(store), clock_(clock), outbox_(outbox) {}

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
  // Scheduler: expires up to `limit` due jobs and their pending offers.
  absl::StatusOr<int> ExpireDue(absl::Time now, int limit = 100);

 private:
  // Loads a job the caller may see (NOT_FOUND otherwise) inside `tx`.
  absl::StatusOr<Job> LoadVisible(Tx& tx, const Principal& caller, const std::string& id);
  // Loads a visible job, applies `change`, saves it and records `type`.
  absl::StatusOr<Job> Transition(const Principal& caller, const std::string& id,
                                 const RequestKey& key, EventType type,
                                 absl::FunctionRef<absl::Status(Tx&, Job&)> change);

  Store& store_;
  const Clock& clock_;
  const Outbox& outbox_;
};

// Actions the viewer may take now: "cancel", "approve", "reject", "assign".
std::vector<std::string> JobActions(const Principal& viewer, const Job& job);

// FAILED_PRECONDITION (INVALID_STATE, current_state EXPIRED) when the job's
// due time has passed, even if the scheduler has not expired it yet.
absl::Status RequireBeforeDue(const Job& job, absl::Time now);

// Sets every PENDING offer of `job_id` to `state` (WITHDRAWN, EXPIRED or
// SUPERSEDED) with `reason`, recording OFFER_<state> for each by `actor_id`;
// skips `except_offer_id`.
absl::Status ClosePendingOffers(Tx& tx, const Outbox& outbox, const std::string& actor_id,
                                const std::string& job_id, OfferState state,
                                const std::string& reason, absl::Time now,
                                const std::string& except_offer_id = "");

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_JOBS_H_
