// JobRepository and its query (JobQuery). See store.h for the transaction, error
// and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_JOB_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_JOB_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/marketplace.h"
#include "server/store/list_cursor.h"

namespace gigwire {

struct JobQuery {
  std::optional<JobState> state;
  std::string buyer_id;  // empty: every buyer
  std::optional<ListCursor> after;
  int limit = 50;
};

// Approved open projects in bidding (ListOpenJobs).
struct OpenJobQuery {
  std::vector<std::string> category_ids;  // any of these; empty: any category
  std::string skill;                      // lower-case; the job wants this skill
  std::string currency_code;              // empty: any currency
  std::optional<int64_t> budget_min_minor;  // the budget's max is at least this
  std::optional<int64_t> budget_max_minor;  // the budget's min is at most this
  enum class Order { kNewest, kBudget, kClosingSoon } order = Order::kNewest;
  absl::Time now = absl::InfinitePast();  // only jobs whose bidding closes after it
  int offset = 0;
  int limit = 50;
};

class JobRepository {
 public:
  virtual ~JobRepository() = default;
  virtual absl::StatusOr<Job> FindById(const std::string& id) = 0;
  virtual absl::Status Insert(const Job& job) = 0;
  virtual absl::Status Update(const Job& job, int64_t expected_version) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<Job>> List(const JobQuery& query) = 0;
  // Jobs per state, for one buyer or (empty buyer_id) all.
  virtual absl::StatusOr<std::vector<std::pair<JobState, int>>> CountByState(
      const std::string& buyer_id) = 0;
  // PENDING_REVIEW or OPEN jobs whose due time is at or before `now`.
  virtual absl::StatusOr<std::vector<Job>> ListDue(absl::Time now, int limit) = 0;
  virtual absl::StatusOr<std::vector<Job>> ListOpen(const OpenJobQuery& query) = 0;
  // Open projects still OPEN whose bidding close time is at or before `now`.
  virtual absl::StatusOr<std::vector<Job>> ListBiddingDue(absl::Time now, int limit) = 0;
  // Open projects BIDDING_CLOSED whose award deadline is at or before `now`.
  virtual absl::StatusOr<std::vector<Job>> ListAwardDue(absl::Time now, int limit) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_JOB_REPOSITORY_H_
