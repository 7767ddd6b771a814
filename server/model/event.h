// Plain types of the event outbox and the notification inbox (see
// proto/gigwire/v1/event.proto and notification.proto). No gRPC, no SQL.
//
// An EventRecord is one committed state change: written by the domain in the
// same transaction as the change (outbox), read back in sequence order by the
// fan-out hub and by replaying streams. Its `payload` is the serialized
// gigwire.v1.Event without its cursor, produced by an EventEncoder, so the
// stream can send it without knowing the resource types.
#ifndef GIGWIRE_SERVER_MODEL_EVENT_H_
#define GIGWIRE_SERVER_MODEL_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gigwire {

// Same numbers as gigwire.v1.EventType.
enum class EventType : int {
  kJobCreated = 1, kJobApproved = 2, kJobRejected = 3, kJobCancelled = 4, kJobExpired = 5,
  kJobBooked = 6, kJobReopened = 7, kJobBiddingClosed = 8, kJobBiddingExtended = 9,
  kOfferCreated = 20, kOfferAccepted = 21, kOfferDeclined = 22, kOfferExpired = 23,
  kOfferWithdrawn = 24, kOfferSuperseded = 25,
  kBookingCreated = 40, kBookingDelivered = 41, kBookingRevisionRequested = 42,
  kBookingCompleted = 43, kBookingCancelled = 44,
  kReviewCreated = 60,
  kGigCreated = 80, kGigUpdated = 81, kGigSubmitted = 82, kGigApproved = 83, kGigRejected = 84,
  kGigPaused = 85, kGigResumed = 86, kGigArchived = 87, kGigOrdered = 88,
  kProposalSubmitted = 100, kProposalUpdated = 101, kProposalWithdrawn = 102,
  kProposalShortlisted = 103, kProposalDeclined = 104, kProposalAccepted = 105,
  kProposalNotSelected = 106, kInvitedToBid = 107,
  kMilestoneProposed = 120, kMilestoneAccepted = 121, kMilestoneDeclined = 122,
  kMilestoneFunded = 123, kMilestoneSubmitted = 124, kMilestoneRevisionRequested = 125,
  kMilestoneReleased = 126, kMilestoneCancelled = 127, kMilestoneDisputed = 128,
  kMilestoneResolved = 129,
  kPaymentCreated = 140, kPaymentSucceeded = 141, kPaymentFailed = 142, kPaymentCancelled = 143,
  kPayoutRequested = 150, kPayoutPaid = 151, kPayoutCancelled = 152,
  kDisputeOpened = 160, kDisputeNoteAdded = 161, kDisputeResolved = 162,
  kConversationStarted = 170, kConversationJoined = 171, kMessageSent = 172,
  kMessagesRead = 173, kMessageHidden = 174,
};

// True for the OFFER_* types.
bool IsOfferEvent(EventType type);
// True when `value` is one of the EventType numbers.
bool IsKnownEventType(int value);

// The actor of changes made by the scheduler (expiries).
inline constexpr absl::string_view kSystemActor = "system";

struct EventRecord {
  int64_t sequence = 0;  // assigned by the store on append; commit order
  EventType type = EventType::kJobCreated;
  absl::Time create_time;
  std::string actor_id;
  std::string resource_id;
  std::string job_id;    // the job involved, empty for gigs
  std::string buyer_id;  // audience: the buyer who may see it, or empty
  std::string seller_id; // audience: the seller who may see it, or empty
  std::string payload;   // serialized gigwire.v1.Event without `cursor`
};

struct Notification {
  std::string user_id;
  int64_t sequence = 0;  // of the event it came from; unique per user
  EventType type = EventType::kJobCreated;
  std::string summary;
  std::string resource_id;
  std::string job_id;
  bool read = false;
  absl::Time create_time;
};

// A cursor is the decimal sequence number; "0" is before the first event.
std::string CursorOf(int64_t sequence);
// The sequence of `cursor`; nullopt when it is not a cursor (including "").
std::optional<int64_t> SequenceOfCursor(absl::string_view cursor);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_EVENT_H_
