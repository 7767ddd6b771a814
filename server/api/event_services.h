// gRPC service classes of real time: EventService (WatchEvents, a callback
// stream, see watch_reactor.h) and NotificationService (the inbox; domain in
// server/domain/notifications.h). OfferService.WatchOffers is with the other
// offer handlers (work_services.h) and shares WatchReactor.
//
// Thread safety: handlers run concurrently; the hub and domain objects are
// thread-safe and must outlive the server.
#ifndef GIGWIRE_SERVER_API_EVENT_SERVICES_H_
#define GIGWIRE_SERVER_API_EVENT_SERVICES_H_

#include "gigwire/v1/event.grpc.pb.h"
#include "gigwire/v1/notification.grpc.pb.h"
#include "server/api/rpc_runner.h"
#include "server/common/clock.h"
#include "server/domain/notifications.h"
#include "server/events/event_hub.h"

namespace gigwire {

class EventServiceImpl final : public v1::EventService::CallbackService {
 public:
  EventServiceImpl(RpcRunner& rpc, EventHub& hub, const Clock& clock)
      : rpc_(rpc), hub_(hub), clock_(clock) {}
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;

 private:
  RpcRunner& rpc_;
  EventHub& hub_;
  const Clock& clock_;  // the time events' allowed_actions are judged at
};

class NotificationServiceImpl final : public v1::NotificationService::Service {
 public:
  NotificationServiceImpl(RpcRunner& rpc, Notifications& notifications)
      : rpc_(rpc), notifications_(notifications) {}
  grpc::Status ListNotifications(grpc::ServerContext*, const v1::ListNotificationsRequest*,
                                 v1::ListNotificationsResponse*) override;
  grpc::Status MarkNotificationsRead(grpc::ServerContext*,
                                     const v1::MarkNotificationsReadRequest*,
                                     v1::MarkNotificationsReadResponse*) override;

 private:
  RpcRunner& rpc_;
  Notifications& notifications_;
};

// The events `principal` may watch (see event.proto): an admin all, anyone
// else those of its own jobs, offers, bookings, reviews and gigs.
EventFilter WatchFilterFor(const Principal& principal);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_EVENT_SERVICES_H_
