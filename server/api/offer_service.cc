// OfferService handlers.
#include "server/api/convert.h"
#include "server/api/request_key.h"
#include "server/api/work_convert.h"
#include "server/api/work_services.h"
#include "server/common/status.h"

namespace gigwire {

Status OfferServiceImpl::ListOffers(ServerContext* ctx, const v1::ListOffersRequest* req,
                                    v1::ListOffersResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.OfferService/ListOffers";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    OfferFilter filter;
    GW_ASSIGN_OR_RETURN(filter.state, OfferStateFromProto(req->state(), "state"));
    filter.job_id = req->job_id();
    filter.seller_id = req->seller_id();
    GW_ASSIGN_OR_RETURN(OfferPage page, offers_.List(*call.principal, filter, req->page_size(),
                                                     req->page_token()));
    const absl::Time now = clock_.Now();
    for (const Offer& o : page.offers) ToProto(o, *call.principal, now, resp->add_offers());
    resp->set_next_page_token(page.next_page_token);
    resp->set_event_cursor(page.event_cursor);
    return absl::OkStatus();
  });
}

Status OfferServiceImpl::GetOffer(ServerContext* ctx, const v1::GetOfferRequest* req,
                                  v1::Offer* resp) {
  constexpr char kMethod[] = "/gigwire.v1.OfferService/GetOffer";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Offer offer, offers_.Get(*call.principal, req->id()));
    ToProto(offer, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status OfferServiceImpl::AcceptOffer(ServerContext* ctx, const v1::AcceptOfferRequest* req,
                                     v1::Offer* resp) {
  constexpr char kMethod[] = "/gigwire.v1.OfferService/AcceptOffer";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Offer offer, offers_.Accept(*call.principal, req->id(),
                                                    MakeRequestKey(call, "AcceptOffer", *req)));
    ToProto(offer, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status OfferServiceImpl::DeclineOffer(ServerContext* ctx, const v1::DeclineOfferRequest* req,
                                      v1::Offer* resp) {
  constexpr char kMethod[] = "/gigwire.v1.OfferService/DeclineOffer";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Offer offer,
                        offers_.Decline(*call.principal, req->id(), req->reason(),
                                        MakeRequestKey(call, "DeclineOffer", *req)));
    ToProto(offer, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status OfferServiceImpl::WithdrawOffer(ServerContext* ctx, const v1::WithdrawOfferRequest* req,
                                       v1::Offer* resp) {
  constexpr char kMethod[] = "/gigwire.v1.OfferService/WithdrawOffer";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Offer offer,
                        offers_.Withdraw(*call.principal, req->id(), req->reason(),
                                         MakeRequestKey(call, "WithdrawOffer", *req)));
    ToProto(offer, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

}  // namespace gigwire
