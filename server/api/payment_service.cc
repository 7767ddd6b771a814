// PaymentService and PayoutService handlers (rules in
// server/domain/payments.h and payouts.h).
#include "server/api/convert.h"
#include "server/api/money_convert.h"
#include "server/api/money_services.h"
#include "server/api/request_key.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

template <typename Resource, typename Message>
absl::Status Reply(absl::StatusOr<Resource> resource, Message* out) {
  GW_RETURN_IF_ERROR(resource.status());
  ToProto(*resource, out);
  return absl::OkStatus();
}

}  // namespace

Status PaymentServiceImpl::GetPayment(ServerContext* ctx, const v1::GetPaymentRequest* req,
                                      v1::Payment* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PaymentService/GetPayment";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(payments_.Get(*call.principal, req->id()), resp);
  });
}

Status PaymentServiceImpl::ListPayments(ServerContext* ctx, const v1::ListPaymentsRequest* req,
                                        v1::ListPaymentsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PaymentService/ListPayments";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    PaymentFilter filter;
    GW_ASSIGN_OR_RETURN(filter.state, PaymentStateFromProto(req->state(), "state"));
    filter.booking_id = req->booking_id();
    filter.milestone_id = req->milestone_id();
    filter.buyer_id = req->buyer_id();
    filter.gateway = req->gateway();
    GW_ASSIGN_OR_RETURN(PaymentPage page, payments_.List(*call.principal, filter,
                                                         req->page_size(), req->page_token()));
    for (const Payment& p : page.payments) ToProto(p, resp->add_payments());
    resp->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

Status PaymentServiceImpl::ConfirmPayment(ServerContext* ctx,
                                          const v1::ConfirmPaymentRequest* req,
                                          v1::Payment* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PaymentService/ConfirmPayment";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(payments_.Confirm(*call.principal, req->id(), req->note(),
                                   MakeRequestKey(call, "ConfirmPayment", *req)),
                 resp);
  });
}

Status PaymentServiceImpl::RefreshPayment(ServerContext* ctx,
                                          const v1::RefreshPaymentRequest* req,
                                          v1::Payment* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PaymentService/RefreshPayment";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(payments_.Refresh(*call.principal, req->id()), resp);
  });
}

Status PaymentServiceImpl::CancelPayment(ServerContext* ctx, const v1::CancelPaymentRequest* req,
                                         v1::Payment* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PaymentService/CancelPayment";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(payments_.Cancel(*call.principal, req->id(),
                                  MakeRequestKey(call, "CancelPayment", *req)),
                 resp);
  });
}

Status PayoutServiceImpl::RequestPayout(ServerContext* ctx, const v1::RequestPayoutRequest* req,
                                        v1::Payout* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PayoutService/RequestPayout";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(payouts_.Request(*call.principal, MoneyFromProto(req->amount()),
                                  MakeRequestKey(call, "RequestPayout", *req)),
                 resp);
  });
}

Status PayoutServiceImpl::ListPayouts(ServerContext* ctx, const v1::ListPayoutsRequest* req,
                                      v1::ListPayoutsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PayoutService/ListPayouts";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::optional<PayoutState> state,
                        PayoutStateFromProto(req->state(), "state"));
    GW_ASSIGN_OR_RETURN(PayoutPage page,
                        payouts_.List(*call.principal, state, req->seller_id(), req->page_size(),
                                      req->page_token()));
    for (const Payout& p : page.payouts) ToProto(p, resp->add_payouts());
    resp->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

Status PayoutServiceImpl::MarkPayoutPaid(ServerContext* ctx,
                                         const v1::MarkPayoutPaidRequest* req,
                                         v1::Payout* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PayoutService/MarkPayoutPaid";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(payouts_.MarkPaid(*call.principal, req->id(), req->reference(),
                                   MakeRequestKey(call, "MarkPayoutPaid", *req)),
                 resp);
  });
}

Status PayoutServiceImpl::CancelPayout(ServerContext* ctx, const v1::CancelPayoutRequest* req,
                                       v1::Payout* resp) {
  constexpr char kMethod[] = "/gigwire.v1.PayoutService/CancelPayout";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(payouts_.Cancel(*call.principal, req->id(), req->reason(),
                                 MakeRequestKey(call, "CancelPayout", *req)),
                 resp);
  });
}

}  // namespace gigwire
