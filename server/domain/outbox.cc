// The outbox; see outbox.h.
#include "server/domain/outbox.h"

#include <algorithm>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/status.h"
#include "server/domain/conversation_reads.h"
#include "server/domain/conversation_rules.h"
#include "server/domain/milestone_moves.h"

namespace gigwire {
namespace {

// Fills the ids and audience of `record` from the resource.
struct AudienceOf {
  Tx& tx;
  EventRecord& record;

  absl::Status operator()(const Job& job) const {
    record.resource_id = record.job_id = job.id;
    record.buyer_id = job.buyer_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const Offer& offer) const {
    record.resource_id = offer.id;
    record.job_id = offer.job_id;
    record.seller_id = offer.seller_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const Booking& booking) const {
    record.resource_id = booking.id;
    record.job_id = booking.job_id;
    record.buyer_id = booking.buyer_id;
    record.seller_id = booking.seller_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const Review& review) const {
    GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(review.booking_id));
    record.resource_id = review.id;
    record.job_id = booking.job_id;
    record.buyer_id = booking.buyer_id;
    record.seller_id = booking.seller_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const Gig& gig) const {
    record.resource_id = gig.id;
    record.seller_id = gig.seller_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const Proposal& proposal) const {
    record.resource_id = proposal.id;
    record.job_id = proposal.job_id;
    record.buyer_id = proposal.buyer_id;
    record.seller_id = proposal.seller_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const BidInvitation& invitation) const {
    record.resource_id = invitation.id;
    record.job_id = invitation.job_id;
    record.buyer_id = invitation.buyer_id;
    record.seller_id = invitation.seller_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const Milestone& milestone) const {
    return OfBooking(milestone.id, milestone.booking_id);
  }
  absl::Status operator()(const Dispute& dispute) const {
    return OfBooking(dispute.id, dispute.booking_id);
  }
  absl::Status operator()(const Payment& payment) const {
    record.resource_id = payment.id;
    record.buyer_id = payment.buyer_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const Payout& payout) const {
    record.resource_id = payout.id;
    record.seller_id = payout.seller_id;
    return absl::OkStatus();
  }
  absl::Status operator()(const Conversation& conversation) const {
    return OfConversation(conversation.id, conversation.id);
  }
  absl::Status operator()(const Message& message) const {
    return OfConversation(message.id, message.conversation_id);
  }
  absl::Status operator()(const ReadMark& mark) const {
    return OfConversation(mark.conversation_id, mark.conversation_id);
  }
  // A resource of a conversation: its job and participants.
  absl::Status OfConversation(const std::string& resource_id,
                              const std::string& conversation_id) const {
    GW_ASSIGN_OR_RETURN(Conversation conversation,
                        tx.conversations().FindById(conversation_id));
    record.resource_id = resource_id;
    record.job_id = conversation.job_id;
    record.buyer_id = conversation.buyer_id;
    record.seller_id = conversation.seller_id;
    return absl::OkStatus();
  }
  // A resource of a booking: the booking's job and parties.
  absl::Status OfBooking(const std::string& resource_id, const std::string& booking_id) const {
    GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(booking_id));
    record.resource_id = resource_id;
    record.job_id = booking.job_id;
    record.buyer_id = booking.buyer_id;
    record.seller_id = booking.seller_id;
    return absl::OkStatus();
  }
};

// The resource as stored, read back in the writing transaction: an event
// carries exactly what a Get returns at that moment (fields joined for
// display such as an offer's job title, times at the stored precision),
// whatever the caller built in memory.
struct StoredResource {
  Tx& tx;

  template <typename T>
  static absl::StatusOr<EventResource> Wrap(absl::StatusOr<T> found) {
    if (!found.ok()) return found.status();
    return EventResource(*std::move(found));
  }
  absl::StatusOr<EventResource> operator()(const Job& job) const {
    return Wrap(tx.jobs().FindById(job.id));
  }
  absl::StatusOr<EventResource> operator()(const Offer& offer) const {
    return Wrap(tx.offers().FindById(offer.id));
  }
  // With its money summary, as the booking service shows it.
  absl::StatusOr<EventResource> operator()(const Booking& booking) const {
    GW_ASSIGN_OR_RETURN(Booking stored, tx.bookings().FindById(booking.id));
    GW_RETURN_IF_ERROR(FillBookingMoney(tx, stored));
    return EventResource(std::move(stored));
  }
  absl::StatusOr<EventResource> operator()(const Review& review) const {
    return Wrap(tx.reviews().FindById(review.id));
  }
  absl::StatusOr<EventResource> operator()(const Gig& gig) const {
    return Wrap(tx.gigs().FindById(gig.id));
  }
  absl::StatusOr<EventResource> operator()(const Proposal& proposal) const {
    return Wrap(tx.proposals().FindById(proposal.id));
  }
  absl::StatusOr<EventResource> operator()(const BidInvitation& invitation) const {
    return Wrap(tx.bid_invitations().FindById(invitation.id));
  }
  // With its booking's parties, as the milestone service shows it.
  absl::StatusOr<EventResource> operator()(const Milestone& milestone) const {
    GW_ASSIGN_OR_RETURN(Milestone stored, tx.milestones().FindById(milestone.id));
    GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(stored.booking_id));
    stored.buyer_id = booking.buyer_id;
    stored.seller_id = booking.seller_id;
    return EventResource(std::move(stored));
  }
  absl::StatusOr<EventResource> operator()(const Payment& payment) const {
    return Wrap(tx.payments().FindById(payment.id));
  }
  absl::StatusOr<EventResource> operator()(const Payout& payout) const {
    return Wrap(tx.payouts().FindById(payout.id));
  }
  // Without internal notes: the parties are its audience.
  absl::StatusOr<EventResource> operator()(const Dispute& dispute) const {
    GW_ASSIGN_OR_RETURN(Dispute stored, tx.disputes().FindById(dispute.id));
    auto internal = [](const DisputeNote& note) { return note.internal; };
    stored.notes.erase(std::remove_if(stored.notes.begin(), stored.notes.end(), internal),
                       stored.notes.end());
    return EventResource(std::move(stored));
  }
  // As every viewer sees it: no last message, no unread count (per viewer).
  absl::StatusOr<EventResource> operator()(const Conversation& conversation) const {
    return Wrap(LoadConversation(tx, conversation.id));
  }
  // A hidden one without its text and files, for everyone.
  absl::StatusOr<EventResource> operator()(const Message& message) const {
    GW_ASSIGN_OR_RETURN(Message stored, LoadMessage(tx, message.id));
    return EventResource(Redacted(std::move(stored)));
  }
  absl::StatusOr<EventResource> operator()(const ReadMark& mark) const {
    return Wrap(tx.messages().GetReadMark(mark.conversation_id, mark.user_id));
  }
};

// The audience members to notify: buyer and seller, once each, not the actor.
// A proposal that was not selected concerns its seller only (the buyer sees
// the event on its stream, but its inbox would fill with one per bid when
// the scheduler expires a project).
std::vector<std::string> Recipients(const EventRecord& record) {
  std::vector<std::string> recipients;
  const bool seller_only = record.type == EventType::kProposalNotSelected;
  for (const std::string* user : {&record.buyer_id, &record.seller_id}) {
    if (user->empty() || *user == record.actor_id) continue;
    if (seller_only && user == &record.buyer_id) continue;
    if (!recipients.empty() && recipients.front() == *user) continue;
    recipients.push_back(*user);
  }
  return recipients;
}

// The title a resource carries: a job's or gig's own, the job title joined
// into a stored offer or booking; nullopt for a review.
std::optional<std::string> OwnTitle(const EventResource& resource) {
  if (const Job* job = std::get_if<Job>(&resource)) return job->title;
  if (const Gig* gig = std::get_if<Gig>(&resource)) return gig->title;
  if (const Offer* offer = std::get_if<Offer>(&resource)) return offer->job_title;
  if (const Booking* booking = std::get_if<Booking>(&resource)) return booking->job_title;
  if (const Proposal* proposal = std::get_if<Proposal>(&resource)) return proposal->job_title;
  if (const BidInvitation* invitation = std::get_if<BidInvitation>(&resource)) {
    return invitation->job_title;
  }
  if (const Milestone* milestone = std::get_if<Milestone>(&resource)) return milestone->title;
  if (const Dispute* dispute = std::get_if<Dispute>(&resource)) return dispute->milestone_title;
  if (std::holds_alternative<Payout>(resource)) return std::string();
  if (const Conversation* conversation = std::get_if<Conversation>(&resource)) {
    return conversation->title;
  }
  return std::nullopt;
}

// The conversation a message or read receipt belongs to; empty for others.
std::string ConversationIdOf(const EventResource& resource) {
  if (const Message* message = std::get_if<Message>(&resource)) return message->conversation_id;
  if (const ReadMark* mark = std::get_if<ReadMark>(&resource)) return mark->conversation_id;
  return std::string();
}

// The title for the summary: the one the resource carries, else (a review)
// its booking's (the job's or, for a gig order, the gig's title), read in
// `tx`; empty when the booking is gone.
absl::StatusOr<std::string> TitleOf(Tx& tx, const DomainEvent& event) {
  if (std::optional<std::string> own = OwnTitle(event.resource)) return *own;
  if (const std::string conversation_id = ConversationIdOf(event.resource);
      !conversation_id.empty()) {
    GW_ASSIGN_OR_RETURN(Conversation conversation, LoadConversation(tx, conversation_id));
    return conversation.title;
  }
  const Review* review = std::get_if<Review>(&event.resource);
  const Payment* payment = std::get_if<Payment>(&event.resource);
  const std::string booking_id =
      review ? review->booking_id : payment ? payment->booking_id : std::string();
  if (booking_id.empty()) return std::string();
  absl::StatusOr<Booking> booking = tx.bookings().FindById(booking_id);
  if (absl::IsNotFound(booking.status())) return std::string();
  GW_RETURN_IF_ERROR(booking.status());
  return booking->job_title;
}

// A summary is `<before> "<title>" <after>`; without a title, `<before>
// <after>` with a trailing colon dropped.
struct SummaryWords {
  EventType type;
  absl::string_view before;
  absl::string_view after;
};

constexpr SummaryWords kSummaries[] = {
    {EventType::kJobCreated, "New job to review:", ""},
    {EventType::kJobApproved, "Your job", "was approved"},
    {EventType::kJobRejected, "Your job", "was rejected"},
    {EventType::kJobCancelled, "Job cancelled:", ""},
    {EventType::kJobExpired, "Your job", "expired unbooked"},
    {EventType::kJobBooked, "Your job", "was booked"},
    {EventType::kJobReopened, "Your job", "is open again: its booking was cancelled"},
    {EventType::kJobBiddingClosed, "Bidding closed on", "(choose a proposal)"},
    {EventType::kJobBiddingExtended, "Bidding extended on", ""},
    {EventType::kOfferCreated, "New offer:", ""},
    {EventType::kOfferAccepted, "Offer accepted:", ""},
    {EventType::kOfferDeclined, "Offer declined:", ""},
    {EventType::kOfferExpired, "Offer expired:", ""},
    {EventType::kOfferWithdrawn, "Offer withdrawn:", ""},
    {EventType::kOfferSuperseded, "Another seller was booked:", ""},
    {EventType::kBookingCreated, "New booking:", ""},
    {EventType::kBookingDelivered, "Booking delivered:", ""},
    {EventType::kBookingRevisionRequested, "Revision requested:", ""},
    {EventType::kBookingCompleted, "Booking completed:", ""},
    {EventType::kBookingCancelled, "Booking cancelled:", ""},
    {EventType::kReviewCreated, "New review:", ""},
    {EventType::kGigCreated, "Gig created:", ""},
    {EventType::kGigUpdated, "Gig updated:", ""},
    {EventType::kGigSubmitted, "Gig submitted for review:", ""},
    {EventType::kGigApproved, "Your gig", "was approved"},
    {EventType::kGigRejected, "Your gig", "was rejected"},
    {EventType::kGigPaused, "Gig paused:", ""},
    {EventType::kGigResumed, "Gig resumed:", ""},
    {EventType::kGigArchived, "Gig archived:", ""},
    {EventType::kGigOrdered, "New gig order:", ""},
    {EventType::kProposalSubmitted, "New proposal on", ""},
    {EventType::kProposalUpdated, "Proposal updated on", ""},
    {EventType::kProposalWithdrawn, "Proposal withdrawn on", ""},
    {EventType::kProposalShortlisted, "Your proposal was shortlisted:", ""},
    {EventType::kProposalDeclined, "Your proposal was declined:", ""},
    {EventType::kProposalAccepted, "Your proposal was accepted:", ""},
    {EventType::kProposalNotSelected, "Your proposal was not selected:", ""},
    {EventType::kInvitedToBid, "You are invited to bid on", ""},
    {EventType::kMilestoneProposed, "New milestone proposed:", ""},
    {EventType::kMilestoneAccepted, "Milestone agreed:", ""},
    {EventType::kMilestoneDeclined, "Milestone declined:", ""},
    {EventType::kMilestoneFunded, "Milestone funded:", "(money in escrow)"},
    {EventType::kMilestoneSubmitted, "Milestone submitted:", ""},
    {EventType::kMilestoneRevisionRequested, "Revision requested on milestone", ""},
    {EventType::kMilestoneReleased, "Milestone released:", "(paid to the seller)"},
    {EventType::kMilestoneCancelled, "Milestone cancelled:", ""},
    {EventType::kMilestoneDisputed, "Milestone disputed:", "(money frozen)"},
    {EventType::kMilestoneResolved, "Dispute settled on milestone", ""},
    {EventType::kPaymentCreated, "Payment started for", ""},
    {EventType::kPaymentSucceeded, "Payment received for", ""},
    {EventType::kPaymentFailed, "Payment failed for", ""},
    {EventType::kPaymentCancelled, "Payment cancelled for", ""},
    {EventType::kPayoutRequested, "Payout requested", ""},
    {EventType::kPayoutPaid, "Payout paid", ""},
    {EventType::kPayoutCancelled, "Payout cancelled", ""},
    {EventType::kDisputeOpened, "Dispute opened on", ""},
    {EventType::kDisputeNoteAdded, "New note on the dispute about", ""},
    {EventType::kDisputeResolved, "Dispute resolved:", ""},
    // Never a message's text: a notification outlives a message's hiding.
    {EventType::kConversationStarted, "New conversation about", ""},
    {EventType::kConversationJoined, "Support joined the conversation about", ""},
    {EventType::kMessageSent, "New message about", ""},
    {EventType::kMessageHidden, "A message was hidden in the conversation about", ""},
};

// Who Record notifies: the Recipients, but nobody for a read receipt, and
// for a new message only those whose unread run it starts (their unread
// count in the conversation is 1 now), so a burst notifies once until read.
absl::StatusOr<std::vector<std::string>> NotifiedRecipients(Tx& tx, const EventRecord& record,
                                                            const EventResource& resource) {
  if (record.type == EventType::kMessagesRead) return std::vector<std::string>();
  std::vector<std::string> recipients = Recipients(record);
  const Message* message = std::get_if<Message>(&resource);
  if (record.type != EventType::kMessageSent || message == nullptr) return recipients;
  std::vector<std::string> starting_a_run;
  for (const std::string& user_id : recipients) {
    GW_ASSIGN_OR_RETURN(const int64_t unread,
                        tx.messages().UnreadCount(message->conversation_id, user_id));
    if (unread == 1) starting_a_run.push_back(user_id);
  }
  return starting_a_run;
}

SummaryWords WordsOf(EventType type) {
  for (const SummaryWords& words : kSummaries) {
    if (words.type == type) return words;
  }
  return {type, "Update:", ""};
}

}  // namespace

std::string NotificationSummary(const DomainEvent& event) {
  SummaryWords words = WordsOf(event.type);
  std::string before(words.before);
  if (const Review* review = std::get_if<Review>(&event.resource)) {
    before = absl::StrCat("New ", review->rating, "-star review:");
  }
  std::string title = event.title;
  if (title.empty()) title = OwnTitle(event.resource).value_or("");
  std::string summary = std::move(before);
  if (title.empty()) {
    if (!summary.empty() && summary.back() == ':') summary.pop_back();
  } else {
    absl::StrAppend(&summary, " \"", title, "\"");
  }
  if (!words.after.empty()) absl::StrAppend(&summary, " ", words.after);
  return summary;
}

absl::Status Outbox::Record(Tx& tx, EventType type, const std::string& actor_id, absl::Time now,
                            const EventResource& resource) const {
  GW_ASSIGN_OR_RETURN(EventResource stored, std::visit(StoredResource{tx}, resource));
  DomainEvent event{type, actor_id, now, std::move(stored), /*title=*/""};
  EventRecord record;
  record.type = type;
  record.create_time = now;
  record.actor_id = actor_id;
  GW_RETURN_IF_ERROR(std::visit(AudienceOf{tx, record}, event.resource));
  record.payload = encoder_.Encode(event);
  GW_ASSIGN_OR_RETURN(record.sequence, tx.events().Append(record));
  GW_ASSIGN_OR_RETURN(const std::vector<std::string> recipients,
                      NotifiedRecipients(tx, record, event.resource));
  if (recipients.empty()) return absl::OkStatus();
  GW_ASSIGN_OR_RETURN(event.title, TitleOf(tx, event));
  const std::string summary = NotificationSummary(event);
  for (const std::string& user_id : recipients) {
    Notification notification{user_id,           record.sequence, type, summary,
                              record.resource_id, record.job_id,  false, now};
    GW_RETURN_IF_ERROR(tx.notifications().Insert(notification));
  }
  return absl::OkStatus();
}

std::string ResourceIdOf(const EventResource& resource) {
  return std::visit(
      [](const auto& r) -> std::string {
        if constexpr (std::is_same_v<std::decay_t<decltype(r)>, ReadMark>) {
          return r.conversation_id;
        } else {
          return r.id;
        }
      },
      resource);
}

absl::StatusOr<int> Outbox::RedactMessageEvents(Tx& tx, const Message& message) const {
  GW_ASSIGN_OR_RETURN(EventResource stored, StoredResource{tx}(message));
  return tx.events().RewritePayloads(message.id, [&](const EventRecord& record) {
    return encoder_.Encode(DomainEvent{record.type, record.actor_id, record.create_time, stored,
                                       /*title=*/""});
  });
}

}  // namespace gigwire
