// MilestoneService handlers (rules in server/domain/milestones.h; funding in
// payments.h).
#include "server/api/convert.h"
#include "server/api/money_convert.h"
#include "server/api/money_services.h"
#include "server/api/request_key.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

// Sends the milestone a domain call returned, with the caller's actions.
absl::Status Reply(const CallInfo& call, absl::StatusOr<Milestone> milestone,
                   v1::Milestone* out) {
  GW_RETURN_IF_ERROR(milestone.status());
  ToProto(*milestone, call.principal, out);
  return absl::OkStatus();
}

}  // namespace

Status MilestoneServiceImpl::ListMilestones(ServerContext* ctx,
                                            const v1::ListMilestonesRequest* req,
                                            v1::ListMilestonesResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/ListMilestones";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::vector<Milestone> milestones,
                        milestones_.List(*call.principal, req->booking_id()));
    for (const Milestone& m : milestones) ToProto(m, call.principal, resp->add_milestones());
    return absl::OkStatus();
  });
}

Status MilestoneServiceImpl::GetMilestone(ServerContext* ctx, const v1::GetMilestoneRequest* req,
                                          v1::Milestone* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/GetMilestone";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(call, milestones_.Get(*call.principal, req->id()), resp);
  });
}

Status MilestoneServiceImpl::ProposeMilestone(ServerContext* ctx,
                                              const v1::ProposeMilestoneRequest* req,
                                              v1::Milestone* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/ProposeMilestone";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    MilestoneProposal proposal;
    proposal.booking_id = req->booking_id();
    proposal.title = req->title();
    proposal.amount = MoneyFromProto(req->amount());
    if (req->has_due_time()) proposal.due_time = TimeFromProto(req->due_time());
    return Reply(call,
                 milestones_.Propose(*call.principal, proposal,
                                     MakeRequestKey(call, "ProposeMilestone", *req)),
                 resp);
  });
}

Status MilestoneServiceImpl::AcceptMilestone(ServerContext* ctx,
                                             const v1::AcceptMilestoneRequest* req,
                                             v1::Milestone* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/AcceptMilestone";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(call,
                 milestones_.Accept(*call.principal, req->id(),
                                    MakeRequestKey(call, "AcceptMilestone", *req)),
                 resp);
  });
}

Status MilestoneServiceImpl::DeclineMilestone(ServerContext* ctx,
                                              const v1::DeclineMilestoneRequest* req,
                                              v1::Milestone* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/DeclineMilestone";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(call,
                 milestones_.Decline(*call.principal, req->id(),
                                     MakeRequestKey(call, "DeclineMilestone", *req)),
                 resp);
  });
}

Status MilestoneServiceImpl::FundMilestone(ServerContext* ctx,
                                           const v1::FundMilestoneRequest* req,
                                           v1::FundMilestoneResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/FundMilestone";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(FundResult funded,
                        payments_.Fund(*call.principal, req->id(),
                                       MakeRequestKey(call, "FundMilestone", *req)));
    ToProto(funded.milestone, call.principal, resp->mutable_milestone());
    ToProto(funded.payment, resp->mutable_payment());
    return absl::OkStatus();
  });
}

Status MilestoneServiceImpl::SubmitMilestone(ServerContext* ctx,
                                             const v1::SubmitMilestoneRequest* req,
                                             v1::Milestone* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/SubmitMilestone";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(call,
                 milestones_.Submit(*call.principal, req->id(), req->note(),
                                    MakeRequestKey(call, "SubmitMilestone", *req),
                                    {req->attachment_ids().begin(), req->attachment_ids().end()}),
                 resp);
  });
}

Status MilestoneServiceImpl::RequestMilestoneRevision(
    ServerContext* ctx, const v1::RequestMilestoneRevisionRequest* req, v1::Milestone* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/RequestMilestoneRevision";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(call,
                 milestones_.RequestRevision(
                     *call.principal, req->id(), req->note(),
                     MakeRequestKey(call, "RequestMilestoneRevision", *req)),
                 resp);
  });
}

Status MilestoneServiceImpl::ApproveMilestone(ServerContext* ctx,
                                              const v1::ApproveMilestoneRequest* req,
                                              v1::Milestone* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/ApproveMilestone";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(call,
                 milestones_.Approve(*call.principal, req->id(),
                                     MakeRequestKey(call, "ApproveMilestone", *req)),
                 resp);
  });
}

Status MilestoneServiceImpl::CancelMilestone(ServerContext* ctx,
                                             const v1::CancelMilestoneRequest* req,
                                             v1::Milestone* resp) {
  constexpr char kMethod[] = "/gigwire.v1.MilestoneService/CancelMilestone";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) {
    return Reply(call,
                 milestones_.Cancel(*call.principal, req->id(), req->reason(),
                                    MakeRequestKey(call, "CancelMilestone", *req)),
                 resp);
  });
}

}  // namespace gigwire
