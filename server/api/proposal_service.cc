// ProposalService handlers.
#include "server/api/convert.h"
#include "server/api/request_key.h"
#include "server/api/work_convert.h"
#include "server/api/work_services.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

absl::StatusOr<ProposalQuery::Order> ProposalOrderFromProto(v1::ProposalOrder order) {
  switch (order) {
    case v1::PROPOSAL_ORDER_UNSPECIFIED:
    case v1::PROPOSAL_ORDER_NEWEST: return ProposalQuery::Order::kNewest;
    case v1::PROPOSAL_ORDER_PRICE: return ProposalQuery::Order::kPrice;
    case v1::PROPOSAL_ORDER_SELLER_RATING: return ProposalQuery::Order::kSellerRating;
    default: return InvalidField("order_by", "unknown order");
  }
}

}  // namespace

Status ProposalServiceImpl::SubmitProposal(ServerContext* ctx,
                                           const v1::SubmitProposalRequest* req,
                                           v1::Proposal* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/SubmitProposal";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(
        Proposal p, proposals_.Submit(*call.principal, req->job_id(),
                                      ProposalDraftFromProto(req->proposal()),
                                      MakeRequestKey(call, "SubmitProposal", *req)));
    ToProto(p, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status ProposalServiceImpl::UpdateProposal(ServerContext* ctx,
                                           const v1::UpdateProposalRequest* req,
                                           v1::Proposal* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/UpdateProposal";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    std::vector<std::string> paths(req->update_mask().paths().begin(),
                                   req->update_mask().paths().end());
    GW_ASSIGN_OR_RETURN(
        Proposal p, proposals_.Update(*call.principal, req->proposal().id(),
                                      ProposalDraftFromProto(req->proposal()), paths,
                                      req->proposal().etag(),
                                      MakeRequestKey(call, "UpdateProposal", *req)));
    ToProto(p, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status ProposalServiceImpl::WithdrawProposal(ServerContext* ctx,
                                             const v1::WithdrawProposalRequest* req,
                                             v1::Proposal* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/WithdrawProposal";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Proposal p,
                        proposals_.Withdraw(*call.principal, req->id(), req->reason(),
                                            MakeRequestKey(call, "WithdrawProposal", *req)));
    ToProto(p, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status ProposalServiceImpl::GetProposal(ServerContext* ctx, const v1::GetProposalRequest* req,
                                        v1::Proposal* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/GetProposal";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Proposal p, proposals_.Get(*call.principal, req->id()));
    ToProto(p, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status ProposalServiceImpl::ListProposals(ServerContext* ctx,
                                          const v1::ListProposalsRequest* req,
                                          v1::ListProposalsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/ListProposals";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    ProposalFilter filter;
    filter.job_id = req->job_id();
    filter.seller_id = req->seller_id();
    GW_ASSIGN_OR_RETURN(filter.state, ProposalStateFromProto(req->state(), "state"));
    filter.shortlisted_only = req->shortlisted_only();
    GW_ASSIGN_OR_RETURN(filter.order, ProposalOrderFromProto(req->order_by()));
    GW_ASSIGN_OR_RETURN(ProposalPage page, proposals_.List(*call.principal, filter,
                                                           req->page_size(), req->page_token()));
    const absl::Time now = clock_.Now();
    for (const Proposal& p : page.proposals) {
      ToProto(p, *call.principal, now, resp->add_proposals());
    }
    resp->set_next_page_token(page.next_page_token);
    resp->set_total_size(page.total_size);
    return absl::OkStatus();
  });
}

Status ProposalServiceImpl::ShortlistProposal(ServerContext* ctx,
                                              const v1::ShortlistProposalRequest* req,
                                              v1::Proposal* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/ShortlistProposal";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Proposal p, proposals_.Shortlist(*call.principal, req->id(),
                                                         MakeRequestKey(call, "ShortlistProposal",
                                                                        *req)));
    ToProto(p, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status ProposalServiceImpl::DeclineProposal(ServerContext* ctx,
                                            const v1::DeclineProposalRequest* req,
                                            v1::Proposal* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/DeclineProposal";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Proposal p,
                        proposals_.Decline(*call.principal, req->id(), req->reason(),
                                           MakeRequestKey(call, "DeclineProposal", *req)));
    ToProto(p, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status ProposalServiceImpl::AcceptProposal(ServerContext* ctx,
                                           const v1::AcceptProposalRequest* req,
                                           v1::Proposal* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/AcceptProposal";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Proposal p,
                        proposals_.Accept(*call.principal, req->id(),
                                          MakeRequestKey(call, "AcceptProposal", *req)));
    ToProto(p, *call.principal, clock_.Now(), resp);
    return absl::OkStatus();
  });
}

Status ProposalServiceImpl::InviteToBid(ServerContext* ctx, const v1::InviteToBidRequest* req,
                                        v1::BidInvitation* resp) {
  constexpr char kMethod[] = "/gigwire.v1.ProposalService/InviteToBid";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(BidInvitation invitation,
                        proposals_.Invite(*call.principal, req->job_id(), req->seller_id(),
                                          req->note(), MakeRequestKey(call, "InviteToBid", *req)));
    ToProto(invitation, resp);
    return absl::OkStatus();
  });
}

}  // namespace gigwire
