// Plain types of disputes over milestones (issue 15). No gRPC, no SQL; the
// rules are in server/domain/disputes.h.
#ifndef GIGWIRE_SERVER_MODEL_DISPUTE_H_
#define GIGWIRE_SERVER_MODEL_DISPUTE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/marketplace.h"

namespace gigwire {

// Same numbers as gigwire.v1.DisputeState.
enum class DisputeState : uint8_t { kOpen = 1, kResolved = 2 };
const char* DisputeStateName(DisputeState state);

struct DisputeNote {
  std::string id;  // "dnt_..."
  std::string dispute_id;
  std::string author_id;
  std::string text;
  bool internal = false;  // admins only
  absl::Time create_time;
};

struct Dispute {
  std::string id;  // "dsp_..."
  std::string milestone_id;
  std::string booking_id;
  std::string buyer_id;
  std::string seller_id;
  std::string opened_by;
  std::string reason;
  std::string evidence;
  std::string milestone_title;
  Money amount;  // frozen in escrow
  DisputeState state = DisputeState::kOpen;
  Money to_seller;  // the resolution (before the fee)
  Money refunded;
  std::string resolved_by;
  std::string resolution_note;
  std::vector<DisputeNote> notes;  // oldest first; filled by FindById only
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> resolve_time;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_DISPUTE_H_
