// Races on the open market (issue 13), through an in-process server and
// real gRPC clients calling from several threads at once:
//  - two accepts of two proposals of one job: exactly one succeeds, the
//    other is FAILED_PRECONDITION (INVALID_STATE), one booking per job;
//  - sellers bidding while the buyer accepts: one booking, and no proposal
//    left live on the booked job (a bid that comes too late is
//    FAILED_PRECONDITION, BIDDING_CLOSED);
//  - one seller submitting twice at once: one live proposal, the other call
//    ALREADY_EXISTS (PROPOSAL_EXISTS).
// Every round releases its threads together from one gate; the assertions
// are about outcomes only (never about timing), and each test runs a
// bounded number of rounds.
#include <grpcpp/client_context.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gigwire/v1/booking.grpc.pb.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/errors.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/proposal.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/in_process_server.h"

namespace gigwire {
namespace {

namespace pb = ::gigwire::v1;
using ::testing::UnorderedElementsAreArray;
using testutil::ReasonIn;

// The ErrorDetails of a failed call (empty when there are none).
pb::ErrorDetails DetailsIn(const grpc::Status& status) {
  pb::RpcStatus envelope;
  pb::ErrorDetails details;
  if (!status.ok() && envelope.ParseFromString(status.error_details())) {
    for (const auto& any : envelope.details()) {
      if (any.UnpackTo(&details)) break;
    }
  }
  return details;
}

std::string MetadataIn(const grpc::Status& status, const std::string& key) {
  const pb::ErrorDetails details = DetailsIn(status);
  auto it = details.metadata().find(key);
  return it == details.metadata().end() ? "" : it->second;
}

// A user and a bearer token issued for it up front, so that threads can
// call without touching the server object.
struct Caller {
  std::string user_id;
  std::string token;
};

class ProposalRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    buyer_ = NewCaller("buyer@example.com", {Role::kBuyer});
    admin_ = server_.AddAdmin("admin@example.com");
    pb::CreateCategoryRequest category;
    category.mutable_category()->set_slug("web");
    category.mutable_category()->set_display_name("Web");
    category_id_ =
        server_.Call(admin_, &pb::CatalogService::Stub::CreateCategory, category).id();
  }

  Caller NewCaller(const std::string& email, std::vector<Role> roles) {
    Caller caller;
    caller.user_id = server_.AddUser(email, std::move(roles));
    caller.token = server_.backend().tokens.Issue(caller.user_id);
    return caller;
  }

  std::vector<Caller> NewSellers(const std::string& prefix, int count) {
    std::vector<Caller> sellers;
    for (int i = 0; i < count; ++i) {
      sellers.push_back(NewCaller(prefix + std::to_string(i) + "@example.com", {Role::kSeller}));
    }
    return sellers;
  }

  // Calls `method` as `caller` on a stub of its own: safe from any thread.
  template <typename Stub, typename Request, typename Response>
  grpc::Status CallAs(const Caller& caller,
                      testutil::InProcessServer::Method<Stub, Request, Response> method,
                      const typename testutil::NonDeduced<Request>::type& request,
                      Response* response) {
    Stub stub(server_.channel());
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + caller.token);
    return (stub.*method)(&context, request, response);
  }

  // The buyer's approved open project in bidding.
  std::string OpenProject() {
    pb::CreateJobRequest create;
    pb::Job* job = create.mutable_job();
    job->set_title("Landing page for a bakery");
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
    const std::string id =
        server_.Call(buyer_.user_id, &pb::JobService::Stub::CreateJob, create).id();
    pb::ApproveJobRequest approve;
    approve.set_id(id);
    server_.Call(admin_, &pb::JobService::Stub::ApproveJob, approve);
    return id;
  }

  static pb::SubmitProposalRequest BidOn(const std::string& job_id, int64_t amount_minor) {
    pb::SubmitProposalRequest submit;
    submit.set_job_id(job_id);
    pb::Proposal* p = submit.mutable_proposal();
    p->mutable_price()->set_currency_code("USD");
    p->mutable_price()->set_amount_minor(amount_minor);
    p->set_delivery_days(7);
    p->set_cover_letter("I can start tomorrow.");
    return submit;
  }

  std::string Bid(const Caller& seller, const std::string& job_id) {
    pb::Proposal made;
    grpc::Status status =
        CallAs(seller, &pb::ProposalService::Stub::SubmitProposal, BidOn(job_id, 25000), &made);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return made.id();
  }

  grpc::Status Accept(const std::string& proposal_id, pb::Proposal* accepted) {
    pb::AcceptProposalRequest accept;
    accept.set_id(proposal_id);
    return CallAs(buyer_, &pb::ProposalService::Stub::AcceptProposal, accept, accepted);
  }

  // Every proposal on the job, as its buyer lists them.
  std::vector<pb::Proposal> ProposalsOf(const std::string& job_id) {
    pb::ListProposalsRequest list;
    list.set_job_id(job_id);
    list.set_page_size(500);
    pb::ListProposalsResponse listed =
        server_.Call(buyer_.user_id, &pb::ProposalService::Stub::ListProposals, list);
    EXPECT_TRUE(listed.next_page_token().empty());
    return {listed.proposals().begin(), listed.proposals().end()};
  }

  // The buyer's bookings by job id.
  std::map<std::string, std::vector<pb::Booking>> BookingsByJob() {
    pb::ListBookingsRequest list;
    list.set_page_size(500);
    pb::ListBookingsResponse listed =
        server_.Call(buyer_.user_id, &pb::BookingService::Stub::ListBookings, list);
    EXPECT_TRUE(listed.next_page_token().empty());
    std::map<std::string, std::vector<pb::Booking>> by_job;
    for (const pb::Booking& b : listed.bookings()) by_job[b.job_id()].push_back(b);
    return by_job;
  }

  pb::Job GetJob(const std::string& id) {
    pb::GetJobRequest get;
    get.set_id(id);
    return server_.Call(buyer_.user_id, &pb::JobService::Stub::GetJob, get);
  }

  // Runs every task on its own thread, released together; returns when all
  // are done.
  static void RunTogether(std::vector<std::function<void()>> tasks) {
    absl::Notification go;
    std::vector<std::thread> threads;
    for (auto& task : tasks) {
      threads.emplace_back([&go, &task] {
        go.WaitForNotification();
        task();
      });
    }
    go.Notify();
    for (std::thread& t : threads) t.join();
  }

  testutil::InProcessServer server_;
  Caller buyer_;
  std::string admin_, category_id_;
};

TEST_F(ProposalRaceTest, TwoAcceptsRacingOnOneJobBookItExactlyOnce) {
  constexpr int kJobs = 20;
  const Caller seller_a = NewCaller("a@example.com", {Role::kSeller});
  const Caller seller_b = NewCaller("b@example.com", {Role::kSeller});
  std::map<std::string, std::string> winner_of;  // job id -> accepted proposal id
  for (int round = 0; round < kJobs; ++round) {
    const std::string job = OpenProject();
    const std::string ids[2] = {Bid(seller_a, job), Bid(seller_b, job)};
    grpc::Status status[2];
    pb::Proposal accepted[2];
    RunTogether({[&] { status[0] = Accept(ids[0], &accepted[0]); },
                 [&] { status[1] = Accept(ids[1], &accepted[1]); }});
    SCOPED_TRACE("round " + std::to_string(round));
    ASSERT_NE(status[0].ok(), status[1].ok())
        << "exactly one accept wins: " << status[0].error_message() << " / "
        << status[1].error_message();
    const int won = status[0].ok() ? 0 : 1;
    const grpc::Status& lost = status[1 - won];
    EXPECT_EQ(lost.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << lost.error_message();
    EXPECT_EQ(ReasonIn(lost), pb::INVALID_STATE) << lost.error_message();
    EXPECT_EQ(MetadataIn(lost, "current_state"), "NOT_SELECTED")
        << "the loser's proposal was closed by the winner";
    EXPECT_EQ(accepted[won].state(), pb::PROPOSAL_STATE_ACCEPTED);
    winner_of[job] = ids[won];

    std::map<pb::ProposalState, int> states;
    for (const pb::Proposal& p : ProposalsOf(job)) {
      ++states[p.state()];
      if (p.state() == pb::PROPOSAL_STATE_ACCEPTED) EXPECT_EQ(p.id(), ids[won]);
    }
    EXPECT_EQ(states[pb::PROPOSAL_STATE_ACCEPTED], 1);
    EXPECT_EQ(states[pb::PROPOSAL_STATE_NOT_SELECTED], 1);
    const pb::Job booked = GetJob(job);
    EXPECT_EQ(booked.state(), pb::JOB_STATE_BOOKED);
    EXPECT_EQ(booked.booking_id(), accepted[won].booking_id());
  }
  std::map<std::string, std::vector<pb::Booking>> bookings = BookingsByJob();
  EXPECT_EQ(bookings.size(), static_cast<size_t>(kJobs));
  for (const auto& [job, winner] : winner_of) {
    ASSERT_EQ(bookings[job].size(), 1u) << "job " << job;
    EXPECT_EQ(bookings[job][0].proposal_id(), winner);
    EXPECT_EQ(bookings[job][0].source(), pb::BOOKING_SOURCE_PROPOSAL);
  }
}

TEST_F(ProposalRaceTest, BidsRacingAnAcceptLandBeforeItOrFindBiddingClosed) {
  constexpr int kRounds = 5;
  constexpr int kLateSellers = 8;
  const Caller first_seller = NewCaller("first@example.com", {Role::kSeller});
  const std::vector<Caller> late = NewSellers("late", kLateSellers);
  int landed = 0, refused = 0;  // over every round, for the failure messages
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string job = OpenProject();
    const std::string first = Bid(first_seller, job);
    std::vector<grpc::Status> submitted(kLateSellers);
    std::vector<pb::Proposal> made(kLateSellers);
    grpc::Status accept_status;
    pb::Proposal accepted;
    std::vector<std::function<void()>> tasks;
    for (int i = 0; i < kLateSellers; ++i) {
      tasks.push_back([&, i] {
        submitted[i] = CallAs(late[i], &pb::ProposalService::Stub::SubmitProposal,
                              BidOn(job, 20000 + i), &made[i]);
      });
      if (i == kLateSellers / 2) tasks.push_back([&] { accept_status = Accept(first, &accepted); });
    }
    RunTogether(std::move(tasks));
    ASSERT_TRUE(accept_status.ok()) << accept_status.error_message();

    std::vector<std::string> landed_ids;
    for (int i = 0; i < kLateSellers; ++i) {
      if (submitted[i].ok()) {
        ++landed;
        landed_ids.push_back(made[i].id());
        continue;
      }
      ++refused;
      EXPECT_EQ(submitted[i].error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << submitted[i].error_message();
      EXPECT_EQ(ReasonIn(submitted[i]), pb::BIDDING_CLOSED) << submitted[i].error_message();
    }
    std::vector<std::string> not_selected;
    for (const pb::Proposal& p : ProposalsOf(job)) {
      EXPECT_NE(p.state(), pb::PROPOSAL_STATE_SUBMITTED) << p.id() << " left live";
      EXPECT_NE(p.state(), pb::PROPOSAL_STATE_SHORTLISTED) << p.id() << " left live";
      if (p.state() == pb::PROPOSAL_STATE_ACCEPTED) EXPECT_EQ(p.id(), first);
      if (p.state() == pb::PROPOSAL_STATE_NOT_SELECTED) not_selected.push_back(p.id());
    }
    EXPECT_THAT(not_selected, UnorderedElementsAreArray(landed_ids))
        << "every bid that landed before the accept was closed by it";
    const pb::Job booked = GetJob(job);
    EXPECT_EQ(booked.state(), pb::JOB_STATE_BOOKED);
    EXPECT_EQ(booked.proposal_count(), 0);
    EXPECT_EQ(booked.booking_id(), accepted.booking_id());
  }
  std::map<std::string, std::vector<pb::Booking>> bookings = BookingsByJob();
  EXPECT_EQ(bookings.size(), static_cast<size_t>(kRounds))
      << landed << " bids landed before the accept, " << refused << " after";
  for (const auto& [job, of_job] : bookings) EXPECT_EQ(of_job.size(), 1u) << job;
}

TEST_F(ProposalRaceTest, OneSellerSubmittingTwiceAtOnceGetsOneLiveProposal) {
  constexpr int kRounds = 10;
  const Caller seller = NewCaller("twice@example.com", {Role::kSeller});
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string job = OpenProject();
    grpc::Status status[2];
    pb::Proposal made[2];
    RunTogether({[&] {
                   status[0] = CallAs(seller, &pb::ProposalService::Stub::SubmitProposal,
                                      BidOn(job, 21000), &made[0]);
                 },
                 [&] {
                   status[1] = CallAs(seller, &pb::ProposalService::Stub::SubmitProposal,
                                      BidOn(job, 22000), &made[1]);
                 }});
    ASSERT_NE(status[0].ok(), status[1].ok())
        << status[0].error_message() << " / " << status[1].error_message();
    const int won = status[0].ok() ? 0 : 1;
    const grpc::Status& lost = status[1 - won];
    EXPECT_EQ(lost.error_code(), grpc::StatusCode::ALREADY_EXISTS) << lost.error_message();
    EXPECT_EQ(ReasonIn(lost), pb::PROPOSAL_EXISTS) << lost.error_message();
    EXPECT_EQ(MetadataIn(lost, "proposal_id"), made[won].id());

    pb::ListProposalsRequest own;
    own.set_job_id(job);
    pb::ListProposalsResponse listed;
    ASSERT_TRUE(
        CallAs(seller, &pb::ProposalService::Stub::ListProposals, own, &listed).ok());
    ASSERT_EQ(listed.proposals_size(), 1);
    EXPECT_EQ(listed.proposals(0).id(), made[won].id());
    EXPECT_EQ(listed.proposals(0).state(), pb::PROPOSAL_STATE_SUBMITTED);
    EXPECT_EQ(GetJob(job).proposal_count(), 1);
  }
}

}  // namespace
}  // namespace gigwire
