// gRPC service classes of the work flow: JobService, AssignmentService,
// OfferService (WatchOffers in offer_watch.cc), ProposalService,
// BookingService, ReviewService. Handlers decode, call the domain
// (server/domain/{jobs,offers,proposals,bookings,reviews}.h) and encode; auth,
// rate limits, status conversion and logging are RpcRunner's.
//
// Thread safety: handlers run concurrently; the referenced domain objects
// are thread-safe and must outlive the server.
#ifndef GIGWIRE_SERVER_API_WORK_SERVICES_H_
#define GIGWIRE_SERVER_API_WORK_SERVICES_H_

#include "gigwire/v1/assignment.grpc.pb.h"
#include "gigwire/v1/booking.grpc.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/offer.grpc.pb.h"
#include "gigwire/v1/proposal.grpc.pb.h"
#include "gigwire/v1/review.grpc.pb.h"
#include "server/api/rpc_runner.h"
#include "server/domain/bookings.h"
#include "server/domain/jobs.h"
#include "server/domain/offers.h"
#include "server/domain/proposals.h"
#include "server/domain/reviews.h"
#include "server/events/event_hub.h"

namespace gigwire {

using grpc::ServerContext;
using grpc::Status;

class JobServiceImpl final : public v1::JobService::Service {
 public:
  JobServiceImpl(RpcRunner& rpc, Jobs& jobs) : rpc_(rpc), jobs_(jobs) {}
  Status CreateJob(ServerContext*, const v1::CreateJobRequest*, v1::Job*) override;
  Status GetJob(ServerContext*, const v1::GetJobRequest*, v1::Job*) override;
  Status ListJobs(ServerContext*, const v1::ListJobsRequest*, v1::ListJobsResponse*) override;
  Status CancelJob(ServerContext*, const v1::CancelJobRequest*, v1::Job*) override;
  Status ApproveJob(ServerContext*, const v1::ApproveJobRequest*, v1::Job*) override;
  Status RejectJob(ServerContext*, const v1::RejectJobRequest*, v1::Job*) override;
  Status ListOpenJobs(ServerContext*, const v1::ListOpenJobsRequest*,
                      v1::ListOpenJobsResponse*) override;
  Status ExtendBidding(ServerContext*, const v1::ExtendBiddingRequest*, v1::Job*) override;

 private:
  RpcRunner& rpc_;
  Jobs& jobs_;
};

class ProposalServiceImpl final : public v1::ProposalService::Service {
 public:
  ProposalServiceImpl(RpcRunner& rpc, Proposals& proposals, const Clock& clock)
      : rpc_(rpc), proposals_(proposals), clock_(clock) {}
  Status SubmitProposal(ServerContext*, const v1::SubmitProposalRequest*, v1::Proposal*) override;
  Status UpdateProposal(ServerContext*, const v1::UpdateProposalRequest*, v1::Proposal*) override;
  Status WithdrawProposal(ServerContext*, const v1::WithdrawProposalRequest*,
                          v1::Proposal*) override;
  Status GetProposal(ServerContext*, const v1::GetProposalRequest*, v1::Proposal*) override;
  Status ListProposals(ServerContext*, const v1::ListProposalsRequest*,
                       v1::ListProposalsResponse*) override;
  Status ShortlistProposal(ServerContext*, const v1::ShortlistProposalRequest*,
                           v1::Proposal*) override;
  Status DeclineProposal(ServerContext*, const v1::DeclineProposalRequest*,
                         v1::Proposal*) override;
  Status AcceptProposal(ServerContext*, const v1::AcceptProposalRequest*, v1::Proposal*) override;
  Status InviteToBid(ServerContext*, const v1::InviteToBidRequest*, v1::BidInvitation*) override;

 private:
  RpcRunner& rpc_;
  Proposals& proposals_;
  const Clock& clock_;
};

class AssignmentServiceImpl final : public v1::AssignmentService::Service {
 public:
  AssignmentServiceImpl(RpcRunner& rpc, Offers& offers) : rpc_(rpc), offers_(offers) {}
  Status AssignSellers(ServerContext*, const v1::AssignSellersRequest*,
                       v1::AssignSellersResponse*) override;
  Status ListAssignments(ServerContext*, const v1::ListAssignmentsRequest*,
                         v1::ListAssignmentsResponse*) override;

 private:
  RpcRunner& rpc_;
  Offers& offers_;
};

// WatchOffers is a callback stream (see watch_reactor.h); the rest are sync.
class OfferServiceImpl final
    : public v1::OfferService::WithCallbackMethod_WatchOffers<v1::OfferService::Service> {
 public:
  OfferServiceImpl(RpcRunner& rpc, Offers& offers, const Clock& clock, EventHub& hub)
      : rpc_(rpc), offers_(offers), clock_(clock), hub_(hub) {}
  Status ListOffers(ServerContext*, const v1::ListOffersRequest*, v1::ListOffersResponse*) override;
  Status GetOffer(ServerContext*, const v1::GetOfferRequest*, v1::Offer*) override;
  Status AcceptOffer(ServerContext*, const v1::AcceptOfferRequest*, v1::Offer*) override;
  Status DeclineOffer(ServerContext*, const v1::DeclineOfferRequest*, v1::Offer*) override;
  Status WithdrawOffer(ServerContext*, const v1::WithdrawOfferRequest*, v1::Offer*) override;
  grpc::ServerWriteReactor<v1::WatchOffersResponse>* WatchOffers(
      grpc::CallbackServerContext* context, const v1::WatchOffersRequest* request) override;

 private:
  RpcRunner& rpc_;
  Offers& offers_;
  const Clock& clock_;
  EventHub& hub_;
};

class BookingServiceImpl final : public v1::BookingService::Service {
 public:
  BookingServiceImpl(RpcRunner& rpc, Bookings& bookings) : rpc_(rpc), bookings_(bookings) {}
  Status GetBooking(ServerContext*, const v1::GetBookingRequest*, v1::Booking*) override;
  Status ListBookings(ServerContext*, const v1::ListBookingsRequest*,
                      v1::ListBookingsResponse*) override;
  Status DeliverBooking(ServerContext*, const v1::DeliverBookingRequest*, v1::Booking*) override;
  Status RequestRevision(ServerContext*, const v1::RequestRevisionRequest*,
                         v1::Booking*) override;
  Status CompleteBooking(ServerContext*, const v1::CompleteBookingRequest*, v1::Booking*) override;
  Status CancelBooking(ServerContext*, const v1::CancelBookingRequest*, v1::Booking*) override;
  Status OrderGig(ServerContext*, const v1::OrderGigRequest*, v1::Booking*) override;

 private:
  RpcRunner& rpc_;
  Bookings& bookings_;
};

class ReviewServiceImpl final : public v1::ReviewService::Service {
 public:
  ReviewServiceImpl(RpcRunner& rpc, Reviews& reviews) : rpc_(rpc), reviews_(reviews) {}
  Status CreateReview(ServerContext*, const v1::CreateReviewRequest*, v1::Review*) override;
  Status ListReviews(ServerContext*, const v1::ListReviewsRequest*,
                     v1::ListReviewsResponse*) override;

 private:
  RpcRunner& rpc_;
  Reviews& reviews_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_WORK_SERVICES_H_
