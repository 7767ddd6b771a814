// EventService.WatchEvents; see event_services.h.
#include "server/api/event_services.h"

#include "server/api/event_convert.h"
#include "server/api/watch_reactor.h"
#include "server/common/status.h"

namespace gigwire {

EventFilter WatchFilterFor(const Principal& principal) {
  EventFilter filter;
  filter.all_users = principal.Has(Role::kAdmin);
  filter.user_id = principal.user_id;
  return filter;
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* EventServiceImpl::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  auto* reactor = new WatchReactor<v1::WatchEventsResponse, WatchEventsCodec>(
      "/gigwire.v1.EventService/WatchEvents", clock_);
  absl::StatusOr<const Principal*> principal = reactor->Admit(rpc_, context);
  absl::StatusOr<std::optional<int64_t>> after =
      principal.ok() ? ResumePointFromProto(request->resume_cursor(), "resume_cursor")
                     : principal.status();
  absl::StatusOr<std::vector<EventType>> types =
      after.ok() ? EventTypesFromProto(request->types(), "types") : after.status();
  if (!types.ok()) {
    reactor->Reject(types.status());
    return reactor;
  }
  EventFilter filter = WatchFilterFor(**principal);
  filter.types = *std::move(types);
  reactor->Start(hub_, std::move(filter), *after);
  return reactor;
}

}  // namespace gigwire
