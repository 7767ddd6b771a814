// The outbox: how the domain records a state change as an event, in the same
// transaction as the change, plus the notifications it feeds.
//
// Every domain service that changes a job, offer, proposal, booking, review
// or gig (or invites a seller to bid, or writes in a conversation)
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
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/conversation.h"
#include "server/model/dispute.h"
#include "server/model/event.h"
#include "server/model/marketplace.h"
#include "server/model/milestone.h"
#include "server/model/payment.h"
#include "server/model/proposal.h"
#include "server/store/store.h"

namespace gigwire {

// What an event is about. A ReadMark is a read receipt (MESSAGES_READ).
using EventResource = std::variant<Job, Offer, Booking, Review, Gig, Proposal, BidInvitation,
                                   Milestone, Payment, Payout, Dispute, Conversation, Message,
                                   ReadMark>;

// The id of the resource: its own, or for a read receipt its conversation's.
std::string ResourceIdOf(const EventResource& resource);

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
  // dispute's booking buyer and seller; a payment's buyer; a payout's
  // seller; a conversation's, message's or read receipt's conversation buyer
  // and seller (joined admins see it as admins see everything). Each
  // audience member other than `actor_id` gets one notification, except:
  // MESSAGES_READ notifies nobody, and MESSAGE_SENT only a recipient for
  // whom this message starts a run of unread messages (their unread count
  // in the conversation is now 1), so a burst of messages notifies once
  // until it is read.
  // Conversations and messages are carried as every viewer may see them
  // in an event: a conversation without last_message and unread_count
  // (they are per viewer), a hidden message Redacted (conversation_rules.h)
  // for everyone, admins included. Errors: the store's (NOT_FOUND for a
  // resource not saved in `tx`, or a review whose booking does not exist).
  absl::Status Record(Tx& tx, EventType type, const std::string& actor_id, absl::Time now,
                      const EventResource& resource) const;

  // Re-encodes every stored event of the message (MESSAGE_SENT,
  // MESSAGE_HIDDEN) with the message as it is now in `tx`, keeping each
  // event's type, actor and time: after an admin hid it, no replay carries
  // its text or files. Returns how many events it rewrote. Errors: the
  // store's.
  absl::StatusOr<int> RedactMessageEvents(Tx& tx, const Message& message) const;

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
