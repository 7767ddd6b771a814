// Plain types of the open market: proposals (sellers' bids on open
// projects) and invitations to bid; sellers' portfolio items are in
// portfolio.h (included here too). No gRPC, no SQL. State enums use the same
// numbers as their gigwire.v1 counterparts.
#ifndef GIGWIRE_SERVER_MODEL_PROPOSAL_H_
#define GIGWIRE_SERVER_MODEL_PROPOSAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/marketplace.h"
#include "server/model/portfolio.h"

namespace gigwire {

enum class ProposalState : uint8_t {
  kSubmitted = 1, kShortlisted = 2, kAccepted = 3, kDeclined = 4, kWithdrawn = 5,
  kNotSelected = 6
};
const char* ProposalStateName(ProposalState state);
// SUBMITTED or SHORTLISTED: still in the running.
bool IsLive(ProposalState state);

struct Proposal {
  std::string id;
  std::string job_id;
  std::string seller_id;
  Money price;
  int32_t delivery_days = 1;
  std::string cover_letter;
  std::vector<PlannedMilestone> milestones;
  ProposalState state = ProposalState::kSubmitted;
  std::string decline_reason;
  std::string withdraw_reason;
  std::string booking_id;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
  // Read-only, joined for display and visibility.
  std::string job_title;
  std::string buyer_id;  // the job's buyer
  JobState job_state = JobState::kOpen;
  std::optional<absl::Time> bidding_close_time;  // the job's
  bool invited = false;  // the buyer invited this seller to bid
  std::string seller_display_name;
  int32_t seller_rating_milli = 0;
};

struct BidInvitation {
  std::string id;
  std::string job_id;
  std::string seller_id;
  std::string buyer_id;
  std::string note;
  absl::Time create_time;
  std::string job_title;  // read-only, joined from the job
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_PROPOSAL_H_
