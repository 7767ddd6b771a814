// JobService handlers.
#include "server/api/convert.h"
#include "server/api/request_key.h"
#include "server/api/work_convert.h"
#include "server/api/work_services.h"
#include "server/common/status.h"

namespace gigwire {

Status JobServiceImpl::CreateJob(ServerContext* ctx, const v1::CreateJobRequest* req,
                                 v1::Job* resp) {
  constexpr char kMethod[] = "/gigwire.v1.JobService/CreateJob";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Job job, jobs_.Create(*call.principal, JobDraftFromProto(req->job()),
                                              MakeRequestKey(call, "CreateJob", *req)));
    ToProto(job, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status JobServiceImpl::GetJob(ServerContext* ctx, const v1::GetJobRequest* req, v1::Job* resp) {
  constexpr char kMethod[] = "/gigwire.v1.JobService/GetJob";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Job job, jobs_.Get(*call.principal, req->id()));
    ToProto(job, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status JobServiceImpl::ListJobs(ServerContext* ctx, const v1::ListJobsRequest* req,
                                v1::ListJobsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.JobService/ListJobs";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    JobFilter filter;
    GW_ASSIGN_OR_RETURN(filter.state, JobStateFromProto(req->state(), "state"));
    filter.buyer_id = req->buyer_id();
    GW_ASSIGN_OR_RETURN(JobPage page, jobs_.List(*call.principal, filter, req->page_size(),
                                                 req->page_token()));
    for (const Job& job : page.jobs) ToProto(job, *call.principal, resp->add_jobs());
    resp->set_next_page_token(page.next_page_token);
    resp->set_event_cursor(page.event_cursor);
    for (const auto& [state, count] : page.state_counts) {
      v1::JobStateCount* out = resp->add_state_counts();
      out->set_state(static_cast<v1::JobState>(state));
      out->set_count(count);
    }
    return absl::OkStatus();
  });
}

Status JobServiceImpl::CancelJob(ServerContext* ctx, const v1::CancelJobRequest* req,
                                 v1::Job* resp) {
  constexpr char kMethod[] = "/gigwire.v1.JobService/CancelJob";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Job job, jobs_.Cancel(*call.principal, req->id(), req->reason(),
                                              MakeRequestKey(call, "CancelJob", *req)));
    ToProto(job, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status JobServiceImpl::ApproveJob(ServerContext* ctx, const v1::ApproveJobRequest* req,
                                  v1::Job* resp) {
  constexpr char kMethod[] = "/gigwire.v1.JobService/ApproveJob";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Job job, jobs_.Approve(*call.principal, req->id(), req->note(),
                                               MakeRequestKey(call, "ApproveJob", *req)));
    ToProto(job, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status JobServiceImpl::RejectJob(ServerContext* ctx, const v1::RejectJobRequest* req,
                                 v1::Job* resp) {
  constexpr char kMethod[] = "/gigwire.v1.JobService/RejectJob";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Job job, jobs_.Reject(*call.principal, req->id(), req->reason(),
                                              MakeRequestKey(call, "RejectJob", *req)));
    ToProto(job, *call.principal, resp);
    return absl::OkStatus();
  });
}

Status JobServiceImpl::ListOpenJobs(ServerContext* ctx, const v1::ListOpenJobsRequest* req,
                                    v1::ListOpenJobsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.JobService/ListOpenJobs";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    OpenJobFilter filter;
    filter.category_id = req->category_id();
    filter.skill = req->skill();
    filter.currency_code = req->currency_code();
    filter.has_budget_min = req->budget_range().has_min();
    filter.has_budget_max = req->budget_range().has_max();
    filter.budget_min = MoneyFromProto(req->budget_range().min());
    filter.budget_max = MoneyFromProto(req->budget_range().max());
    switch (req->order_by()) {
      case v1::OPEN_JOB_ORDER_UNSPECIFIED:
      case v1::OPEN_JOB_ORDER_NEWEST: filter.order = OpenJobQuery::Order::kNewest; break;
      case v1::OPEN_JOB_ORDER_BUDGET: filter.order = OpenJobQuery::Order::kBudget; break;
      case v1::OPEN_JOB_ORDER_CLOSING_SOON: filter.order = OpenJobQuery::Order::kClosingSoon; break;
      default: return InvalidField("order_by", "unknown order");
    }
    GW_ASSIGN_OR_RETURN(OpenJobPage page, jobs_.ListOpen(*call.principal, filter,
                                                         req->page_size(), req->page_token()));
    for (const Job& job : page.jobs) ToProto(job, *call.principal, resp->add_jobs());
    resp->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

Status JobServiceImpl::ExtendBidding(ServerContext* ctx, const v1::ExtendBiddingRequest* req,
                                     v1::Job* resp) {
  constexpr char kMethod[] = "/gigwire.v1.JobService/ExtendBidding";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    BiddingExtension extension;
    if (req->has_bidding_close_time()) {
      extension.bidding_close_time = TimeFromProto(req->bidding_close_time());
    }
    if (req->has_award_deadline_time()) {
      extension.award_deadline_time = TimeFromProto(req->award_deadline_time());
    }
    GW_ASSIGN_OR_RETURN(Job job, jobs_.ExtendBidding(*call.principal, req->id(), extension,
                                                     MakeRequestKey(call, "ExtendBidding", *req)));
    ToProto(job, *call.principal, resp);
    return absl::OkStatus();
  });
}

}  // namespace gigwire
