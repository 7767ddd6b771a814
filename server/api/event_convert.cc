// Event encoding and decoding; see event_convert.h.
#include "server/api/event_convert.h"

#include "absl/strings/str_cat.h"
#include "server/api/catalog_convert.h"
#include "server/api/conversation_convert.h"
#include "server/api/convert.h"
#include "server/api/money_convert.h"
#include "server/api/work_convert.h"
#include "server/common/status.h"
#include "server/domain/bookings.h"
#include "server/domain/catalog.h"
#include "server/domain/conversation_rules.h"
#include "server/domain/jobs.h"
#include "server/domain/milestone_moves.h"
#include "server/domain/offers.h"
#include "server/domain/proposals.h"

namespace gigwire {
namespace {

// The resource as everyone may see it: no caller-specific allowed_actions.
struct ResourceToEvent {
  v1::Event* out;
  absl::Time now;
  const Principal nobody{};

  void operator()(const Job& job) const {
    ToProto(job, nobody, out->mutable_job());
    out->mutable_job()->clear_allowed_actions();
  }
  void operator()(const Offer& offer) const {
    ToProto(offer, nobody, now, out->mutable_offer());
    out->mutable_offer()->clear_allowed_actions();
  }
  void operator()(const Booking& booking) const {
    ToProto(booking, nobody, out->mutable_booking());
    out->mutable_booking()->clear_allowed_actions();
  }
  void operator()(const Review& review) const { ToProto(review, out->mutable_review()); }
  void operator()(const Gig& gig) const {
    ToProto(gig, nullptr, out->mutable_gig());
    out->mutable_gig()->clear_allowed_actions();
  }
  void operator()(const Proposal& proposal) const {
    ToProto(proposal, nobody, now, out->mutable_proposal());
    out->mutable_proposal()->clear_allowed_actions();
  }
  void operator()(const BidInvitation& invitation) const {
    ToProto(invitation, out->mutable_invitation());
  }
  void operator()(const Milestone& milestone) const {
    ToProto(milestone, nullptr, out->mutable_milestone());
  }
  // Without the client secret: it is for the buyer's own client only.
  void operator()(const Payment& payment) const {
    ToProto(payment, out->mutable_payment());
    out->mutable_payment()->clear_client_secret();
  }
  void operator()(const Payout& payout) const { ToProto(payout, out->mutable_payout()); }
  void operator()(const Dispute& dispute) const { ToProto(dispute, out->mutable_dispute()); }
  // The outbox passes a conversation without last message or unread count
  // and a hidden message redacted (see Outbox::Record).
  void operator()(const Conversation& conversation) const {
    ToProto(conversation, nullptr, out->mutable_conversation());
  }
  void operator()(const Message& message) const { ToProto(message, out->mutable_message()); }
  void operator()(const ReadMark& mark) const { ToProto(mark, out->mutable_read_receipt()); }
};

// The fields of a stored resource that the allowed-actions rules read.
Job JobRuleFields(const v1::Job& in) {
  Job job;
  job.buyer_id = in.buyer_id();
  job.state = static_cast<JobState>(in.state());
  job.sourcing_mode = in.sourcing_mode() == v1::SOURCING_MODE_OPEN ? SourcingMode::kOpen
                                                                     : SourcingMode::kAssigned;
  return job;
}

Proposal ProposalRuleFields(const v1::Proposal& in) {
  Proposal p;
  p.seller_id = in.seller_id();
  p.buyer_id = in.buyer_id();
  p.state = static_cast<ProposalState>(in.state());
  p.job_state = static_cast<JobState>(in.job_state());
  if (in.has_bidding_close_time()) p.bidding_close_time = TimeFromProto(in.bidding_close_time());
  return p;
}

Offer OfferRuleFields(const v1::Offer& in) {
  Offer offer;
  offer.seller_id = in.seller_id();
  offer.state = static_cast<OfferState>(in.state());
  offer.expire_time = TimeFromProto(in.expire_time());
  return offer;
}

Booking BookingRuleFields(const v1::Booking& in) {
  Booking booking;
  booking.buyer_id = in.buyer_id();
  booking.seller_id = in.seller_id();
  booking.state = static_cast<BookingState>(in.state());
  booking.buyer_reviewed = in.buyer_reviewed();
  booking.seller_reviewed = in.seller_reviewed();
  return booking;
}

Milestone MilestoneRuleFields(const v1::Milestone& in) {
  Milestone m;
  m.buyer_id = in.buyer_id();
  m.seller_id = in.seller_id();
  m.proposed_by = in.proposed_by();
  m.state = static_cast<MilestoneState>(in.state());
  return m;
}

Gig GigRuleFields(const v1::Gig& in) {
  Gig gig;
  gig.seller_id = in.seller_id();
  gig.state = static_cast<GigState>(in.state());
  return gig;
}

template <typename Message>
void SetActions(const std::vector<std::string>& actions, Message* resource) {
  resource->clear_allowed_actions();
  for (const std::string& action : actions) resource->add_allowed_actions(action);
}

}  // namespace

void AddAllowedActions(const Principal& viewer, absl::Time now, v1::Event* event) {
  switch (event->resource_case()) {
    case v1::Event::kJob:
      SetActions(JobActions(viewer, JobRuleFields(event->job())), event->mutable_job());
      break;
    case v1::Event::kOffer:
      SetActions(OfferActions(viewer, OfferRuleFields(event->offer()), now),
                 event->mutable_offer());
      break;
    case v1::Event::kBooking:
      SetActions(BookingActions(viewer, BookingRuleFields(event->booking())),
                 event->mutable_booking());
      break;
    case v1::Event::kGig:
      SetActions(GigActions(&viewer, GigRuleFields(event->gig())), event->mutable_gig());
      break;
    case v1::Event::kProposal:
      SetActions(ProposalActions(viewer, ProposalRuleFields(event->proposal()), now),
                 event->mutable_proposal());
      break;
    case v1::Event::kMilestone:
      SetActions(MilestoneActions(viewer, MilestoneRuleFields(event->milestone())),
                 event->mutable_milestone());
      break;
    case v1::Event::kConversation:
      SetActions(ConversationActions(viewer, ConversationRuleFields(event->conversation())),
                 event->mutable_conversation());
      break;
    default:
      break;
  }
}

std::string ProtoEventEncoder::Encode(const DomainEvent& event) const {
  v1::Event proto;
  proto.set_type(static_cast<v1::EventType>(event.type));
  ToProto(event.time, proto.mutable_create_time());
  proto.set_actor_id(event.actor_id);
  std::visit(ResourceToEvent{&proto, event.time}, event.resource);
  return proto.SerializeAsString();
}

absl::Status DecodeEvent(const EventRecord& record, v1::Event* out) {
  if (!out->ParseFromString(record.payload)) {
    return Internal("a stored event does not parse");
  }
  out->set_cursor(CursorOf(record.sequence));
  return absl::OkStatus();
}

absl::Status DecodeOfferEvent(const EventRecord& record, const Principal& viewer,
                              absl::Time now, v1::OfferEvent* out) {
  v1::Event event;
  GW_RETURN_IF_ERROR(DecodeEvent(record, &event));
  AddAllowedActions(viewer, now, &event);
  if (!event.has_offer()) return Internal("not an offer event");
  out->set_cursor(event.cursor());
  out->set_type(event.type());
  *out->mutable_create_time() = event.create_time();
  out->set_actor_id(event.actor_id());
  out->mutable_offer()->Swap(event.mutable_offer());
  return absl::OkStatus();
}

void ToProto(const Notification& n, v1::Notification* out) {
  out->set_id(CursorOf(n.sequence));
  out->set_type(static_cast<v1::EventType>(n.type));
  out->set_summary(n.summary);
  out->set_resource_id(n.resource_id);
  out->set_job_id(n.job_id);
  out->set_read(n.read);
  ToProto(n.create_time, out->mutable_create_time());
}

absl::StatusOr<std::optional<int64_t>> ResumePointFromProto(const std::string& cursor,
                                                            absl::string_view field) {
  if (cursor.empty()) return std::nullopt;
  std::optional<int64_t> sequence = SequenceOfCursor(cursor);
  if (!sequence.has_value()) {
    return InvalidField(field, "is not a cursor (use one received from this server)");
  }
  return sequence;
}

absl::StatusOr<std::vector<EventType>> EventTypesFromProto(
    const google::protobuf::RepeatedField<int>& types, absl::string_view field) {
  std::vector<EventType> out;
  for (int type : types) {
    if (!IsKnownEventType(type)) {
      return InvalidField(field, absl::StrCat("unknown event type ", type));
    }
    out.push_back(static_cast<EventType>(type));
  }
  return out;
}

absl::Status WatchEventsCodec::FillEvent(const EventRecord& record, const Principal& viewer,
                                         absl::Time now, v1::WatchEventsResponse* out) {
  GW_RETURN_IF_ERROR(DecodeEvent(record, out->mutable_event()));
  AddAllowedActions(viewer, now, out->mutable_event());
  return absl::OkStatus();
}

void WatchEventsCodec::FillHeartbeat(int64_t cursor, absl::Time now,
                                     v1::WatchEventsResponse* out) {
  out->mutable_heartbeat()->set_cursor(CursorOf(cursor));
  ToProto(now, out->mutable_heartbeat()->mutable_time());
}

absl::Status WatchOffersCodec::FillEvent(const EventRecord& record, const Principal& viewer,
                                         absl::Time now, v1::WatchOffersResponse* out) {
  return DecodeOfferEvent(record, viewer, now, out->mutable_event());
}

void WatchOffersCodec::FillHeartbeat(int64_t cursor, absl::Time now,
                                     v1::WatchOffersResponse* out) {
  out->mutable_heartbeat()->set_cursor(CursorOf(cursor));
  ToProto(now, out->mutable_heartbeat()->mutable_time());
}

}  // namespace gigwire
