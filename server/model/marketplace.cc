// State names of the marketplace types; see marketplace.h.
#include "server/model/marketplace.h"

namespace gigwire {

const char* GigStateName(GigState state) {
  switch (state) {
    case GigState::kDraft: return "DRAFT";
    case GigState::kPendingReview: return "PENDING_REVIEW";
    case GigState::kApproved: return "APPROVED";
    case GigState::kRejected: return "REJECTED";
    case GigState::kPaused: return "PAUSED";
    case GigState::kArchived: return "ARCHIVED";
  }
  return "UNSPECIFIED";
}

const char* JobStateName(JobState state) {
  switch (state) {
    case JobState::kPendingReview: return "PENDING_REVIEW";
    case JobState::kOpen: return "OPEN";
    case JobState::kBooked: return "BOOKED";
    case JobState::kRejected: return "REJECTED";
    case JobState::kCancelled: return "CANCELLED";
    case JobState::kExpired: return "EXPIRED";
    case JobState::kBiddingClosed: return "BIDDING_CLOSED";
  }
  return "UNSPECIFIED";
}

const char* OfferStateName(OfferState state) {
  switch (state) {
    case OfferState::kPending: return "PENDING";
    case OfferState::kAccepted: return "ACCEPTED";
    case OfferState::kDeclined: return "DECLINED";
    case OfferState::kExpired: return "EXPIRED";
    case OfferState::kWithdrawn: return "WITHDRAWN";
    case OfferState::kSuperseded: return "SUPERSEDED";
  }
  return "UNSPECIFIED";
}

const char* BookingStateName(BookingState state) {
  switch (state) {
    case BookingState::kActive: return "ACTIVE";
    case BookingState::kDelivered: return "DELIVERED";
    case BookingState::kCompleted: return "COMPLETED";
    case BookingState::kCancelled: return "CANCELLED";
  }
  return "UNSPECIFIED";
}

int32_t RatingMilli(int64_t rating_sum, int64_t rating_count) {
  if (rating_count <= 0) return 0;
  return static_cast<int32_t>((rating_sum * 1000 + rating_count / 2) / rating_count);
}

}  // namespace gigwire
