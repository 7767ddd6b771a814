// Every event equals what its receiver's Get returns (issue 12, defect 1).
//
// A scenario on an in-process server produces every EventType, with
// WatchEvents open as the buyer, the seller and an admin and WatchOffers as
// the seller. After each step, every watcher must receive exactly the
// events it may see, and each event's resource must equal, field by field
// (allowed_actions, display fields and times included), what the matching
// Get by that watcher returns right then. The types seen must cover the
// whole enum, so an event type added without coverage here fails the test.
//
// Money (issue 15): milestone and dispute events go to both parties, payment
// events to the buyer, payout events to the seller; each arrives after the
// step that committed its change, in the order it was committed (a confirmed
// payment's MILESTONE_FUNDED before its PAYMENT_SUCCEEDED, a resolution's
// MILESTONE_RESOLVED and BOOKING_COMPLETED before DISPUTE_RESOLVED). A
// payment event never carries the client secret and a dispute event never an
// internal note, so those are the only fields in which they may differ from
// the receiver's Get. PAYMENT_FAILED is the one type this scenario cannot
// produce: only a provider refuses a payment, and the manual gateway never
// does (the Stripe gateway's failure path is tested against stripe-mock).
//
// Messaging (issue 16): conversation, message and read-receipt events go to
// both participants. An event's conversation carries no last message and no
// unread count (both are per caller), and a hidden message is redacted for
// every receiver, admins included: those are the only fields in which they
// may differ from the receiver's GetConversation or ListMessages entry. A
// read receipt equals the read mark GetConversation then shows.
#include <grpcpp/client_context.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "gigwire/v1/assignment.grpc.pb.h"
#include "gigwire/v1/booking.grpc.pb.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/conversation.grpc.pb.h"
#include "gigwire/v1/dispute.grpc.pb.h"
#include "gigwire/v1/event.grpc.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/milestone.grpc.pb.h"
#include "gigwire/v1/offer.grpc.pb.h"
#include "gigwire/v1/payment.grpc.pb.h"
#include "gigwire/v1/proposal.grpc.pb.h"
#include "gigwire/v1/review.grpc.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/in_process_server.h"

namespace gigwire {
namespace {

namespace pb = ::gigwire::v1;
using google::protobuf::util::MessageDifferencer;

// Who a step's event is for, besides admins (who see everything): the
// buyer, and the watched seller (not the other seller).
struct Expected {
  pb::EventType type;
  bool buyer;
  bool seller;
};
Expected ForBuyer(pb::EventType type) { return {type, true, false}; }
Expected ForSeller(pb::EventType type) { return {type, false, true}; }
Expected ForBoth(pb::EventType type) { return {type, true, true}; }

bool IsOfferEvent(pb::EventType type) {
  return type >= pb::OFFER_CREATED && type <= pb::OFFER_SUPERSEDED;
}

pb::Event AsEvent(const pb::Event& event) { return event; }
pb::Event AsEvent(const pb::OfferEvent& offer_event) {
  pb::Event event;
  event.set_cursor(offer_event.cursor());
  event.set_type(offer_event.type());
  *event.mutable_create_time() = offer_event.create_time();
  event.set_actor_id(offer_event.actor_id());
  *event.mutable_offer() = offer_event.offer();
  return event;
}

// One open watch stream, read from the test's thread.
class Watch {
 public:
  virtual ~Watch() = default;
  // The next event, skipping heartbeats; nullopt once the stream has ended.
  virtual std::optional<pb::Event> Next() = 0;
};

template <typename Service, typename Request, typename Response>
class StreamWatch final : public Watch {
 public:
  using Open = std::unique_ptr<grpc::ClientReader<Response>> (Service::Stub::*)(
      grpc::ClientContext*, const Request&);

  // Opens the stream and waits for its first heartbeat: from then on the
  // stream is subscribed and receives every event that commits.
  StreamWatch(testutil::InProcessServer& server, const std::string& user_id, Open open)
      : stub_(server.channel()) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(2)));  // hang guard
    server.Authenticate(user_id, context_);
    reader_ = (stub_.*open)(&context_, Request());
    Response first;
    EXPECT_TRUE(reader_->Read(&first) && first.has_heartbeat())
        << reader_->Finish().error_message();
  }
  ~StreamWatch() override { context_.TryCancel(); }

  std::optional<pb::Event> Next() override {
    Response response;
    while (reader_->Read(&response)) {
      if (response.has_event()) return AsEvent(response.event());
    }
    return std::nullopt;
  }

 private:
  typename Service::Stub stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<Response>> reader_;
};

struct Watcher {
  std::string name;
  std::string user_id;
  bool admin = false;
  bool seller = false;       // the watched seller (else the buyer, unless admin)
  bool offers_only = false;  // WatchOffers
  std::unique_ptr<Watch> stream;

  bool Receives(const Expected& e) const {
    if (offers_only) return e.seller && IsOfferEvent(e.type);
    return admin || (seller ? e.seller : e.buyer);
  }
};

template <typename Request>
Request WithId(const std::string& id) {
  Request request;
  request.set_id(id);
  return request;
}

class EventConsistencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    buyer_ = server_.AddUser("buyer@example.com", {Role::kBuyer});
    seller_ = server_.AddUser("seller@example.com", {Role::kSeller});
    other_seller_ = server_.AddUser("other@example.com", {Role::kSeller});
    admin_ = server_.AddAdmin("admin@example.com");
    pb::CreateCategoryRequest category;
    category.mutable_category()->set_slug("design");
    category.mutable_category()->set_display_name("Design");
    category_id_ = Call(admin_, &pb::CatalogService::Stub::CreateCategory, category).id();
    AddWatcher<pb::EventService>("buyer", buyer_, false, &pb::EventService::Stub::WatchEvents);
    AddWatcher<pb::EventService>("seller", seller_, false, &pb::EventService::Stub::WatchEvents);
    AddWatcher<pb::EventService>("admin", admin_, false, &pb::EventService::Stub::WatchEvents);
    AddWatcher<pb::OfferService>("seller's offers", seller_, true,
                                 &pb::OfferService::Stub::WatchOffers);
  }

  template <typename Service, typename Request, typename Response>
  void AddWatcher(const std::string& name, const std::string& user_id, bool offers_only,
                  std::unique_ptr<grpc::ClientReader<Response>> (Service::Stub::*open)(
                      grpc::ClientContext*, const Request&)) {
    watchers_.push_back(Watcher{
        name, user_id, user_id == admin_, user_id == seller_, offers_only,
        std::make_unique<StreamWatch<Service, Request, Response>>(server_, user_id, open)});
  }

  template <typename Stub, typename Request, typename Response>
  Response Call(const std::string& user_id,
                testutil::InProcessServer::Method<Stub, Request, Response> method,
                const typename testutil::NonDeduced<Request>::type& request) {
    return server_.Call(user_id, method, request);
  }

  // Reads what each watcher receives for the step just done: exactly the
  // `step` events it may see, in order, each equal to its Get right now.
  void ExpectEvents(const std::vector<Expected>& step) {
    for (Watcher& watcher : watchers_) {
      std::vector<pb::EventType> wanted, received;
      for (const Expected& e : step) {
        if (watcher.Receives(e)) wanted.push_back(e.type);
      }
      for (size_t i = 0; i < wanted.size(); ++i) {
        std::optional<pb::Event> event = watcher.stream->Next();
        if (!event.has_value()) {
          ADD_FAILURE() << watcher.name << "'s stream ended";
          break;
        }
        received.push_back(event->type());
        seen_.insert(event->type());
        ExpectEqualsGet(watcher, *event);
      }
      EXPECT_EQ(received, wanted) << "events received by the " << watcher.name;
    }
  }

  void ExpectEqualsGet(const Watcher& watcher, const pb::Event& event) {
    const std::string& as = watcher.user_id;
    switch (event.resource_case()) {
      case pb::Event::kJob:
        return ExpectSame(watcher, event, event.job(),
                          Call(as, &pb::JobService::Stub::GetJob,
                               WithId<pb::GetJobRequest>(event.job().id())));
      case pb::Event::kOffer:
        return ExpectSame(watcher, event, event.offer(),
                          Call(as, &pb::OfferService::Stub::GetOffer,
                               WithId<pb::GetOfferRequest>(event.offer().id())));
      case pb::Event::kBooking:
        return ExpectSame(watcher, event, event.booking(),
                          Call(as, &pb::BookingService::Stub::GetBooking,
                               WithId<pb::GetBookingRequest>(event.booking().id())));
      case pb::Event::kGig:
        return ExpectSame(watcher, event, event.gig(),
                          Call(as, &pb::CatalogService::Stub::GetGig,
                               WithId<pb::GetGigRequest>(event.gig().id())));
      case pb::Event::kReview:
        return ExpectSame(watcher, event, event.review(), ListedReview(as, event.review()));
      case pb::Event::kProposal:
        return ExpectSame(watcher, event, event.proposal(),
                          Call(as, &pb::ProposalService::Stub::GetProposal,
                               WithId<pb::GetProposalRequest>(event.proposal().id())));
      case pb::Event::kInvitation:  // no Get: what InviteToBid returned
        return ExpectSame(watcher, event, event.invitation(),
                          invitations_[event.invitation().id()]);
      case pb::Event::kMilestone:
        return ExpectSame(watcher, event, event.milestone(),
                          Call(as, &pb::MilestoneService::Stub::GetMilestone,
                               WithId<pb::GetMilestoneRequest>(event.milestone().id())));
      case pb::Event::kPayment: {
        EXPECT_TRUE(event.payment().client_secret().empty())
            << pb::EventType_Name(event.type()) << " carries the client secret";
        pb::Payment got = Call(as, &pb::PaymentService::Stub::GetPayment,
                               WithId<pb::GetPaymentRequest>(event.payment().id()));
        got.clear_client_secret();  // the buyer's Get shows it; events never do
        return ExpectSame(watcher, event, event.payment(), got);
      }
      case pb::Event::kPayout:  // no Get: the watcher's listing
        return ExpectSame(watcher, event, event.payout(), ListedPayout(as, event.payout().id()));
      case pb::Event::kDispute: {
        for (const pb::DisputeNote& note : event.dispute().notes()) {
          EXPECT_FALSE(note.internal()) << pb::EventType_Name(event.type())
                                        << " carries an internal note";
        }
        pb::Dispute got = Call(as, &pb::DisputeService::Stub::GetDispute,
                               WithId<pb::GetDisputeRequest>(event.dispute().id()));
        auto* notes = got.mutable_notes();  // an admin's Get shows internal notes; events never do
        notes->erase(std::remove_if(notes->begin(), notes->end(),
                                    [](const pb::DisputeNote& n) { return n.internal(); }),
                     notes->end());
        return ExpectSame(watcher, event, event.dispute(), got);
      }
      case pb::Event::kConversation: {
        pb::Conversation got = GetConversation(as, event.conversation().id());
        got.clear_last_message();  // per caller: events carry neither
        got.clear_unread_count();
        return ExpectSame(watcher, event, event.conversation(), got);
      }
      case pb::Event::kMessage: {
        pb::Message got = ListedMessage(as, event.message());
        if (got.hidden()) {  // an admin reads it all; events never carry it
          got.clear_text();
          got.clear_attachments();
          got.clear_hidden_reason();
          got.clear_hidden_by();
        }
        return ExpectSame(watcher, event, event.message(), got);
      }
      case pb::Event::kReadReceipt: {
        const pb::ReadReceipt& receipt = event.read_receipt();
        const pb::Conversation got = GetConversation(as, receipt.conversation_id());
        EXPECT_EQ(receipt.last_read_seq(), receipt.user_id() == got.buyer_id()
                                               ? got.buyer_last_read_seq()
                                               : got.seller_last_read_seq())
            << "the read receipt sent to the " << watcher.name;
        EXPECT_TRUE(receipt.user_id() == got.buyer_id() || receipt.user_id() == got.seller_id());
        EXPECT_TRUE(MessageDifferencer::Equals(receipt.update_time(), event.create_time()));
        return;
      }
      default:
        ADD_FAILURE() << pb::EventType_Name(event.type()) << " carries no resource";
    }
  }

  pb::Conversation GetConversation(const std::string& user_id, const std::string& id) {
    return Call(user_id, &pb::ConversationService::Stub::GetConversation,
                WithId<pb::GetConversationRequest>(id));
  }

  // The entry of `message` in ListMessages of its conversation, as `user_id`.
  pb::Message ListedMessage(const std::string& user_id, const pb::Message& message) {
    pb::ListMessagesRequest list;
    list.set_conversation_id(message.conversation_id());
    list.set_page_size(200);
    const pb::ListMessagesResponse listing =
        Call(user_id, &pb::ConversationService::Stub::ListMessages, list);
    for (const pb::Message& listed : listing.messages()) {
      if (listed.id() == message.id()) return listed;
    }
    ADD_FAILURE() << "message " << message.id() << " is not listed";
    return pb::Message();
  }

  // The entry of `review` in ListReviews of its subject, as `user_id`.
  pb::Review ListedReview(const std::string& user_id, const pb::Review& review) {
    pb::ListReviewsRequest list;
    list.set_user_id(review.subject_id());
    list.set_page_size(500);
    const pb::ListReviewsResponse listing =
        Call(user_id, &pb::ReviewService::Stub::ListReviews, list);
    for (const pb::Review& listed : listing.reviews()) {
      if (listed.id() == review.id()) return listed;
    }
    ADD_FAILURE() << "review " << review.id() << " is not listed";
    return pb::Review();
  }

  // The entry of payout `id` in ListPayouts, as `user_id`.
  pb::Payout ListedPayout(const std::string& user_id, const std::string& id) {
    pb::ListPayoutsRequest list;
    list.set_page_size(500);
    const pb::ListPayoutsResponse listing =
        Call(user_id, &pb::PayoutService::Stub::ListPayouts, list);
    for (const pb::Payout& listed : listing.payouts()) {
      if (listed.id() == id) return listed;
    }
    ADD_FAILURE() << "payout " << id << " is not listed";
    return pb::Payout();
  }

  static void ExpectSame(const Watcher& watcher, const pb::Event& event,
                         const google::protobuf::Message& sent,
                         const google::protobuf::Message& got) {
    std::string difference;
    MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&difference);
    EXPECT_TRUE(differencer.Compare(sent, got))
        << pb::EventType_Name(event.type()) << " sent to the " << watcher.name
        << " differs from its Get (left: the event, right: the Get):\n" << difference;
  }

  // ---- steps: each makes its change, then checks what the watchers got ----

  std::string CreateGig(const std::string& title) {
    pb::CreateGigRequest create;
    pb::Gig* gig = create.mutable_gig();
    gig->set_title(title);
    gig->set_description("Vector logo with two rounds of revisions.");
    gig->set_category_id(category_id_);
    gig->mutable_price()->set_currency_code("USD");
    gig->mutable_price()->set_amount_minor(15000);
    gig->set_delivery_days(5);
    std::string id = Call(seller_, &pb::CatalogService::Stub::CreateGig, create).id();
    ExpectEvents({ForSeller(pb::GIG_CREATED)});
    return id;
  }

  void RetitleGig(const std::string& id) {
    pb::Gig current =
        Call(seller_, &pb::CatalogService::Stub::GetGig, WithId<pb::GetGigRequest>(id));
    pb::UpdateGigRequest update;
    update.mutable_gig()->set_id(id);
    update.mutable_gig()->set_title("Logo design, four concepts");
    update.mutable_update_mask()->add_paths("title");
    update.set_etag(current.etag());
    Call(seller_, &pb::CatalogService::Stub::UpdateGig, update);
    ExpectEvents({ForSeller(pb::GIG_UPDATED)});
  }

  using GigAction = testutil::InProcessServer::Method<pb::CatalogService::Stub,
                                                      pb::GigActionRequest, pb::Gig>;
  void ActOnGig(const std::string& user_id, GigAction action, const std::string& id,
                pb::EventType type) {
    Call(user_id, action, WithId<pb::GigActionRequest>(id));
    ExpectEvents({ForSeller(type)});
  }

  // An open project (bidding closes after `bidding_in`) unless `bidding_in`
  // is zero.
  std::string PostJob(absl::Duration due_in, absl::Duration bidding_in = absl::ZeroDuration()) {
    pb::CreateJobRequest create;
    pb::Job* job = create.mutable_job();
    job->set_title("Brand identity for a bakery");
    job->set_description("Logo, colours and a sign.");
    job->set_category_id(category_id_);
    job->mutable_budget()->mutable_min()->set_currency_code("USD");
    job->mutable_budget()->mutable_min()->set_amount_minor(10000);
    job->mutable_budget()->mutable_max()->set_currency_code("USD");
    job->mutable_budget()->mutable_max()->set_amount_minor(50000);
    job->mutable_due_time()->set_seconds(absl::ToUnixSeconds(server_.clock().Now() + due_in));
    if (bidding_in > absl::ZeroDuration()) {
      job->set_sourcing_mode(pb::SOURCING_MODE_OPEN);
      job->mutable_bidding_close_time()->set_seconds(
          absl::ToUnixSeconds(server_.clock().Now() + bidding_in));
    }
    std::string id = Call(buyer_, &pb::JobService::Stub::CreateJob, create).id();
    ExpectEvents({ForBuyer(pb::JOB_CREATED)});
    return id;
  }

  std::string OpenJob(absl::Duration due_in = absl::Hours(24 * 30),
                      absl::Duration bidding_in = absl::ZeroDuration()) {
    std::string id = PostJob(due_in, bidding_in);
    Call(admin_, &pb::JobService::Stub::ApproveJob, WithId<pb::ApproveJobRequest>(id));
    ExpectEvents({ForBuyer(pb::JOB_APPROVED)});
    return id;
  }

  // The offer ids, in the order of `sellers`.
  std::vector<std::string> Assign(const std::string& job_id, std::vector<std::string> sellers,
                                  absl::Duration ttl = absl::Hours(48)) {
    pb::AssignSellersRequest assign;
    assign.set_job_id(job_id);
    assign.set_note("Your portfolio fits");
    assign.mutable_offer_ttl()->set_seconds(absl::ToInt64Seconds(ttl));
    std::vector<Expected> events;
    for (const std::string& seller : sellers) {
      assign.add_seller_ids(seller);
      events.push_back({pb::OFFER_CREATED, false, seller == seller_});
    }
    pb::AssignSellersResponse assigned =
        Call(admin_, &pb::AssignmentService::Stub::AssignSellers, assign);
    ExpectEvents(events);
    std::vector<std::string> offer_ids;
    for (const pb::Assignment& a : assigned.assignments()) offer_ids.push_back(a.offer_id());
    return offer_ids;
  }

  // `seller` accepts; `superseded` other sellers' offers were pending. The booking id.
  std::string Accept(const std::string& seller, const std::string& offer_id,
                     const std::vector<std::string>& superseded = {}) {
    pb::Offer accepted = Call(seller, &pb::OfferService::Stub::AcceptOffer,
                              WithId<pb::AcceptOfferRequest>(offer_id));
    const bool watched = seller == seller_;
    std::vector<Expected> events = {{pb::OFFER_ACCEPTED, false, watched}};
    for (const std::string& other : superseded) {
      events.push_back({pb::OFFER_SUPERSEDED, false, other == seller_});
    }
    events.push_back({pb::BOOKING_CREATED, true, watched});
    events.push_back(ForBuyer(pb::JOB_BOOKED));
    ExpectEvents(events);
    return accepted.booking_id();
  }

  void RunScheduler() {
    absl::Status ran = server_.backend().scheduler.RunOnce(server_.clock().Now());
    ASSERT_TRUE(ran.ok()) << ran;
  }

  std::string AssignOne(const std::string& job_id, const std::string& seller,
                        absl::Duration ttl = absl::Hours(48)) {
    std::vector<std::string> offer_ids = Assign(job_id, {seller}, ttl);
    return offer_ids.empty() ? "" : offer_ids[0];
  }

  void Deliver(const std::string& booking_id) {
    pb::DeliverBookingRequest deliver;
    deliver.set_id(booking_id);
    deliver.set_note("Files in the shared folder");
    Call(seller_, &pb::BookingService::Stub::DeliverBooking, deliver);
    ExpectEvents({ForBoth(pb::BOOKING_DELIVERED)});
  }

  void Review(const std::string& author, const std::string& booking_id) {
    pb::CreateReviewRequest create;
    create.mutable_review()->set_booking_id(booking_id);
    create.mutable_review()->set_rating(5);
    create.mutable_review()->set_text("A pleasure to work with");
    Call(author, &pb::ReviewService::Stub::CreateReview, create);
    ExpectEvents({ForBoth(pb::REVIEW_CREATED)});
  }

  void CancelBooking(const std::string& user_id, const std::string& booking_id,
                     bool cancel_job, const std::vector<Expected>& events) {
    pb::CancelBookingRequest cancel;
    cancel.set_id(booking_id);
    cancel.set_reason("The plans changed");
    cancel.set_cancel_job(cancel_job);
    Call(user_id, &pb::BookingService::Stub::CancelBooking, cancel);
    ExpectEvents(events);
  }

  // ---- the scenario, in parts ----

  void GigLifecycles() {
    using Catalog = pb::CatalogService::Stub;
    std::string gig = CreateGig("Logo design, three concepts");
    RetitleGig(gig);
    ActOnGig(seller_, &Catalog::SubmitGig, gig, pb::GIG_SUBMITTED);
    ActOnGig(admin_, &Catalog::ApproveGig, gig, pb::GIG_APPROVED);
    ActOnGig(seller_, &Catalog::PauseGig, gig, pb::GIG_PAUSED);
    ActOnGig(seller_, &Catalog::ResumeGig, gig, pb::GIG_RESUMED);
    ActOnGig(seller_, &Catalog::ArchiveGig, gig, pb::GIG_ARCHIVED);
    std::string refused = CreateGig("Logos in any style");
    ActOnGig(seller_, &Catalog::SubmitGig, refused, pb::GIG_SUBMITTED);
    pb::RejectGigRequest reject;
    reject.set_id(refused);
    reject.set_reason("Add samples of your work");
    Call(admin_, &Catalog::RejectGig, reject);
    ExpectEvents({ForSeller(pb::GIG_REJECTED)});
  }

  void JobsThatNeverBook() {
    pb::RejectJobRequest reject;
    reject.set_id(PostJob(absl::Hours(24 * 30)));
    reject.set_reason("Too vague");
    Call(admin_, &pb::JobService::Stub::RejectJob, reject);
    ExpectEvents({ForBuyer(pb::JOB_REJECTED)});

    const std::string declined_job = OpenJob();
    pb::DeclineOfferRequest decline;
    decline.set_id(AssignOne(declined_job, seller_));
    decline.set_reason("Fully booked this month");
    Call(seller_, &pb::OfferService::Stub::DeclineOffer, decline);
    ExpectEvents({ForSeller(pb::OFFER_DECLINED)});
    pb::CancelJobRequest cancel;
    cancel.set_id(declined_job);
    cancel.set_reason("Found someone locally");
    Call(buyer_, &pb::JobService::Stub::CancelJob, cancel);
    ExpectEvents({ForBuyer(pb::JOB_CANCELLED)});

    pb::WithdrawOfferRequest withdraw;
    withdraw.set_id(AssignOne(OpenJob(), seller_));
    withdraw.set_reason("Assigned by mistake");
    Call(admin_, &pb::OfferService::Stub::WithdrawOffer, withdraw);
    ExpectEvents({ForSeller(pb::OFFER_WITHDRAWN)});
  }

  void BookedJobWithReviews() {
    std::vector<std::string> offers = Assign(OpenJob(), {seller_, other_seller_});
    ASSERT_EQ(offers.size(), 2u);
    const std::string booking = Accept(seller_, offers[0], {other_seller_});
    Deliver(booking);
    pb::RequestRevisionRequest revise;
    revise.set_id(booking);
    revise.set_note("A warmer red, please");
    Call(buyer_, &pb::BookingService::Stub::RequestRevision, revise);
    ExpectEvents({ForBoth(pb::BOOKING_REVISION_REQUESTED)});
    Deliver(booking);
    Call(buyer_, &pb::BookingService::Stub::CompleteBooking,
         WithId<pb::CompleteBookingRequest>(booking));
    // Its milestone was never funded: completing the booking cancels it.
    ExpectEvents({ForBoth(pb::MILESTONE_CANCELLED), ForBoth(pb::BOOKING_COMPLETED)});
    Review(buyer_, booking);
    Review(seller_, booking);
  }

  // The seller's booking is cancelled: the job reopens, another seller books
  // it, and an admin cancels that booking together with the job.
  void ReopenedJob() {
    const std::string job = OpenJob();
    const std::string booking = Accept(seller_, AssignOne(job, seller_));
    CancelBooking(buyer_, booking, /*cancel_job=*/false,
                  {ForBoth(pb::MILESTONE_CANCELLED), ForBoth(pb::BOOKING_CANCELLED),
                   ForBuyer(pb::JOB_REOPENED)});
    const std::string rebooked = Accept(other_seller_, AssignOne(job, other_seller_));
    CancelBooking(admin_, rebooked, /*cancel_job=*/true,
                  {ForBuyer(pb::MILESTONE_CANCELLED), ForBuyer(pb::BOOKING_CANCELLED),
                   ForBuyer(pb::JOB_CANCELLED)});
  }

  // A buyer orders an approved gig directly: a booking without a job, on
  // through delivery and completion to a review.
  void GigOrder() {
    using Catalog = pb::CatalogService::Stub;
    const std::string gig = CreateGig("Business cards, two designs");
    ActOnGig(seller_, &Catalog::SubmitGig, gig, pb::GIG_SUBMITTED);
    ActOnGig(admin_, &Catalog::ApproveGig, gig, pb::GIG_APPROVED);
    pb::OrderGigRequest order;
    order.set_gig_id(gig);
    order.set_requirements("Our logo is attached; matte finish.");
    const std::string booking = Call(buyer_, &pb::BookingService::Stub::OrderGig, order).id();
    ExpectEvents({ForBoth(pb::GIG_ORDERED)});
    Deliver(booking);
    Call(buyer_, &pb::BookingService::Stub::CompleteBooking,
         WithId<pb::CompleteBookingRequest>(booking));
    ExpectEvents({ForBoth(pb::MILESTONE_CANCELLED), ForBoth(pb::BOOKING_COMPLETED)});
    Review(buyer_, booking);
  }

  // ---- the open market: proposal steps ----

  // `seller` bids on the open project `job` with a two-step plan.
  std::string Bid(const std::string& seller, const std::string& job, int64_t amount) {
    pb::SubmitProposalRequest submit;
    submit.set_job_id(job);
    pb::Proposal* p = submit.mutable_proposal();
    p->mutable_price()->set_currency_code("USD");
    p->mutable_price()->set_amount_minor(amount);
    p->set_delivery_days(10);
    p->set_cover_letter("Three bakery brands in my portfolio.");
    for (const auto& [title, share, due] : {std::tuple("Sketches", amount / 4, 3),
                                            std::tuple("Final files", amount - amount / 4, 10)}) {
      pb::PlannedMilestone* step = p->add_milestones();
      step->set_title(title);
      step->mutable_amount()->set_currency_code("USD");
      step->mutable_amount()->set_amount_minor(share);
      step->set_due_in_days(due);
    }
    std::string id = Call(seller, &pb::ProposalService::Stub::SubmitProposal, submit).id();
    ExpectEvents({{pb::PROPOSAL_SUBMITTED, true, seller == seller_}});
    return id;
  }

  // The buyer accepts `seller`'s proposal; `not_selected`: the other live
  // proposals' sellers. The booking id.
  std::string AcceptBid(const std::string& seller, const std::string& proposal_id,
                        const std::vector<std::string>& not_selected = {}) {
    const std::string booking =
        Call(buyer_, &pb::ProposalService::Stub::AcceptProposal,
             WithId<pb::AcceptProposalRequest>(proposal_id))
            .booking_id();
    std::vector<Expected> events = {{pb::PROPOSAL_ACCEPTED, true, seller == seller_}};
    for (const std::string& other : not_selected) {
      events.push_back({pb::PROPOSAL_NOT_SELECTED, true, other == seller_});
    }
    events.push_back({pb::BOOKING_CREATED, true, seller == seller_});
    events.push_back(ForBuyer(pb::JOB_BOOKED));
    ExpectEvents(events);
    return booking;
  }

  // Invited, bids updated, withdrawn, shortlisted, one accepted (the
  // shortlisted one NOT_SELECTED); a bid declined; the seller's own bid
  // accepted.
  void OpenProjectBidding() {
    using Proposals = pb::ProposalService::Stub;
    const std::string job = OpenJob(absl::Hours(24 * 30), /*bidding_in=*/absl::Hours(72));
    pb::InviteToBidRequest invite;
    invite.set_job_id(job);
    invite.set_seller_id(seller_);
    invite.set_note("Your bakery work is lovely");
    pb::BidInvitation invitation = Call(buyer_, &Proposals::InviteToBid, invite);
    invitations_[invitation.id()] = invitation;
    ExpectEvents({ForBoth(pb::INVITED_TO_BID)});

    const std::string withdrawn = Bid(seller_, job, 24000);
    const std::string winner = Bid(other_seller_, job, 26000);
    pb::UpdateProposalRequest update;
    update.mutable_proposal()->set_id(withdrawn);
    update.mutable_proposal()->set_cover_letter("Four bakery brands now.");
    update.mutable_proposal()->set_etag(
        Call(seller_, &Proposals::GetProposal, WithId<pb::GetProposalRequest>(withdrawn)).etag());
    update.mutable_update_mask()->add_paths("cover_letter");
    Call(seller_, &Proposals::UpdateProposal, update);
    ExpectEvents({ForBoth(pb::PROPOSAL_UPDATED)});
    pb::WithdrawProposalRequest withdraw;
    withdraw.set_id(withdrawn);
    withdraw.set_reason("Booked elsewhere");
    Call(seller_, &Proposals::WithdrawProposal, withdraw);
    ExpectEvents({ForBoth(pb::PROPOSAL_WITHDRAWN)});

    const std::string shortlisted = Bid(seller_, job, 22000);
    Call(buyer_, &Proposals::ShortlistProposal,
         WithId<pb::ShortlistProposalRequest>(shortlisted));
    ExpectEvents({ForBoth(pb::PROPOSAL_SHORTLISTED)});
    AcceptBid(other_seller_, winner, {seller_});

    // A declined seller may not bid on that job again, so the decline has a
    // project of its own, and the seller's accepted bid a third.
    const std::string second = OpenJob(absl::Hours(24 * 30), /*bidding_in=*/absl::Hours(72));
    pb::DeclineProposalRequest decline;
    decline.set_id(Bid(seller_, second, 22000));
    decline.set_reason("Over our budget");
    Call(buyer_, &Proposals::DeclineProposal, decline);
    ExpectEvents({ForBoth(pb::PROPOSAL_DECLINED)});
    pb::CancelJobRequest cancel;  // else the scheduler closes its bidding later on
    cancel.set_id(second);
    cancel.set_reason("Nobody fits");
    Call(buyer_, &pb::JobService::Stub::CancelJob, cancel);
    ExpectEvents({ForBuyer(pb::JOB_CANCELLED)});

    const std::string third = OpenJob(absl::Hours(24 * 30), /*bidding_in=*/absl::Hours(72));
    AcceptBid(seller_, Bid(seller_, third, 25000));
  }

  // The scheduler closes bidding on two projects; the buyer extends one
  // (OPEN again) and cancels it, closing its live bid; the other expires at
  // its award deadline (7 days after bidding closed), closing its bid too.
  void BiddingClosedAndExtended() {
    const std::string extended = OpenJob(absl::Hours(24 * 30), /*bidding_in=*/absl::Hours(24));
    const std::string unawarded = OpenJob(absl::Hours(24 * 30), /*bidding_in=*/absl::Hours(24));
    Bid(seller_, extended, 20000);
    Bid(seller_, unawarded, 20000);
    server_.clock().Advance(absl::Hours(24));
    RunScheduler();
    ExpectEvents({ForBuyer(pb::JOB_BIDDING_CLOSED), ForBuyer(pb::JOB_BIDDING_CLOSED)});
    pb::ExtendBiddingRequest extend;
    extend.set_id(extended);
    extend.mutable_bidding_close_time()->set_seconds(
        absl::ToUnixSeconds(server_.clock().Now() + absl::Hours(48)));
    Call(buyer_, &pb::JobService::Stub::ExtendBidding, extend);
    ExpectEvents({ForBuyer(pb::JOB_BIDDING_EXTENDED)});
    pb::CancelJobRequest cancel;
    cancel.set_id(extended);
    cancel.set_reason("Hired in house");
    Call(buyer_, &pb::JobService::Stub::CancelJob, cancel);
    ExpectEvents({ForBoth(pb::PROPOSAL_NOT_SELECTED), ForBuyer(pb::JOB_CANCELLED)});
    server_.clock().Advance(absl::Hours(24 * 7));
    RunScheduler();
    ExpectEvents({ForBoth(pb::PROPOSAL_NOT_SELECTED), ForBuyer(pb::JOB_EXPIRED)});
  }

  void ExpiredOfferAndJob() {
    const std::string job = OpenJob(/*due_in=*/absl::Hours(72));
    AssignOne(job, seller_, /*ttl=*/absl::Hours(1));
    server_.clock().Advance(absl::Hours(2));
    RunScheduler();
    ExpectEvents({ForSeller(pb::OFFER_EXPIRED)});
    server_.clock().Advance(absl::Hours(72));
    RunScheduler();
    ExpectEvents({ForBuyer(pb::JOB_EXPIRED)});
  }

  // ---- money (issue 15) ----

  std::string OnlyMilestoneOf(const std::string& booking_id) {
    pb::ListMilestonesRequest list;
    list.set_booking_id(booking_id);
    const pb::ListMilestonesResponse listed =
        Call(buyer_, &pb::MilestoneService::Stub::ListMilestones, list);
    EXPECT_EQ(listed.milestones_size(), 1);
    return listed.milestones_size() > 0 ? listed.milestones(0).id() : "";
  }

  std::string Propose(const std::string& user_id, const std::string& booking_id) {
    pb::ProposeMilestoneRequest propose;
    propose.set_booking_id(booking_id);
    propose.set_title("Business cards");
    propose.mutable_amount()->set_currency_code("USD");
    propose.mutable_amount()->set_amount_minor(4000);
    propose.mutable_due_time()->set_seconds(
        absl::ToUnixSeconds(server_.clock().Now() + absl::Hours(24 * 20)));
    const std::string id =
        Call(user_id, &pb::MilestoneService::Stub::ProposeMilestone, propose).id();
    ExpectEvents({ForBoth(pb::MILESTONE_PROPOSED)});
    return id;
  }

  // The buyer's payment for the milestone (PAYMENT_CREATED, to the buyer).
  std::string Fund(const std::string& milestone_id) {
    const pb::FundMilestoneResponse funded =
        Call(buyer_, &pb::MilestoneService::Stub::FundMilestone,
             WithId<pb::FundMilestoneRequest>(milestone_id));
    ExpectEvents({ForBuyer(pb::PAYMENT_CREATED)});
    return funded.payment().id();
  }

  void Confirm(const std::string& payment_id) {
    pb::ConfirmPaymentRequest confirm = WithId<pb::ConfirmPaymentRequest>(payment_id);
    confirm.set_note("Transfer on the statement");
    Call(admin_, &pb::PaymentService::Stub::ConfirmPayment, confirm);
    ExpectEvents({ForBoth(pb::MILESTONE_FUNDED), ForBuyer(pb::PAYMENT_SUCCEEDED)});
  }

  void Submit(const std::string& milestone_id) {
    pb::SubmitMilestoneRequest submit = WithId<pb::SubmitMilestoneRequest>(milestone_id);
    submit.set_note("Files in the shared folder");
    Call(seller_, &pb::MilestoneService::Stub::SubmitMilestone, submit);
    ExpectEvents({ForBoth(pb::MILESTONE_SUBMITTED)});
  }

  // One booking through every money step: milestones proposed, accepted and
  // declined; a payment cancelled, another confirmed; submit, revision,
  // submit, approve; a dispute with notes (an internal one is no event)
  // resolved, completing the booking; payouts paid and cancelled; and a
  // second booking whose funded milestone the seller cancels (a refund),
  // which cancels the booking and reopens its job.
  void MoneySteps() {
    using Milestones = pb::MilestoneService::Stub;
    const std::string booking = Accept(seller_, AssignOne(OpenJob(), seller_));
    const std::string first = OnlyMilestoneOf(booking);
    const std::string second = Propose(buyer_, booking);
    Call(seller_, &Milestones::AcceptMilestone, WithId<pb::AcceptMilestoneRequest>(second));
    ExpectEvents({ForBoth(pb::MILESTONE_ACCEPTED)});
    const std::string declined = Propose(seller_, booking);
    Call(buyer_, &Milestones::DeclineMilestone, WithId<pb::DeclineMilestoneRequest>(declined));
    ExpectEvents({ForBoth(pb::MILESTONE_DECLINED)});

    Call(buyer_, &pb::PaymentService::Stub::CancelPayment,
         WithId<pb::CancelPaymentRequest>(Fund(first)));
    ExpectEvents({ForBuyer(pb::PAYMENT_CANCELLED)});
    Confirm(Fund(first));
    Submit(first);
    pb::RequestMilestoneRevisionRequest revise =
        WithId<pb::RequestMilestoneRevisionRequest>(first);
    revise.set_note("A warmer red, please");
    Call(buyer_, &Milestones::RequestMilestoneRevision, revise);
    ExpectEvents({ForBoth(pb::MILESTONE_REVISION_REQUESTED)});
    Submit(first);
    Call(buyer_, &Milestones::ApproveMilestone, WithId<pb::ApproveMilestoneRequest>(first));
    ExpectEvents({ForBoth(pb::MILESTONE_RELEASED)});

    Confirm(Fund(second));
    pb::OpenDisputeRequest open;
    open.set_milestone_id(second);
    open.set_reason("The cards were never printed");
    const pb::Dispute dispute = Call(buyer_, &pb::DisputeService::Stub::OpenDispute, open);
    ExpectEvents({ForBoth(pb::MILESTONE_DISPUTED), ForBoth(pb::DISPUTE_OPENED)});
    pb::AddDisputeNoteRequest note = WithId<pb::AddDisputeNoteRequest>(dispute.id());
    note.set_text("The proofs were approved by mail");
    Call(seller_, &pb::DisputeService::Stub::AddDisputeNote, note);
    ExpectEvents({ForBoth(pb::DISPUTE_NOTE_ADDED)});
    note.set_text("The mail looks genuine");
    note.set_internal(true);
    Call(admin_, &pb::DisputeService::Stub::AddDisputeNote, note);
    ExpectEvents({});  // no event: a watcher receiving one fails the next step
    pb::ResolveDisputeRequest resolve = WithId<pb::ResolveDisputeRequest>(dispute.id());
    resolve.mutable_to_seller()->set_currency_code("USD");
    resolve.mutable_to_seller()->set_amount_minor(2800);
    resolve.mutable_refunded()->set_currency_code("USD");
    resolve.mutable_refunded()->set_amount_minor(1200);
    resolve.set_note("Proofs approved, cards not printed");
    Call(admin_, &pb::DisputeService::Stub::ResolveDispute, resolve);
    ExpectEvents({ForBoth(pb::MILESTONE_RESOLVED), ForBoth(pb::BOOKING_COMPLETED),
                  ForBoth(pb::DISPUTE_RESOLVED)});

    using Payouts = pb::PayoutService::Stub;
    pb::RequestPayoutRequest request;
    request.mutable_amount()->set_currency_code("USD");
    request.mutable_amount()->set_amount_minor(1000);
    const std::string paid = Call(seller_, &Payouts::RequestPayout, request).id();
    ExpectEvents({ForSeller(pb::PAYOUT_REQUESTED)});
    pb::MarkPayoutPaidRequest mark = WithId<pb::MarkPayoutPaidRequest>(paid);
    mark.set_reference("Transfer 4711");
    Call(admin_, &Payouts::MarkPayoutPaid, mark);
    ExpectEvents({ForSeller(pb::PAYOUT_PAID)});
    const std::string withdrawn = Call(seller_, &Payouts::RequestPayout, request).id();
    ExpectEvents({ForSeller(pb::PAYOUT_REQUESTED)});
    pb::CancelPayoutRequest cancel_payout = WithId<pb::CancelPayoutRequest>(withdrawn);
    cancel_payout.set_reason("Wrong account");
    Call(seller_, &Payouts::CancelPayout, cancel_payout);
    ExpectEvents({ForSeller(pb::PAYOUT_CANCELLED)});

    const std::string refunded = Accept(seller_, AssignOne(OpenJob(), seller_));
    const std::string milestone = OnlyMilestoneOf(refunded);
    Confirm(Fund(milestone));
    pb::CancelMilestoneRequest cancel = WithId<pb::CancelMilestoneRequest>(milestone);
    cancel.set_reason("I cannot take this on after all");
    Call(seller_, &Milestones::CancelMilestone, cancel);
    ExpectEvents({ForBoth(pb::MILESTONE_CANCELLED), ForBoth(pb::BOOKING_CANCELLED),
                  ForBuyer(pb::JOB_REOPENED)});
  }


  // A conversation about an assigned job: opened by the buyer, a message
  // from the seller, the buyer's read receipt (a second MarkRead moves
  // nothing: no event), an admin joining (once: joining again is no event)
  // and hiding the message, then the buyer's reply once the job is booked.
  void MessagingSteps() {
    using Conversations = pb::ConversationService::Stub;
    const std::string job = OpenJob();
    const std::string offer = AssignOne(job, seller_);
    pb::OpenConversationRequest open;
    open.set_job_id(job);
    open.set_seller_id(seller_);
    const std::string conversation =
        Call(buyer_, &Conversations::OpenConversation, open).id();
    ExpectEvents({ForBoth(pb::CONVERSATION_STARTED)});
    pb::SendMessageRequest send;
    send.set_conversation_id(conversation);
    send.set_text("Happy to help. Call me at 555-0100?");
    const std::string message = Call(seller_, &Conversations::SendMessage, send).id();
    ExpectEvents({ForBoth(pb::MESSAGE_SENT)});
    pb::MarkReadRequest read;
    read.set_conversation_id(conversation);
    Call(buyer_, &Conversations::MarkRead, read);
    ExpectEvents({ForBoth(pb::MESSAGES_READ)});
    Call(buyer_, &Conversations::MarkRead, read);
    ExpectEvents({});
    const auto join = WithId<pb::JoinConversationRequest>(conversation);
    Call(admin_, &Conversations::JoinConversation, join);
    ExpectEvents({ForBoth(pb::CONVERSATION_JOINED)});
    Call(admin_, &Conversations::JoinConversation, join);
    ExpectEvents({});
    pb::HideMessageRequest hide = WithId<pb::HideMessageRequest>(message);
    hide.set_reason("Contact details outside the platform");
    Call(admin_, &Conversations::HideMessage, hide);
    ExpectEvents({ForBoth(pb::MESSAGE_HIDDEN)});
    Accept(seller_, offer);
    send.set_text("Booked, thank you! Let's keep it here.");
    Call(buyer_, &Conversations::SendMessage, send);
    ExpectEvents({ForBoth(pb::MESSAGE_SENT)});
  }

  testutil::InProcessServer server_;
  std::string buyer_, seller_, other_seller_, admin_, category_id_;
  std::vector<Watcher> watchers_;
  std::set<pb::EventType> seen_;
  std::map<std::string, pb::BidInvitation> invitations_;  // by id, as InviteToBid returned them
};

TEST_F(EventConsistencyTest, EveryEventEqualsWhatItsReceiverGets) {
  GigLifecycles();
  JobsThatNeverBook();
  BookedJobWithReviews();
  ReopenedJob();
  GigOrder();
  OpenProjectBidding();
  BiddingClosedAndExtended();
  ExpiredOfferAndJob();
  MoneySteps();
  MessagingSteps();
  const google::protobuf::EnumDescriptor* types = pb::EventType_descriptor();
  for (int i = 0; i < types->value_count(); ++i) {
    const auto type = static_cast<pb::EventType>(types->value(i)->number());
    // Only a provider fails a payment (see the file comment).
    if (type == pb::EVENT_TYPE_UNSPECIFIED || type == pb::PAYMENT_FAILED) continue;
    EXPECT_EQ(seen_.count(type), 1u) << types->value(i)->name() << " was never sent";
  }
}

}  // namespace
}  // namespace gigwire
