// Events in gigwire.v1 form: the EventEncoder the outbox uses (a domain event
// serialized as a gigwire.v1.Event without its cursor), and the decoding of a
// stored event into the messages WatchEvents and WatchOffers send.
//
// Thread safety: ProtoEventEncoder is stateless and thread-safe.
#ifndef GIGWIRE_SERVER_API_EVENT_CONVERT_H_
#define GIGWIRE_SERVER_API_EVENT_CONVERT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gigwire/v1/event.pb.h"
#include "gigwire/v1/notification.pb.h"
#include "gigwire/v1/offer.pb.h"
#include "server/auth/authenticator.h"
#include "server/domain/outbox.h"
#include "server/model/event.h"

namespace gigwire {

class ProtoEventEncoder final : public EventEncoder {
 public:
  // The resource without allowed_actions (they depend on who asks: the
  // stream adds them for its caller, see AddAllowedActions).
  std::string Encode(const DomainEvent& event) const override;
};

// The stored event, its cursor filled in (allowed_actions still empty).
// INTERNAL when the payload does not parse.
absl::Status DecodeEvent(const EventRecord& record, v1::Event* out);
// Fills the resource's allowed_actions for `viewer` at `now`, as its Get
// would: an event then carries what a Get by its receiver returns.
void AddAllowedActions(const Principal& viewer, absl::Time now, v1::Event* event);
// The event as WatchOffers sends it to `viewer`; INTERNAL also when it is
// not an offer event.
absl::Status DecodeOfferEvent(const EventRecord& record, const Principal& viewer,
                              absl::Time now, v1::OfferEvent* out);

void ToProto(const Notification& notification, v1::Notification* out);

// Where a watch starts: nullopt for "" (now); INVALID_ARGUMENT naming
// `field` for a malformed cursor.
absl::StatusOr<std::optional<int64_t>> ResumePointFromProto(const std::string& cursor,
                                                            absl::string_view field);
// The requested event types; INVALID_ARGUMENT naming `field` for an unknown
// or unspecified one.
absl::StatusOr<std::vector<EventType>> EventTypesFromProto(
    const google::protobuf::RepeatedField<int>& types, absl::string_view field);

// The WatchReactor codecs of the two watch streams (see watch_reactor.h).
struct WatchEventsCodec {
  static absl::Status FillEvent(const EventRecord& record, const Principal& viewer,
                                absl::Time now, v1::WatchEventsResponse* out);
  static void FillHeartbeat(int64_t cursor, absl::Time now, v1::WatchEventsResponse* out);
};
struct WatchOffersCodec {
  static absl::Status FillEvent(const EventRecord& record, const Principal& viewer,
                                absl::Time now, v1::WatchOffersResponse* out);
  static void FillHeartbeat(int64_t cursor, absl::Time now, v1::WatchOffersResponse* out);
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_EVENT_CONVERT_H_
