// DisputeService handlers (rules in server/domain/disputes.h).
#include "server/api/convert.h"
#include "server/api/money_convert.h"
#include "server/api/money_services.h"
#include "server/api/request_key.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

absl::Status Reply(absl::StatusOr<Dispute> dispute, v1::Dispute* out) {
  GW_RETURN_IF_ERROR(dispute.status());
  ToProto(*dispute, out);
  return absl::OkStatus();
}

}  // namespace

Status DisputeServiceImpl::OpenDispute(ServerContext* ctx, const v1::OpenDisputeRequest* req,
                                       v1::Dispute* resp) {
  constexpr char kMethod[] = "/gigwire.v1.DisputeService/OpenDispute";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(disputes_.Open(*call.principal, req->milestone_id(), req->reason(),
                                req->evidence(), MakeRequestKey(call, "OpenDispute", *req)),
                 resp);
  });
}

Status DisputeServiceImpl::GetDispute(ServerContext* ctx, const v1::GetDisputeRequest* req,
                                      v1::Dispute* resp) {
  constexpr char kMethod[] = "/gigwire.v1.DisputeService/GetDispute";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(disputes_.Get(*call.principal, req->id()), resp);
  });
}

Status DisputeServiceImpl::ListDisputes(ServerContext* ctx, const v1::ListDisputesRequest* req,
                                        v1::ListDisputesResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.DisputeService/ListDisputes";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::optional<DisputeState> state,
                        DisputeStateFromProto(req->state(), "state"));
    GW_ASSIGN_OR_RETURN(DisputePage page,
                        disputes_.List(*call.principal, state, req->booking_id(),
                                       req->page_size(), req->page_token()));
    for (const Dispute& d : page.disputes) ToProto(d, resp->add_disputes());
    resp->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

Status DisputeServiceImpl::AddDisputeNote(ServerContext* ctx,
                                          const v1::AddDisputeNoteRequest* req,
                                          v1::Dispute* resp) {
  constexpr char kMethod[] = "/gigwire.v1.DisputeService/AddDisputeNote";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(disputes_.AddNote(*call.principal, req->id(), req->text(), req->internal(),
                                   MakeRequestKey(call, "AddDisputeNote", *req)),
                 resp);
  });
}

Status DisputeServiceImpl::ResolveDispute(ServerContext* ctx,
                                          const v1::ResolveDisputeRequest* req,
                                          v1::Dispute* resp) {
  constexpr char kMethod[] = "/gigwire.v1.DisputeService/ResolveDispute";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    DisputeResolution resolution{MoneyFromProto(req->to_seller()),
                                 MoneyFromProto(req->refunded()), req->note()};
    return Reply(disputes_.Resolve(*call.principal, req->id(), resolution,
                                   MakeRequestKey(call, "ResolveDispute", *req)),
                 resp);
  });
}

}  // namespace gigwire
