// A new booking's milestones; see milestones.h.
#include "server/domain/milestones.h"

#include "server/common/ids.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

Milestone NewMilestone(const Booking& booking, int32_t position, std::string title,
                       Money amount, absl::Time due_time) {
  Milestone milestone;
  milestone.id = NewId("mst");
  milestone.booking_id = booking.id;
  milestone.position = position;
  milestone.title = std::move(title);
  milestone.amount = std::move(amount);
  milestone.due_time = due_time;
  milestone.state = MilestoneState::kPending;
  milestone.create_time = milestone.update_time = booking.create_time;
  return milestone;
}

}  // namespace

std::vector<Milestone> InitialMilestones(const Booking& booking) {
  std::vector<Milestone> milestones;
  if (booking.milestones.empty()) {
    if (booking.price.amount_minor > 0) {
      milestones.push_back(
          NewMilestone(booking, 0, booking.job_title, booking.price, booking.due_time));
    }
    return milestones;
  }
  for (size_t i = 0; i < booking.milestones.size(); ++i) {
    const PlannedMilestone& step = booking.milestones[i];
    milestones.push_back(NewMilestone(booking, static_cast<int32_t>(i), step.title, step.amount,
                                      booking.create_time + absl::Hours(24) * step.due_in_days));
  }
  return milestones;
}

absl::Status InsertInitialMilestones(Tx& tx, const Booking& booking) {
  for (const Milestone& milestone : InitialMilestones(booking)) {
    GW_RETURN_IF_ERROR(tx.milestones().Insert(milestone));
  }
  return absl::OkStatus();
}

}  // namespace gigwire
