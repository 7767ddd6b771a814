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

}  // namespace gigwire
