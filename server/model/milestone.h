// Plain types of a booking's milestones (issue 15): the unit in which money is
// funded, held in escrow and released. No gRPC, no SQL; the lifecycle rules
// are in server/domain/milestone_rules.h.
//
//   PROPOSED ──accept──▶ PENDING ──fund──▶ FUNDED ──submit──▶ SUBMITTED ──approve──▶ RELEASED
//      │                    │                │  ▲                 │  (or auto-release)
//      └─decline─▶ CANCELLED ◀──cancel───────┘  └─submit── REVISION_REQUESTED ◀─request revision
//   FUNDED / SUBMITTED / REVISION_REQUESTED ──dispute──▶ DISPUTED ──resolve──▶ RESOLVED
#ifndef GIGWIRE_SERVER_MODEL_MILESTONE_H_
#define GIGWIRE_SERVER_MODEL_MILESTONE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/model/marketplace.h"

namespace gigwire {

// Same numbers as gigwire.v1.MilestoneState.
enum class MilestoneState : uint8_t {
  kProposed = 1,           // added to a running booking by one side; the other accepts
  kPending = 2,            // agreed, not funded (a payment may be under way)
  kFunded = 3,             // its money is in escrow; the seller may work
  kSubmitted = 4,          // the seller delivered; the buyer approves or asks again
  kRevisionRequested = 5,  // the buyer asked for changes
  kReleased = 6,           // paid to the seller (minus the platform fee)
  kCancelled = 7,          // ended without release; funded money went back
  kDisputed = 8,           // money frozen until an admin resolves it
  kResolved = 9,           // settled by an admin: part to the seller, the rest back
};
const char* MilestoneStateName(MilestoneState state);
bool IsFinal(MilestoneState state);  // released, cancelled, resolved
// Whether the milestone's money is in escrow in this state.
bool HoldsEscrow(MilestoneState state);

struct Milestone {
  std::string id;  // "mst_..."
  std::string booking_id;
  // The booking's parties: not stored with the milestone; filled by the
  // domain from the booking (read only).
  std::string buyer_id;
  std::string seller_id;
  int32_t position = 0;  // order within the booking
  std::string title;
  Money amount;
  absl::Time due_time;
  MilestoneState state = MilestoneState::kPending;
  std::string proposed_by;  // for PROPOSED ones: who proposed (the other side accepts)
  std::string submission_note;
  std::string revision_note;
  int32_t revision_count = 0;
  // When a SUBMITTED milestone is released by itself if the buyer does nothing.
  std::optional<absl::Time> auto_release_time;
  std::string payment_id;  // the latest payment for it
  std::string dispute_id;  // once disputed
  std::string cancel_reason;
  // Money that left its escrow: to the seller before the fee (RELEASED, or a
  // resolution's part) and back to the buyer (a refund). Minor units of
  // amount's currency.
  int64_t released_minor = 0;
  int64_t refunded_minor = 0;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_MILESTONE_H_
