// The outbox: how the domain records a state change as an event, in the same
// transaction as the change, plus the notifications it feeds.
//
// Every domain service that changes a job, offer, proposal, booking, review
// or gig (or invites a seller to bid)
// calls `Outbox::Record` inside its `Store::Write` function, after saving the
// resource, with the resource as it is after the change. Record appends one
// EventRecord (audience: the job's or booking's buyer, the offer's, booking's
// or gig's seller; admins see all) and one Notification for each audience
// member other than the actor. If the transaction rolls back, so do both.
//
// The payload is produced by an EventEncoder, which the API layer implements
// with the gigwire.v1 protos (the domain knows no protos); tests may use any
// encoder.
//
// Thread safety: Outbox is immutable after construction and thread-safe.
// Ownership: keeps a reference to the encoder, which must outlive it.
#ifndef GIGWIRE_SERVER_DOMAIN_OUTBOX_H_
#define GIGWIRE_SERVER_DOMAIN_OUTBOX_H_

#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/model/dispute.h"
#include "server/model/event.h"
#include "server/model/marketplace.h"
#include "server/model/milestone.h"
#include "server/model/payment.h"
#include "server/model/proposal.h"
#include "server/store/store.h"

namespace gigwire {

// What an event is about.
using EventResource = std::variant<Job, Offer, Booking, Review, Gig, Proposal, BidInvitation,
                                   Milestone, Payment, Payout, Dispute>;

// A change about to be recorded: the resource right after it.
struct DomainEvent {
  EventType type = EventType::kJobCreated;
  std::string actor_id;  // a user id, or kSystemActor
  absl::Time time;
  EventResource resource;
  // The title of the job (or gig) the event concerns, for summaries: Record
  // fills it from the job of an offer, booking or review when it notifies
  // someone; empty when unknown. Not part of the payload.
  std::string title;
};

// Serializes an event for streaming (gigwire.v1.Event without its cursor).
class EventEncoder {
 public:
  virtual ~EventEncoder() = default;
  virtual std::string Encode(const DomainEvent& event) const = 0;
};

class Outbox {
 public:
  explicit Outbox(const EventEncoder& encoder) : encoder_(encoder) {}

  // Appends the event and its notifications in `tx`. `resource` must already
  // be saved in `tx`: the event carries it as read back from `tx` by id, so
  // it equals what a Get returns (only its id is taken from the argument).
  // For a review, its audience is its booking's buyer and seller.
  // Audience: a job's buyer; an offer's seller; a booking's buyer and
  // seller; a gig's seller; a proposal's or invitation's job buyer and
  // seller (so no seller ever sees another seller's bid); a milestone's or
  // dispute's booking buyer and seller; a payment's buyer; a payout's seller. Each audience member other than `actor_id` gets
  // one notification. Errors: the store's (NOT_FOUND for a resource not
  // saved in `tx`, or a review whose booking does not exist).
  absl::Status Record(Tx& tx, EventType type, const std::string& actor_id, absl::Time now,
                      const EventResource& resource) const;

 private:
  const EventEncoder& encoder_;
};

// The one-line, human-readable summary of a notification, e.g.
// `New offer: "Logo design"` or `Your job "Logo design" was approved`; the
// title is `event.title`, else the one the resource carries (a job's or
// gig's, an offer's or booking's job title), and is left out when unknown
// (`New offer`).
std::string NotificationSummary(const DomainEvent& event);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_OUTBOX_H_
