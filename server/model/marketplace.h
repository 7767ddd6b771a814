// Plain domain types of the marketplace: categories, gigs, jobs,
// assignments, offers, bookings, reviews, audit entries. No gRPC, no SQL.
// State enums use the same numbers as their gigwire.v1 counterparts.
#ifndef GIGWIRE_SERVER_MODEL_MARKETPLACE_H_
#define GIGWIRE_SERVER_MODEL_MARKETPLACE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/portfolio.h"

namespace gigwire {

struct Money {
  std::string currency_code;  // ISO 4217, e.g. "USD"
  int64_t amount_minor = 0;
};

inline bool operator==(const Money& a, const Money& b) {
  return a.currency_code == b.currency_code && a.amount_minor == b.amount_minor;
}

// One step of a milestone plan (proposals, bookings).
struct PlannedMilestone {
  std::string title;
  Money amount;
  int32_t due_in_days = 1;
};

inline bool operator==(const PlannedMilestone& a, const PlannedMilestone& b) {
  return a.title == b.title && a.amount == b.amount && a.due_in_days == b.due_in_days;
}

struct Category {
  std::string id;
  std::string slug;
  std::string display_name;
  std::string parent_id;  // empty for top level
  int64_t version = 1;
  absl::Time create_time;
};

enum class GigState : uint8_t {
  kDraft = 1, kPendingReview = 2, kApproved = 3, kRejected = 4, kPaused = 5, kArchived = 6
};
const char* GigStateName(GigState state);

struct Gig {
  std::string id;
  std::string seller_id;
  std::string title;
  std::string description;
  std::string category_id;
  Money price;
  int32_t delivery_days = 1;
  std::vector<std::string> tags;
  GigState state = GigState::kDraft;
  std::string rejection_reason;
  int32_t seller_rating_milli = 0;  // read-only, joined from the seller
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

enum class JobState : uint8_t {
  kPendingReview = 1, kOpen = 2, kBooked = 3, kRejected = 4, kCancelled = 5, kExpired = 6,
  kBiddingClosed = 7
};
const char* JobStateName(JobState state);

// How a job finds its seller: admins assign sellers, or sellers bid.
enum class SourcingMode : uint8_t { kAssigned = 1, kOpen = 2 };

struct Job {
  std::string id;
  std::string buyer_id;
  std::string title;
  std::string description;
  std::string category_id;
  std::vector<std::string> skills;
  Money budget_min;
  Money budget_max;
  std::optional<absl::Time> preferred_start_time;
  absl::Time due_time;
  JobState state = JobState::kPendingReview;
  std::string rejection_reason;
  std::string cancel_reason;
  std::string booking_id;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
  SourcingMode sourcing_mode = SourcingMode::kAssigned;
  std::optional<absl::Time> bidding_close_time;   // open projects only
  std::optional<absl::Time> award_deadline_time;  // open projects only
  int32_t proposal_count = 0;  // read-only: live proposals
};

struct Assignment {
  std::string id;
  std::string job_id;
  std::string seller_id;
  std::string assigner_id;
  std::string note;
  std::string offer_id;
  absl::Time create_time;
};

enum class OfferState : uint8_t {
  kPending = 1, kAccepted = 2, kDeclined = 3, kExpired = 4, kWithdrawn = 5, kSuperseded = 6
};
const char* OfferStateName(OfferState state);

struct Offer {
  std::string id;
  std::string job_id;
  std::string seller_id;
  std::string assignment_id;
  std::string note;
  OfferState state = OfferState::kPending;
  absl::Time expire_time;
  std::string decline_reason;
  std::string withdraw_reason;
  std::string booking_id;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
  // Read-only, joined from the job for display.
  std::string job_title;
  Money budget_min;
  Money budget_max;
};

enum class BookingState : uint8_t { kActive = 1, kDelivered = 2, kCompleted = 3, kCancelled = 4 };
const char* BookingStateName(BookingState state);

enum class BookingSource : uint8_t { kOffer = 1, kProposal = 2, kGigOrder = 3 };

// Where a booking's money is (gigwire.v1.BookingMoney), in its currency:
// computed by the domain from its milestones and the ledger, never stored.
struct BookingMoney {
  std::string currency_code;
  int64_t contract_total = 0;  // milestones not cancelled
  int64_t funded = 0;
  int64_t in_escrow = 0;
  int64_t released = 0;  // to the seller, before fees
  int64_t platform_fees = 0;
  int64_t refunded = 0;
  int32_t milestone_count = 0;
  int32_t milestones_final = 0;
};

struct Booking {
  std::string id;
  BookingSource source = BookingSource::kOffer;
  std::string job_id;       // empty for a gig order
  std::string offer_id;     // source kOffer
  std::string proposal_id;  // source kProposal
  std::string gig_id;       // source kGigOrder
  std::string buyer_id;
  std::string seller_id;
  BookingState state = BookingState::kActive;
  std::string delivery_note;
  std::string revision_note;
  int32_t revision_count = 0;
  std::string cancel_reason;
  bool buyer_reviewed = false;
  bool seller_reviewed = false;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> complete_time;
  std::string job_title;  // the job's (a gig order: the gig's) title when booked
  Money price;        // the agreed price
  absl::Time due_time;
  std::vector<PlannedMilestone> milestones;
  std::string requirements;  // a gig order's
  // Read-only: the job's budget (a gig order: the price) for display.
  Money budget_min;
  Money budget_max;
  // Read-only, filled by the domain (BookingMoneyOf), not stored.
  std::optional<BookingMoney> money;
};

struct Review {
  std::string id;
  std::string booking_id;
  std::string author_id;
  std::string subject_id;
  int32_t rating = 0;
  std::string text;
  absl::Time create_time;
};

struct AuditEntry {
  std::string id;
  std::string actor_id;
  std::string action;  // RPC name, e.g. "ApproveJob"
  std::string target;  // resource id(s), comma-separated
  std::string note;
  absl::Time create_time;
};

// A seller as found by SearchSellers.
struct SellerSummary {
  std::string user_id;
  std::string display_name;
  std::string avatar_url;
  std::string bio;
  std::vector<std::string> skills;
  int availability = 1;  // Availability
  int32_t rating_milli = 0;
  int32_t rating_count = 0;
  int32_t completed_bookings = 0;
  int32_t gig_count = 0;
  std::vector<Gig> sample_gigs;
  std::vector<PortfolioItem> portfolio;  // the newest few, filled by the domain
};

// Rating average in thousandths from a sum and count (0 without ratings).
int32_t RatingMilli(int64_t rating_sum, int64_t rating_count);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_MARKETPLACE_H_
