// OfferService.WatchOffers: the stream of a seller's offers (an admin's: any
// job's). The other OfferService handlers are in offer_service.cc.
#include "server/api/event_convert.h"
#include "server/api/event_services.h"
#include "server/api/watch_reactor.h"
#include "server/api/work_services.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

constexpr EventType kOfferEventTypes[] = {
    EventType::kOfferCreated,   EventType::kOfferAccepted,  EventType::kOfferDeclined,
    EventType::kOfferExpired,   EventType::kOfferWithdrawn, EventType::kOfferSuperseded};

// What `principal` may watch: a seller its own offers, an admin any (one
// job's with `job_id`); the requested OFFER_* types, or all of them.
absl::StatusOr<EventFilter> OfferWatchFilter(const Principal& principal,
                                             const v1::WatchOffersRequest& request) {
  if (!principal.Has(Role::kSeller) && !principal.Has(Role::kAdmin)) {
    return RoleRequired("seller");
  }
  EventFilter filter = WatchFilterFor(principal);
  GW_ASSIGN_OR_RETURN(filter.types, EventTypesFromProto(request.types(), "types"));
  for (EventType type : filter.types) {
    if (!IsOfferEvent(type)) return InvalidField("types", "only OFFER_* types are offer events");
  }
  if (filter.types.empty()) {
    filter.types.assign(std::begin(kOfferEventTypes), std::end(kOfferEventTypes));
  }
  filter.job_id = request.job_id();
  return filter;
}

}  // namespace

grpc::ServerWriteReactor<v1::WatchOffersResponse>* OfferServiceImpl::WatchOffers(
    grpc::CallbackServerContext* context, const v1::WatchOffersRequest* request) {
  auto* reactor = new WatchReactor<v1::WatchOffersResponse, WatchOffersCodec>(
      "/gigwire.v1.OfferService/WatchOffers", clock_);
  absl::StatusOr<const Principal*> principal = reactor->Admit(rpc_, context);
  absl::StatusOr<std::optional<int64_t>> after =
      principal.ok() ? ResumePointFromProto(request->resume_cursor(), "resume_cursor")
                     : principal.status();
  absl::StatusOr<EventFilter> filter =
      after.ok() ? OfferWatchFilter(**principal, *request) : after.status();
  if (!filter.ok()) {
    reactor->Reject(filter.status());
    return reactor;
  }
  reactor->Start(hub_, *std::move(filter), *after);
  return reactor;
}

}  // namespace gigwire
