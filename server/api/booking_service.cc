// BookingService and ReviewService handlers.
#include "server/api/convert.h"
#include "server/api/request_key.h"
#include "server/api/work_convert.h"
#include "server/api/work_services.h"
#include "server/common/status.h"

namespace gigwire {

Status BookingServiceImpl::GetBooking(ServerContext* ctx, const v1::GetBookingRequest* req,
                                      v1::Booking* resp) {
  constexpr char kMethod[] = "/gigwire.v1.BookingService/GetBooking";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Booking b, bookings_.Get(*call.principal, req->id()));
    ToProto(b, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status BookingServiceImpl::ListBookings(ServerContext* ctx, const v1::ListBookingsRequest* req,
                                        v1::ListBookingsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.BookingService/ListBookings";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    BookingFilter filter;
    GW_ASSIGN_OR_RETURN(filter.state, BookingStateFromProto(req->state(), "state"));
    filter.buyer_id = req->buyer_id();
    filter.seller_id = req->seller_id();
    if (req->has_created_after()) filter.created_after = TimeFromProto(req->created_after());
    if (req->has_created_before()) filter.created_before = TimeFromProto(req->created_before());
    GW_ASSIGN_OR_RETURN(BookingPage page, bookings_.List(*call.principal, filter,
                                                         req->page_size(), req->page_token()));
    for (const Booking& b : page.bookings) ToProto(b, *call.principal, resp->add_bookings());
    resp->set_next_page_token(page.next_page_token);
    resp->set_event_cursor(page.event_cursor);
    return absl::OkStatus();
  });
}

Status BookingServiceImpl::DeliverBooking(ServerContext* ctx,
                                          const v1::DeliverBookingRequest* req,
                                          v1::Booking* resp) {
  constexpr char kMethod[] = "/gigwire.v1.BookingService/DeliverBooking";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    const std::vector<std::string> attachment_ids(req->attachment_ids().begin(),
                                                  req->attachment_ids().end());
    GW_ASSIGN_OR_RETURN(Booking b, bookings_.Deliver(*call.principal, req->id(), req->note(),
                                                     MakeRequestKey(call, "DeliverBooking", *req),
                                                     attachment_ids));
    ToProto(b, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status BookingServiceImpl::RequestRevision(ServerContext* ctx,
                                           const v1::RequestRevisionRequest* req,
                                           v1::Booking* resp) {
  constexpr char kMethod[] = "/gigwire.v1.BookingService/RequestRevision";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Booking b,
                        bookings_.RequestRevision(*call.principal, req->id(), req->note(),
                                                  MakeRequestKey(call, "RequestRevision", *req)));
    ToProto(b, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status BookingServiceImpl::CompleteBooking(ServerContext* ctx,
                                           const v1::CompleteBookingRequest* req,
                                           v1::Booking* resp) {
  constexpr char kMethod[] = "/gigwire.v1.BookingService/CompleteBooking";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Booking b, bookings_.Complete(*call.principal, req->id(),
                                                      MakeRequestKey(call, "CompleteBooking", *req)));
    ToProto(b, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status BookingServiceImpl::CancelBooking(ServerContext* ctx,
                                         const v1::CancelBookingRequest* req,
                                         v1::Booking* resp) {
  constexpr char kMethod[] = "/gigwire.v1.BookingService/CancelBooking";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Booking b,
                        bookings_.Cancel(*call.principal, req->id(), req->reason(),
                                         req->cancel_job(),
                                         MakeRequestKey(call, "CancelBooking", *req)));
    ToProto(b, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status BookingServiceImpl::OrderGig(ServerContext* ctx, const v1::OrderGigRequest* req,
                                    v1::Booking* resp) {
  constexpr char kMethod[] = "/gigwire.v1.BookingService/OrderGig";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Booking b,
                        bookings_.OrderGig(*call.principal, req->gig_id(), req->requirements(),
                                           MakeRequestKey(call, "OrderGig", *req)));
    ToProto(b, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status ReviewServiceImpl::CreateReview(ServerContext* ctx, const v1::CreateReviewRequest* req,
                                       v1::Review* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ReviewService/CreateReview";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    Review draft;
    draft.booking_id = req->review().booking_id();
    draft.rating = req->review().rating();
    draft.text = req->review().text();
    GW_ASSIGN_OR_RETURN(Review review, reviews_.Create(*call.principal, draft,
                                                       MakeRequestKey(call, "CreateReview", *req)));
    ToProto(review, resp);
    return absl::OkStatus();
  });
}

Status ReviewServiceImpl::ListReviews(ServerContext* ctx, const v1::ListReviewsRequest* req,
                                      v1::ListReviewsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ReviewService/ListReviews";
  return rpc_.Run(ctx, kMethod, Access::kOptional, [&](const CallInfo&) -> absl::Status {
    GW_ASSIGN_OR_RETURN(ReviewPage page,
                        reviews_.List(req->user_id(), req->page_size(), req->page_token()));
    for (const Review& r : page.reviews) ToProto(r, resp->add_reviews());
    resp->set_next_page_token(page.next_page_token);
    resp->set_rating_milli(page.rating_milli);
    resp->set_rating_count(page.rating_count);
    return absl::OkStatus();
  });
}

}  // namespace gigwire
