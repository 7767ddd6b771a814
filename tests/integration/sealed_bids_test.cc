// Sealed bids (issue 13): no seller ever sees another seller's proposal —
// not in ListProposals (with or without a job), not through GetProposal
// (NOT_FOUND), not on its WatchEvents stream, not in its inbox — while the
// job's buyer and admins see every proposal, on lists and streams alike.
//
// Two sellers bid on one open project of the buyer; the buyer invites one,
// shortlists and accepts its bid. Each stream is read up to a last event
// its reader is known to receive (a bid on a second project), so
// everything committed before it has been delivered by then: what is
// missing was never sent.
#include <grpcpp/client_context.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/errors.pb.h"
#include "gigwire/v1/event.grpc.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/notification.grpc.pb.h"
#include "gigwire/v1/proposal.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/in_process_server.h"

namespace gigwire {
namespace {

namespace pb = ::gigwire::v1;
using ::testing::ElementsAre;
using ::testing::IsSupersetOf;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using testutil::ReasonIn;

// The id of the resource an event carries.
std::string ResourceIdOf(const pb::Event& event) {
  switch (event.resource_case()) {
    case pb::Event::kJob: return event.job().id();
    case pb::Event::kOffer: return event.offer().id();
    case pb::Event::kBooking: return event.booking().id();
    case pb::Event::kProposal: return event.proposal().id();
    case pb::Event::kInvitation: return event.invitation().id();
    default: return "";
  }
}

// A WatchEvents stream, opened (and subscribed: its first heartbeat read)
// in the constructor and read from the test's thread.
class EventStream {
 public:
  EventStream(testutil::InProcessServer& server, const std::string& user_id)
      : stub_(server.channel()) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(2)));  // hang guard
    server.Authenticate(user_id, context_);
    reader_ = stub_.WatchEvents(&context_, pb::WatchEventsRequest());
    pb::WatchEventsResponse first;
    EXPECT_TRUE(reader_->Read(&first) && first.has_heartbeat())
        << reader_->Finish().error_message();
  }
  ~EventStream() { context_.TryCancel(); }

  // Every event up to and including the one about `last_id`.
  std::vector<pb::Event> ReadThrough(const std::string& last_id) {
    std::vector<pb::Event> events;
    pb::WatchEventsResponse response;
    while (reader_->Read(&response)) {
      if (!response.has_event()) continue;
      events.push_back(response.event());
      if (ResourceIdOf(response.event()) == last_id) return events;
    }
    ADD_FAILURE() << "the stream ended before the event about " << last_id;
    return events;
  }

 private:
  pb::EventService::Stub stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<pb::WatchEventsResponse>> reader_;
};

// (type, resource id) of each event, in order.
std::vector<std::pair<pb::EventType, std::string>> Summary(const std::vector<pb::Event>& events) {
  std::vector<std::pair<pb::EventType, std::string>> out;
  for (const pb::Event& e : events) out.emplace_back(e.type(), ResourceIdOf(e));
  return out;
}

std::vector<std::string> IdsOf(const pb::ListProposalsResponse& listed) {
  std::vector<std::string> ids;
  for (const pb::Proposal& p : listed.proposals()) ids.push_back(p.id());
  return ids;
}

class SealedBidsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    buyer_ = server_.AddUser("buyer@example.com", {Role::kBuyer});
    seller_a_ = server_.AddUser("a@example.com", {Role::kSeller});
    seller_b_ = server_.AddUser("b@example.com", {Role::kSeller});
    admin_ = server_.AddAdmin("admin@example.com");
    pb::CreateCategoryRequest category;
    category.mutable_category()->set_slug("web");
    category.mutable_category()->set_display_name("Web");
    category_id_ =
        server_.Call(admin_, &pb::CatalogService::Stub::CreateCategory, category).id();
    for (const std::string* user : {&buyer_, &seller_a_, &seller_b_, &admin_}) {
      streams_.emplace_back(std::make_unique<EventStream>(server_, *user));
    }
  }

  EventStream& StreamOf(const std::string& user_id) {
    const std::string* users[] = {&buyer_, &seller_a_, &seller_b_, &admin_};
    for (size_t i = 0; i < 4; ++i) {
      if (*users[i] == user_id) return *streams_[i];
    }
    ADD_FAILURE() << "no stream for " << user_id;
    return *streams_[0];
  }

  std::string OpenProject(const std::string& title) {
    pb::CreateJobRequest create;
    pb::Job* job = create.mutable_job();
    job->set_title(title);
    job->set_description("One page with the menu and a contact form.");
    job->set_category_id(category_id_);
    job->set_sourcing_mode(pb::SOURCING_MODE_OPEN);
    for (pb::Money* money :
         {job->mutable_budget()->mutable_min(), job->mutable_budget()->mutable_max()}) {
      money->set_currency_code("USD");
      money->set_amount_minor(30000);
    }
    const absl::Time now = server_.clock().Now();
    job->mutable_bidding_close_time()->set_seconds(absl::ToUnixSeconds(now + absl::Hours(72)));
    job->mutable_due_time()->set_seconds(absl::ToUnixSeconds(now + absl::Hours(24 * 30)));
    const std::string id = server_.Call(buyer_, &pb::JobService::Stub::CreateJob, create).id();
    pb::ApproveJobRequest approve;
    approve.set_id(id);
    server_.Call(admin_, &pb::JobService::Stub::ApproveJob, approve);
    return id;
  }

  std::string Bid(const std::string& seller, const std::string& job_id, int64_t amount_minor,
                  const std::string& letter) {
    pb::SubmitProposalRequest submit;
    submit.set_job_id(job_id);
    submit.mutable_proposal()->mutable_price()->set_currency_code("USD");
    submit.mutable_proposal()->mutable_price()->set_amount_minor(amount_minor);
    submit.mutable_proposal()->set_delivery_days(7);
    submit.mutable_proposal()->set_cover_letter(letter);
    return server_.Call(seller, &pb::ProposalService::Stub::SubmitProposal, submit).id();
  }

  pb::ListProposalsResponse List(const std::string& user_id, const std::string& job_id,
                                 pb::ProposalState state = pb::PROPOSAL_STATE_UNSPECIFIED) {
    pb::ListProposalsRequest list;
    list.set_job_id(job_id);
    list.set_state(state);
    return server_.Call(user_id, &pb::ProposalService::Stub::ListProposals, list);
  }

  grpc::Status Get(const std::string& user_id, const std::string& proposal_id) {
    pb::GetProposalRequest get;
    get.set_id(proposal_id);
    pb::Proposal ignored;
    return server_.Invoke(user_id, &pb::ProposalService::Stub::GetProposal, get, &ignored);
  }

  // `seller` sees only `own` (its own proposal on the job) and `other` is
  // NOT_FOUND to it, by every read.
  void ExpectSealed(const std::string& seller, const std::string& job_id,
                    const std::string& own, const std::string& other,
                    const std::string& other_seller) {
    SCOPED_TRACE("as seller " + seller);
    pb::ListProposalsResponse of_job = List(seller, job_id);
    EXPECT_THAT(IdsOf(of_job), ElementsAre(own));
    EXPECT_EQ(of_job.total_size(), 1) << "the count does not include the other bid";
    EXPECT_THAT(IdsOf(List(seller, "")), ElementsAre(own));
    for (pb::ProposalState state : {pb::PROPOSAL_STATE_SHORTLISTED,
                                    pb::PROPOSAL_STATE_ACCEPTED}) {
      pb::ListProposalsResponse filtered = List(seller, job_id, state);
      for (const pb::Proposal& p : filtered.proposals()) EXPECT_EQ(p.id(), own);
    }
    grpc::Status got = Get(seller, other);
    EXPECT_EQ(got.error_code(), grpc::StatusCode::NOT_FOUND) << got.error_message();
    EXPECT_EQ(ReasonIn(got), pb::RESOURCE_NOT_FOUND);
    pb::ListProposalsRequest by_other;
    by_other.set_seller_id(other_seller);
    pb::ListProposalsResponse ignored;
    grpc::Status listed =
        server_.Invoke(seller, &pb::ProposalService::Stub::ListProposals, by_other, &ignored);
    EXPECT_EQ(listed.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(ReasonIn(listed), pb::ROLE_REQUIRED);
  }

  // Neither the events nor the inbox of `seller` mention any of `foreign`
  // (the other seller's user, proposals and invitation ids).
  void ExpectNothingForeign(const std::string& seller, const std::vector<pb::Event>& events,
                            const std::vector<std::string>& foreign) {
    SCOPED_TRACE("as seller " + seller);
    for (const pb::Event& e : events) {
      const std::string bytes = e.SerializeAsString();
      for (const std::string& id : foreign) {
        EXPECT_EQ(bytes.find(id), std::string::npos)
            << pb::EventType_Name(e.type()) << " " << ResourceIdOf(e) << " carries " << id;
      }
      if (e.has_proposal()) {
        EXPECT_EQ(e.proposal().seller_id(), seller);
      }
    }
    pb::ListNotificationsRequest inbox_request;
    inbox_request.set_page_size(500);
    pb::ListNotificationsResponse inbox = server_.Call(
        seller, &pb::NotificationService::Stub::ListNotifications, inbox_request);
    for (const pb::Notification& n : inbox.notifications()) {
      for (const std::string& id : foreign) {
        EXPECT_NE(n.resource_id(), id) << n.summary();
        EXPECT_EQ(n.summary().find(id), std::string::npos) << n.summary();
      }
    }
  }

  testutil::InProcessServer server_;
  std::string buyer_, seller_a_, seller_b_, admin_, category_id_;
  std::vector<std::unique_ptr<EventStream>> streams_;
};

TEST_F(SealedBidsTest, ASellerNeverSeesAnotherSellersBidTheBuyerAndAdminsSeeBoth) {
  const std::string job = OpenProject("Landing page for a bakery");
  const std::string second_job = OpenProject("Menu board for a bakery");
  pb::InviteToBidRequest invite;
  invite.set_job_id(job);
  invite.set_seller_id(seller_b_);
  const std::string invitation =
      server_.Call(buyer_, &pb::ProposalService::Stub::InviteToBid, invite).id();
  const std::string bid_a = Bid(seller_a_, job, 24000, "A: five years of bakery sites.");
  const std::string bid_b = Bid(seller_b_, job, 26000, "B: I designed your competitor's.");
  pb::UpdateProposalRequest update;
  update.mutable_proposal()->set_id(bid_b);
  update.mutable_proposal()->mutable_price()->set_currency_code("USD");
  update.mutable_proposal()->mutable_price()->set_amount_minor(23000);
  update.mutable_update_mask()->add_paths("price");
  server_.Call(seller_b_, &pb::ProposalService::Stub::UpdateProposal, update);
  pb::ShortlistProposalRequest shortlist;
  shortlist.set_id(bid_b);
  server_.Call(buyer_, &pb::ProposalService::Stub::ShortlistProposal, shortlist);

  // While both bids are live.
  ExpectSealed(seller_a_, job, bid_a, bid_b, seller_b_);
  ExpectSealed(seller_b_, job, bid_b, bid_a, seller_a_);
  EXPECT_THAT(IdsOf(List(buyer_, job)), UnorderedElementsAre(bid_a, bid_b));
  EXPECT_THAT(IdsOf(List(admin_, "")), UnorderedElementsAre(bid_a, bid_b));
  EXPECT_TRUE(Get(buyer_, bid_b).ok());
  EXPECT_TRUE(Get(admin_, bid_a).ok());

  pb::AcceptProposalRequest accept;
  accept.set_id(bid_b);
  const std::string booking =
      server_.Call(buyer_, &pb::ProposalService::Stub::AcceptProposal, accept).booking_id();

  // After the award: still sealed.
  ExpectSealed(seller_a_, job, bid_a, bid_b, seller_b_);
  ExpectSealed(seller_b_, job, bid_b, bid_a, seller_a_);
  EXPECT_EQ(List(seller_a_, job).proposals(0).state(), pb::PROPOSAL_STATE_NOT_SELECTED);
  EXPECT_EQ(List(buyer_, job).total_size(), 2);

  // Last, one bid each on the second project: every stream reads through it.
  const std::string last_a = Bid(seller_a_, second_job, 20000, "A again.");
  const std::string last_b = Bid(seller_b_, second_job, 21000, "B again.");

  std::vector<pb::Event> a_events = StreamOf(seller_a_).ReadThrough(last_a);
  EXPECT_THAT(Summary(a_events),
              ElementsAre(Pair(pb::PROPOSAL_SUBMITTED, bid_a), Pair(pb::PROPOSAL_NOT_SELECTED, bid_a),
                          Pair(pb::PROPOSAL_SUBMITTED, last_a)));
  ExpectNothingForeign(seller_a_, a_events, {seller_b_, bid_b, last_b, invitation, booking});

  std::vector<pb::Event> b_events = StreamOf(seller_b_).ReadThrough(last_b);
  EXPECT_THAT(Summary(b_events),
              ElementsAre(Pair(pb::INVITED_TO_BID, invitation), Pair(pb::PROPOSAL_SUBMITTED, bid_b),
                          Pair(pb::PROPOSAL_UPDATED, bid_b), Pair(pb::PROPOSAL_SHORTLISTED, bid_b),
                          Pair(pb::PROPOSAL_ACCEPTED, bid_b), Pair(pb::BOOKING_CREATED, booking),
                          Pair(pb::PROPOSAL_SUBMITTED, last_b)));
  ExpectNothingForeign(seller_b_, b_events, {seller_a_, bid_a, last_a});

  const std::vector<std::pair<pb::EventType, std::string>> every_bid_event = {
      {pb::INVITED_TO_BID, invitation},       {pb::PROPOSAL_SUBMITTED, bid_a},
      {pb::PROPOSAL_SUBMITTED, bid_b},        {pb::PROPOSAL_UPDATED, bid_b},
      {pb::PROPOSAL_SHORTLISTED, bid_b},      {pb::PROPOSAL_ACCEPTED, bid_b},
      {pb::PROPOSAL_NOT_SELECTED, bid_a},     {pb::BOOKING_CREATED, booking},
      {pb::PROPOSAL_SUBMITTED, last_a},       {pb::PROPOSAL_SUBMITTED, last_b}};
  for (const std::string* viewer : {&buyer_, &admin_}) {
    EXPECT_THAT(Summary(StreamOf(*viewer).ReadThrough(last_b)), IsSupersetOf(every_bid_event))
        << "as " << *viewer;
  }
}

}  // namespace
}  // namespace gigwire
