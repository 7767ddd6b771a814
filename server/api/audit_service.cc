// AuditService handlers: reading the admin audit log.
#include "server/api/catalog_convert.h"
#include "server/api/catalog_services.h"
#include "server/common/status.h"

namespace gigwire {

grpc::Status AuditServiceImpl::ListAuditEntries(grpc::ServerContext* context,
                                                const v1::ListAuditEntriesRequest* request,
                                                v1::ListAuditEntriesResponse* response) {
  return rpc_.Run(context, "/gigwire.v1.AuditService/ListAuditEntries", Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    AuditQuery query;
                    query.actor_id = request->actor_id();
                    query.action = request->action();
                    query.target = request->target();
                    GW_ASSIGN_OR_RETURN(AuditPage page,
                                        audit_log_.List(*call.principal, query,
                                                        request->page_size(),
                                                        request->page_token()));
                    for (const AuditEntry& entry : page.entries) {
                      ToProto(entry, response->add_entries());
                    }
                    response->set_next_page_token(page.next_page_token);
                    return absl::OkStatus();
                  });
}

}  // namespace gigwire
