// AssignmentService handlers.
#include "server/api/convert.h"
#include "server/api/request_key.h"
#include "server/api/work_convert.h"
#include "server/api/work_services.h"
#include "server/common/status.h"

namespace gigwire {

Status AssignmentServiceImpl::AssignSellers(ServerContext* ctx,
                                            const v1::AssignSellersRequest* req,
                                            v1::AssignSellersResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.AssignmentService/AssignSellers";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    AssignInput in;
    in.job_id = req->job_id();
    in.seller_ids.assign(req->seller_ids().begin(), req->seller_ids().end());
    in.note = req->note();
    if (req->has_offer_ttl()) {
      in.offer_ttl = absl::Seconds(req->offer_ttl().seconds()) +
                     absl::Nanoseconds(req->offer_ttl().nanos());
    }
    GW_ASSIGN_OR_RETURN(std::vector<Assignment> created,
                        offers_.Assign(*call.principal, in,
                                       MakeRequestKey(call, "AssignSellers", *req)));
    for (const Assignment& a : created) ToProto(a, resp->add_assignments());
    return absl::OkStatus();
  });
}

Status AssignmentServiceImpl::ListAssignments(ServerContext* ctx,
                                              const v1::ListAssignmentsRequest* req,
                                              v1::ListAssignmentsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.AssignmentService/ListAssignments";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(AssignmentPage page,
                        offers_.ListAssignments(*call.principal, req->job_id(), req->page_size(),
                                                req->page_token()));
    for (const Assignment& a : page.assignments) ToProto(a, resp->add_assignments());
    resp->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace gigwire
