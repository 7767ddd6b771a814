// MilestoneRepository: bookings' milestones (rules in
// server/domain/milestone_rules.h). See store.h for the transaction, error and
// thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_MILESTONE_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_MILESTONE_REPOSITORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/milestone.h"

namespace gigwire {

class MilestoneRepository {
 public:
  virtual ~MilestoneRepository() = default;
  virtual absl::StatusOr<Milestone> FindById(const std::string& id) = 0;
  // The booking's milestones by position.
  virtual absl::StatusOr<std::vector<Milestone>> ListByBooking(const std::string& booking_id) = 0;
  // ALREADY_EXISTS when the booking already has a milestone at that position.
  virtual absl::Status Insert(const Milestone& milestone) = 0;
  // ABORTED (ETAG_MISMATCH) unless the stored version is `expected_version`.
  virtual absl::Status Update(const Milestone& milestone, int64_t expected_version) = 0;
  // SUBMITTED milestones whose auto_release_time is at or before `now`,
  // oldest first (the scheduler releases them).
  virtual absl::StatusOr<std::vector<Milestone>> ListDueForAutoRelease(absl::Time now,
                                                                       int limit) = 0;
  // Every milestone whose money is in escrow (funded, submitted, in revision
  // or disputed), for reconciliation; streamed.
  virtual absl::Status ForEachHoldingEscrow(absl::FunctionRef<void(const Milestone&)> visit) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_MILESTONE_REPOSITORY_H_
