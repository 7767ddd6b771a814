// NotificationService; see event_services.h.
#include <string>
#include <vector>

#include "server/api/event_convert.h"
#include "server/api/event_services.h"
#include "server/common/status.h"

namespace gigwire {

using grpc::ServerContext;
using grpc::Status;

Status NotificationServiceImpl::ListNotifications(ServerContext* ctx,
                                                  const v1::ListNotificationsRequest* req,
                                                  v1::ListNotificationsResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.NotificationService/ListNotifications";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(auto page, notifications_.List(*call.principal, req->unread_only(),
                                                       req->page_size(), req->page_token()));
    for (const Notification& n : page.notifications) ToProto(n, resp->add_notifications());
    resp->set_next_page_token(page.next_page_token);
    resp->set_unread_count(page.unread_count);
    resp->set_event_cursor(page.event_cursor);
    return absl::OkStatus();
  });
}

Status NotificationServiceImpl::MarkNotificationsRead(ServerContext* ctx,
                                                      const v1::MarkNotificationsReadRequest* req,
                                                      v1::MarkNotificationsReadResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.NotificationService/MarkNotificationsRead";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    std::vector<std::string> ids(req->ids().begin(), req->ids().end());
    GW_ASSIGN_OR_RETURN(auto marked, notifications_.MarkRead(*call.principal, ids,
                                                             req->up_to_id()));
    resp->set_marked_count(marked.marked_count);
    resp->set_unread_count(marked.unread_count);
    return absl::OkStatus();
  });
}

}  // namespace gigwire
